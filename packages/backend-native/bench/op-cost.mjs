// Measures the fixed cost of one tfjs operation on small tensors, where the
// arithmetic is negligible, on the native, wasm or cpu backend. Run after
// `pnpm build`: node bench/op-cost.mjs native|wasm|cpu
import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import { registerGradients } from '@fixclust/model';
import * as tf from '@tensorflow/tfjs-core';

import { nativeBackend } from '../dist/index.js';

const name = process.argv[2] ?? 'native';
const candidates = {
  native: () => nativeBackend({ engine: 'addon' }),
  wasm: () => wasmBackend(),
  cpu: () => cpuBackend(),
};
await candidates[name]().initialise();
// The "recorded for gradients" case below needs tfjs's gradient functions.
await registerGradients();

const a = tf.randomNormal([128, 10]);
const b = tf.randomNormal([128, 10]);
const bias = tf.randomNormal([10]);
const OPS_PER_CALL = 10;

function time(label, body, calls = 2000) {
  for (let i = 0; i < calls / 10; i++) body();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) body();
  const wall = ((performance.now() - start) * 1000) / calls / OPS_PER_CALL;
  const usage = process.cpuUsage(cpuStart);
  const cpu = (usage.user + usage.system) / calls / OPS_PER_CALL;
  console.log(
    `${name} ${label.padEnd(30)} ${wall.toFixed(2).padStart(6)} us wall, ` +
      `${cpu.toFixed(2).padStart(6)} us CPU per operation`,
  );
}

const repeat = (operation) => () =>
  tf.tidy(() => {
    for (let i = 0; i < OPS_PER_CALL; i++) operation();
  });
time(
  'add 128x10',
  repeat(() => tf.add(a, b)),
);
time(
  'add 128x10 and 10',
  repeat(() => tf.add(a, bias)),
);
time(
  'multiply by a number',
  repeat(() => tf.mul(a, 0.5)),
);
time('add, recorded for gradients', () =>
  tf.tidy(() => {
    const gradient = tf.grad((x) => {
      let y = x;
      for (let i = 0; i < OPS_PER_CALL - 1; i++) y = tf.add(y, b);
      return tf.sum(y);
    });
    return gradient(a);
  }),
);
