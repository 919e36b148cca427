import {
  assertIntegerInRange,
  clusterWarnings,
  describeValue,
  InvalidParameterError,
  Random,
  streamBatches,
  streamBlocks,
  summariseClusters,
  type FixclustWarning,
  type StreamingDataset,
} from '@fixclust/core';

import {
  assertCountInRange,
  assertOptions,
  optionNames,
  resolveSeed,
} from './options.js';

/** Options of {@link miniBatchKMeans}. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters k, from 1 to the number of samples. Required. */
  nClusters: number;
  /** Rows per update step. Default: 1024, as in scikit-learn. */
  batchSize?: number;
  /** Passes over the data. Default: 3. */
  epochs?: number;
  /**
   * Rows drawn uniformly at random for the k-means++ initialisations, read
   * one by one. Default: `max(3 × batchSize, 3 × nClusters)`, at most the
   * number of samples, as in scikit-learn.
   */
  initSize?: number;
  /**
   * k-means++ initialisations on the drawn rows; the one with the lowest
   * inertia on those rows is kept. Default: 3.
   */
  nInit?: number;
  /**
   * Blocks whose rows an epoch shuffles together. Default:
   * `DEFAULT_BLOCKS_PER_SHUFFLE` of `@fixclust/core` (16).
   */
  blocksPerShuffle?: number;
  /**
   * Seed of every random choice. 0 is a valid seed. Default: drawn at
   * random and stored in the result.
   */
  seed?: number;
  /**
   * Stops the work after the current row read of the initialisation, the
   * current batch, or the current block of the final labelling pass, and
   * rejects with the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /** Called after each epoch with its mean inertia. */
  onEpochEnd?: ((progress: MiniBatchEpoch) => void) | undefined;
}

/** Progress of {@link miniBatchKMeans} after an epoch. */
export interface MiniBatchEpoch {
  /** Epoch index, from 0. */
  epoch: number;
  epochs: number;
  /**
   * Mean squared distance of the epoch's rows to their nearest centre,
   * measured on each batch before its update.
   */
  inertia: number;
  /** Update steps so far, over all epochs. */
  steps: number;
  /** Milliseconds since the call started. */
  elapsedMs: number;
}

/** Result of {@link miniBatchKMeans}. */
export interface MiniBatchKMeansResult {
  /** Cluster of each sample, from a final pass: 0 … nClusters − 1. */
  labels: Int32Array;
  /** `nClusters × nFeatures` centres, row-major. */
  centres: Float64Array;
  nClusters: number;
  nFeatures: number;
  /**
   * Sum of squared Euclidean distances of the samples to their centres in
   * the final pass, float64.
   */
  inertia: number;
  /**
   * Mean squared distance of each epoch's rows to their nearest centre,
   * measured on each batch before its update.
   */
  epochInertias: number[];
  /** Samples per cluster in the final labels. */
  clusterSizes: number[];
  nSteps: number;
  seed: number;
  /** Things worth knowing about this result, such as empty clusters. */
  warnings: FixclustWarning[];
}

const OPTION_NAMES = optionNames<MiniBatchKMeansOptions>({
  nClusters: true,
  batchSize: true,
  epochs: true,
  initSize: true,
  nInit: true,
  blocksPerShuffle: true,
  seed: true,
  signal: true,
  onEpochEnd: true,
});

interface Settings {
  nClusters: number;
  batchSize: number;
  epochs: number;
  initSize: number;
  nInit: number;
  blocksPerShuffle: number | undefined;
  seed: number;
}

/**
 * Clusters a streaming data set with mini-batch k-means. Each step assigns
 * a batch of rows to their nearest centres. It then moves each centre
 * toward each of its rows by the step 1 / (rows it has received so far),
 * so a centre is the running mean of the rows assigned to it. Rows are read in
 * the shuffled block-then-row order of `streamBatches` (`@fixclust/core`),
 * a few blocks at a time, so the data set need not fit in memory; the
 * result holds one label per sample.
 *
 * Reference: D. Sculley, "Web-scale k-means clustering", WWW 2010.
 *
 * @throws InvalidParameterError when `dataset` is not a streaming data set
 * or the options are missing, and naming an unknown option or the first
 * invalid one.
 * @throws InvalidDataError for any problem the data set's reads report.
 * @throws the reason of `signal` once it aborts.
 */
