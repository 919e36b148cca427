// Measures the rate of the matrix products of one km50 training step on
// USPS (widths 256, 32, 10; batch 128) through the native addon. It times
// them on one thread alone, then on N worker threads at once, to show
// whether threads that train side by side slow each other's products.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/parallel/product-rate.mjs [N]
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

import { measureComputeFloor } from '../../packages/backend-native/dist/floor.js';

/** GFLOP/s of the step's products on this thread, timed for 0.5 s each. */
function rate() {
  return measureComputeFloor({
    widths: [256, 32, 10],
    batchSize: 128,
    nSamples: 9298,
    threads: 1,
    secondsPerProduct: 0.5,
  }).gflops;
}

if (isMainThread) {
  const threads = Number(process.argv[2] ?? '2');
  console.log(`one thread alone: ${rate().toFixed(1)} GFLOP/s`);
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL(import.meta.url)),
  );
  const rates = await Promise.all(
    workers.map(
      (worker) => new Promise((done) => worker.once('message', done)),
    ),
  );
  const each = rates.map((value) => value.toFixed(1)).join(', ');
  console.log(`${threads} threads at once: ${each} GFLOP/s`);
  await Promise.all(workers.map((worker) => worker.terminate()));
} else {
  parentPort.postMessage(rate());
}
