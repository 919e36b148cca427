// Times tf.matMul on the wasm backend and on the webgpu backend, including
// the read of the result back to JavaScript. Run after building:
//
//   EGL_PLATFORM=surfaceless node bench/matmul.mjs [dawnBackend]
//
// dawnBackend defaults to opengles, where Mesa's llvmpipe is the adapter;
// software adapters are accepted so llvmpipe can be measured.
import { wasmBackend } from '@fixclust/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

import { webgpuBackend } from '../dist/index.js';

const SHAPES = [
  [128, 784, 32],
  [4096, 784, 32],
  [1024, 1024, 1024],
];

/** Median of `repeats` timings of one matMul plus its read, in ms. */
async function timeMatMul(m, k, n, repeats) {
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  const times = [];
  for (let i = 0; i < repeats + 2; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i >= 2) times.push(performance.now() - start);
  }
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

const dawnBackend = process.argv[2] ?? 'opengles';
const candidates = [
  wasmBackend(),
  webgpuBackend({ dawnBackend, allowSoftwareAdapter: true }),
];
for (const candidate of candidates) {
  const info = await candidate.initialise();
  console.log(`${info.name} ${info.version}: ${info.details ?? ''}`);
  for (const [m, k, n] of SHAPES) {
    const ms = await timeMatMul(m, k, n, 9);
    const gflops = (2 * m * k * n) / (ms * 1e6);
    console.log(
      `  ${m}×${k} by ${k}×${n}: ${ms.toFixed(2)} ms, ` +
        `${gflops.toFixed(2)} GFLOP/s`,
    );
  }
}