export async function miniBatchKMeans(
  dataset: StreamingDataset,
  options: MiniBatchKMeansOptions,
): Promise<MiniBatchKMeansResult> {
  const startTime = performance.now();
  const settings = checkOptions(dataset, options);
  const { signal, onEpochEnd } = options;
  signal?.throwIfAborted();
  const random = new Random(settings.seed);
  const centres = await initialCentres(dataset, settings, random, signal);
  const counts = new Float64Array(settings.nClusters);
  const epochInertias: number[] = [];
  let nSteps = 0;

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    signal?.throwIfAborted();
    let sum = 0;
    for await (const batch of streamBatches(dataset, {
      batchSize: settings.batchSize,
      blocksPerShuffle: settings.blocksPerShuffle,
      random,
    })) {
      signal?.throwIfAborted();
      sum += updateCentres(centres, counts, batch.x, dataset.nFeatures);
      nSteps++;
    }
    const inertia = sum / dataset.nSamples;
    epochInertias.push(inertia);
    onEpochEnd?.({
      epoch,
      epochs: settings.epochs,
      inertia,
      steps: nSteps,
      elapsedMs: performance.now() - startTime,
    });
  }

  const { labels, inertia } = await assignAll(dataset, centres, signal);
  const summary = summariseClusters(labels, settings.nClusters);
  return {
    labels,
    centres,
    nClusters: settings.nClusters,
    nFeatures: dataset.nFeatures,
    inertia,
    epochInertias,
    clusterSizes: summary.sizes,
    nSteps,
    seed: settings.seed,
    warnings: clusterWarnings(summary),
  };
}

function checkOptions(
  dataset: StreamingDataset,
  options: MiniBatchKMeansOptions,
): Settings {
  assertStreamingDataset(dataset);
  assertOptions(options, OPTION_NAMES, 'nClusters');
  assertCallbacks(options);
  const { nSamples } = dataset;
  assertCountInRange('nClusters', options.nClusters, nSamples);
  const batchSize = options.batchSize ?? 1024;
  assertIntegerInRange('batchSize', batchSize, 1);
  const epochs = options.epochs ?? 3;
  assertIntegerInRange('epochs', epochs, 1);
  const initSize =
    options.initSize ??
    Math.min(nSamples, Math.max(3 * batchSize, 3 * options.nClusters));
  assertIntegerInRange(
    'initSize',
    initSize,
    options.nClusters,
    nSamples,
    `the number of samples (${nSamples})`,
  );
  const nInit = options.nInit ?? 3;
  assertIntegerInRange('nInit', nInit, 1);
  const blocksPerShuffle = options.blocksPerShuffle;
  if (blocksPerShuffle !== undefined) {
    assertIntegerInRange('blocksPerShuffle', blocksPerShuffle, 1);
  }
  const seed = resolveSeed(options.seed);
  const nClusters = options.nClusters;
  return {
    nClusters,
    batchSize,
    epochs,
    initSize,
    nInit,
    blocksPerShuffle,
    seed,
  };
}

/**
 * Checks that `dataset` is an object with integer sizes and `readRows`,
 * so that a matrix passed in its place is reported with the way to wrap it.
 */
function assertStreamingDataset(dataset: unknown): void {
  const candidate = dataset as Partial<StreamingDataset> | null | undefined;
  if (typeof candidate?.readRows !== 'function') {
    throw new InvalidParameterError(
      'dataset',
      dataset,
      'dataset must be a StreamingDataset (an object with nSamples, ' +
        `nFeatures and readRows), got ${describeValue(dataset)}; wrap a ` +
        'matrix in memory with arrayStream from @fixclust/core, or open a ' +
        'file with openCsvStream or openNpyStream from @fixclust/datasets',
    );
  }
  assertIntegerInRange('dataset.nSamples', candidate.nSamples!, 1);
  assertIntegerInRange('dataset.nFeatures', candidate.nFeatures!, 1);
}

function assertCallbacks(options: MiniBatchKMeansOptions): void {
  const { signal, onEpochEnd } = options;
  if (signal !== undefined && typeof signal?.throwIfAborted !== 'function') {
    throw new InvalidParameterError(
      'signal',
      signal,
      `signal must be an AbortSignal, got ${describeValue(signal)}`,
    );
  }
  if (onEpochEnd !== undefined && typeof onEpochEnd !== 'function') {
    throw new InvalidParameterError(
      'onEpochEnd',
      onEpochEnd,
      `onEpochEnd must be a function, got ${describeValue(onEpochEnd)}`,
    );
  }
}

/**
 * Runs k-means++ `nInit` times on `initSize` rows drawn at random and
 * returns the centres with the lowest inertia on those rows.
 */
