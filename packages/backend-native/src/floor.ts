import { InvalidParameterError } from '@fixclust/core';

import { DEFAULT_ADDON_PATH, loadAddon } from './addon.js';

/** One matrix product `op(a) · op(b)`, `op(a)` being `m × k`. */
export interface MatMulShape {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Lists the matrix products of one training step of a stack of dense
 * layers on a batch of `batchSize` rows, as the fused training step runs
 * them: each layer's forward product, each layer's weight gradient, and
 * the input gradient of every layer but the first. `widths` are the layer
 * widths from the input, such as `[784, 32, 10]`.
 *
 * @throws InvalidParameterError for fewer than two widths or a width or
 * batch size below 1.
 */
export function denseStepProducts(
  widths: readonly number[],
  batchSize: number,
): MatMulShape[] {
  if (widths.length < 2 || ![...widths, batchSize].every((w) => w >= 1)) {
    throw new InvalidParameterError(
      'widths',
      widths,
      'a dense network needs at least an input and an output width, and ' +
        `every width and the batch size must be at least 1, got ` +
        `[${widths.join(', ')}] and batch ${batchSize}`,
    );
  }
  const products: MatMulShape[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l]!;
    const outputs = widths[l + 1]!;
    const rows = batchSize;
    products.push(
      { m: rows, n: outputs, k: inputs, transposeA: false, transposeB: false },
      { m: inputs, n: outputs, k: rows, transposeA: true, transposeB: false },
    );
    if (l > 0) {
      products.push({
        m: rows,
        n: inputs,
        k: outputs,
        transposeA: false,
        transposeB: true,
      });
    }
  }
  return products;
}

/** The compute floor of a training epoch; see {@link measureComputeFloor}. */
export interface ComputeFloor {
  /** Matrix-product floating-point operations of one epoch. */
  flopsPerEpoch: number;
  /** Rate OpenBLAS reached on the step's products, in GFLOP/s. */
  gflops: number;
  /** `flopsPerEpoch` at that rate: the epoch's time if nothing else ran. */
  seconds: number;
  /** OpenBLAS threads the products ran on. */
  threads: number;
}

/** Options of {@link measureComputeFloor}. */
export interface ComputeFloorOptions {
  /** Layer widths from the input, such as `[784, 32, 10]`. */
  widths: readonly number[];
  batchSize: number;
  /** Rows of the epoch. */
  nSamples: number;
  /** OpenBLAS threads. Default: the addon's current setting. */
  threads?: number;
  /** Seconds to time each product for, over five rounds. Default: 0.1. */
  secondsPerProduct?: number;
  /** Path of the compiled addon. Default: this package's build. */
  addonPath?: string;
}

/**
 * Measures the compute floor of a training epoch of a dense network: the
 * epoch's matrix-product operations divided by the rate OpenBLAS reaches,
 * through this package's addon, on exactly the products of a step. An
 * epoch's time as a multiple of this floor shows how much of it goes to
 * work other than matrix products.
 *
 * @throws BackendUnavailableError when the addon is not built or fails to
 * load.
 * @throws InvalidParameterError for widths, batch size or row count below 1.
 */
export function measureComputeFloor(
  options: ComputeFloorOptions,
): ComputeFloor {
  const addon = loadAddon(options.addonPath ?? DEFAULT_ADDON_PATH);
  const { batchSize, nSamples } = options;
  if (!(nSamples >= 1)) {
    throw new InvalidParameterError(
      'nSamples',
      nSamples,
      `an epoch needs at least one row, got ${nSamples}`,
    );
  }
  const products = denseStepProducts(options.widths, batchSize);
  const previousThreads = addon.getThreads();
  if (options.threads !== undefined) addon.setThreads(options.threads);
  const threads = addon.getThreads();
  const budget = options.secondsPerProduct ?? 0.1;
  let stepSeconds = 0;
  let stepFlops = 0;
  try {
    for (const shape of products) {
      stepSeconds += timeProduct(addon, shape, budget);
      stepFlops += 2 * shape.m * shape.n * shape.k;
    }
  } finally {
    addon.setThreads(previousThreads);
  }
  // A partial last batch costs in proportion to its rows.
  const flopsPerEpoch = (stepFlops * nSamples) / batchSize;
  const rate = stepFlops / stepSeconds;
  return {
    flopsPerEpoch,
    gflops: rate / 1e9,
    seconds: flopsPerEpoch / rate,
    threads,
  };
}

/**
 * Seconds of one product: the fastest mean of five rounds that together
 * take about `budget` seconds. The fastest round is the one least slowed by
 * other processes on the machine.
 */
function timeProduct(
  addon: ReturnType<typeof loadAddon>,
  shape: MatMulShape,
  budget: number,
): number {
  const { m, n, k, transposeA, transposeB } = shape;
  const a = new Float32Array(m * k).map((_, i) => ((i * 7919) % 101) / 101);
  const b = new Float32Array(k * n).map((_, i) => ((i * 104729) % 97) / 97);
  const out = new Float32Array(m * n);
  const run = () =>
    addon.matMul(a, b, out, 1, m, n, k, transposeA, transposeB, 0, 0);
  for (let i = 0; i < 20; i++) run();
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let repeats = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let i = 0; i < 10; i++) run();
      repeats += 10;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < budget / 5);
    fastest = Math.min(fastest, elapsed / repeats);
  }
  return fastest;
}
