// Times OpenBLAS sgemm through the addon on the matrix products of one km50
// MNIST training step, with 1 and 2 OpenBLAS threads, and prints the
// compute floor of an epoch: its matrix-product FLOPs at the measured
// rates. Run after `pnpm build`: node bench/sgemm.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const addon = require('../build/Release/fixclust_native.node');

// The products of one step, batch 128, as [name, m, n, k, transposeA,
// transposeB]: the two layers forward, the distances to the 10
// representatives, and the backward products. The first layer's weight
// gradient is a plain product, because the model's custom gradient
// transposes the batch explicitly first.
const STEP_PRODUCTS = [
  ['layer 1 forward', 128, 32, 784, false, false],
  ['layer 2 forward', 128, 10, 32, false, false],
  ['distances', 128, 10, 10, false, false],
  ['distances backward', 128, 10, 10, false, true],
  ['layer 2 weight gradient', 32, 10, 128, true, false],
  ['layer 2 input gradient', 128, 32, 10, false, true],
  ['layer 1 weight gradient', 784, 32, 128, false, false],
];
const STEPS_PER_EPOCH = 547;

function measure(m, n, k, transposeA, transposeB) {
  const a = new Float32Array(m * k).map(() => Math.random());
  const b = new Float32Array(k * n).map(() => Math.random());
  const out = new Float32Array(m * n);
  const run = () =>
    addon.matMul(a, b, out, 1, m, n, k, transposeA, transposeB, 0, 0);
  const repeats = Math.max(200, Math.round(2e9 / (2 * m * n * k)));
  for (let i = 0; i < repeats / 10; i++) run();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) run();
  const wall = (performance.now() - start) / 1000 / repeats;
  const usage = process.cpuUsage(cpuStart);
  const cpu = (usage.user + usage.system) / 1e6 / repeats;
  return { wall, cpu, flops: 2 * m * n * k };
}

for (const threads of [1, 2]) {
  addon.setThreads(threads);
  let floorWall = 0;
  let flopsPerStep = 0;
  console.log(`OpenBLAS threads: ${addon.getThreads()}`);
  for (const [name, m, n, k, transposeA, transposeB] of STEP_PRODUCTS) {
    const { wall, cpu, flops } = measure(m, n, k, transposeA, transposeB);
    floorWall += wall;
    flopsPerStep += flops;
    console.log(
      `  ${name.padEnd(24)} ${m}x${k} by ${k}x${n}: ` +
        `${(wall * 1e6).toFixed(1)} us wall (${(flops / wall / 1e9).toFixed(1)} GFLOP/s), ` +
        `${(cpu * 1e6).toFixed(1)} us CPU`,
    );
  }
  console.log(
    `  per step ${(flopsPerStep / 1e6).toFixed(2)} MFLOP, ` +
      `${(floorWall * 1e6).toFixed(0)} us; epoch floor ` +
      `${(floorWall * STEPS_PER_EPOCH).toFixed(3)} s ` +
      `(${((flopsPerStep * STEPS_PER_EPOCH) / floorWall / STEPS_PER_EPOCH / 1e9).toFixed(1)} GFLOP/s overall)`,
  );
}