async function initialCentres(
  dataset: StreamingDataset,
  settings: Settings,
  random: Random,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  const width = dataset.nFeatures;
  const rows = sampleRows(dataset.nSamples, settings.initSize, random);
  const sample = new Float64Array(rows.length * width);
  const buffer = new Float32Array(width);
  for (let i = 0; i < rows.length; i++) {
    signal?.throwIfAborted();
    sample.set(await dataset.readRows(rows[i]!, 1, buffer), i * width);
  }

  let best: Float64Array | undefined;
  let bestInertia = Number.POSITIVE_INFINITY;
  for (let init = 0; init < settings.nInit; init++) {
    const centres = kmeansPlusPlus(sample, width, settings.nClusters, random);
    let inertia = 0;
    for (let i = 0; i < rows.length; i++) {
      inertia += nearestCentre(centres, sample, i * width, width).distance;
    }
    if (inertia < bestInertia) {
      bestInertia = inertia;
      best = centres;
    }
  }
  return best!;
}

/**
 * Draws `k` distinct rows of `n` uniformly, in increasing order. For a
 * small sample it draws with rejection, so memory grows with `k` rather
 * than with `n` as it would with `Random.sample`.
 */
function sampleRows(n: number, k: number, random: Random): Int32Array {
  if (2 * k > n) return random.sample(n, k);
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(random.int(n));
  return Int32Array.from(chosen).sort();
}

/**
 * Picks k centres among the rows of `x`: the first uniformly, each next
 * one with probability proportional to its squared distance to the
 * nearest centre so far (Arthur and Vassilvitskii, 2007).
 */
function kmeansPlusPlus(
  x: Float64Array,
  width: number,
  k: number,
  random: Random,
): Float64Array {
  const n = x.length / width;
  const centres = new Float64Array(k * width);
  const distances = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = random.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(x.subarray(chosen * width, (chosen + 1) * width), c * width);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = squaredDistance(x, i * width, centres, c * width, width);
      if (d < distances[i]!) distances[i] = d;
      total += distances[i]!;
    }
    chosen = drawWeighted(distances, total, random);
  }
  return centres;
}

/** Draws an index with probability proportional to `weights`. */
function drawWeighted(
  weights: Float64Array,
  total: number,
  random: Random,
): number {
  // All rows on a centre: any row will do.
  if (!(total > 0)) return random.int(weights.length);
  let target = random.float() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Assigns each row of the batch to its nearest centre, then moves each
 * centre toward its rows one at a time with step 1 / count. Returns the
 * sum of the squared distances before the update.
 */
function updateCentres(
  centres: Float64Array,
  counts: Float64Array,
  x: Float32Array,
  width: number,
): number {
  const nRows = x.length / width;
  const nearest = new Int32Array(nRows);
  let sum = 0;
  for (let i = 0; i < nRows; i++) {
    const { centre, distance } = nearestCentre(centres, x, i * width, width);
    nearest[i] = centre;
    sum += distance;
  }
  for (let i = 0; i < nRows; i++) {
    const c = nearest[i]!;
    counts[c]! += 1;
    const step = 1 / counts[c]!;
    for (let j = 0; j < width; j++) {
      const at = c * width + j;
      centres[at]! += step * (x[i * width + j]! - centres[at]!);
    }
  }
  return sum;
}

/** Labels every row in one pass over the data, in file order. */
async function assignAll(
  dataset: StreamingDataset,
  centres: Float64Array,
  signal: AbortSignal | undefined,
): Promise<{ labels: Int32Array; inertia: number }> {
  const width = dataset.nFeatures;
  const labels = new Int32Array(dataset.nSamples);
  let inertia = 0;
  for await (const block of streamBlocks(dataset)) {
    signal?.throwIfAborted();
    for (let i = 0; i < block.nRows; i++) {
      const found = nearestCentre(centres, block.x, i * width, width);
      labels[block.start + i] = found.centre;
      inertia += found.distance;
    }
  }
  return { labels, inertia };
}

function nearestCentre(
  centres: Float64Array,
  x: Float32Array | Float64Array,
  offset: number,
  width: number,
): { centre: number; distance: number } {
  let centre = 0;
  let distance = Number.POSITIVE_INFINITY;
  const k = centres.length / width;
  for (let c = 0; c < k; c++) {
    const d = squaredDistance(x, offset, centres, c * width, width);
    if (d < distance) {
      distance = d;
      centre = c;
    }
  }
  return { centre, distance };
}

function squaredDistance(
  a: Float32Array | Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  width: number,
): number {
  let sum = 0;
  for (let j = 0; j < width; j++) {
    const d = a[aOffset + j]! - b[bOffset + j]!;
    sum += d * d;
  }
  return sum;
}
