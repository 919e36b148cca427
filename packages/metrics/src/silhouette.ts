import {
  assertDenseMatrix,
  assertIntegerInRange,
  assertKnownKeys,
  assertOptionsObject,
  countOf,
  InvalidDataError,
  isCsrMatrix,
  MAX_SEED,
  Random,
} from '@fixclust/core';

import { assertLabelArray, encodeLabels, type Labels } from './labels.js';

/**
 * Samples as a dense row-major matrix, the shape the other fixclust
 * packages use: `x` has `nSamples * nFeatures` values, row i starting at
 * `i * nFeatures`.
 */
export interface FeatureMatrix {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
}

/** Options of {@link silhouetteScore}. */
export interface SilhouetteOptions {
  /**
   * Number of samples to score, drawn uniformly without replacement, from 2
   * to the number of samples. Default: all samples up to
   * {@link DEFAULT_SILHOUETTE_SAMPLE_SIZE}, and that many when there are
   * more.
   */
  sampleSize?: number;
  /**
   * Seed of the sample. 0 is a valid seed. Default: drawn at random and
   * stored in the result when a sample is drawn.
   */
  seed?: number;
}

const OPTION_NAMES: readonly (keyof SilhouetteOptions)[] = [
  'sampleSize',
  'seed',
];

/** Result of {@link silhouetteScore}. */
export interface SilhouetteResult {
  /** Mean silhouette coefficient of the scored samples, in [−1, 1]. */
  score: number;
  /** Number of samples scored. */
  sampleSize: number;
  /** Seed of the sample; undefined when every sample was scored. */
  seed: number | undefined;
}

/** Samples scored by default when there are more. */
export const DEFAULT_SILHOUETTE_SAMPLE_SIZE = 10_000;

/**
 * Computes the mean silhouette coefficient with Euclidean distances
 * (Rousseeuw, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis", J. Comput. Appl. Math. 20, 1987).
 *
 * For sample i in cluster A, a(i) is its mean distance to the other members
 * of A and b(i) the smallest mean distance to the members of another
 * cluster; s(i) = (b − a) / max(a, b). As in scikit-learn, s(i) is 0 for a
 * sample alone in its cluster and when a = b = 0.
 *
 * With more samples than `sampleSize`, the score is computed on the rows
 * `new Random(seed).sample(nSamples, sampleSize)` alone, their distances to
 * each other only. Cost: O(m² d) float64 operations for m scored samples
 * of d features, which for m = 10,000 and d = 784 is about 4 × 10¹⁰.
 *
 * @param data - a dense matrix whose `x` is a Float32Array.
 * @param labels - cluster of each sample: numbers or strings.
 * @throws InvalidParameterError for a `data` or `labels` argument of the
 * wrong kind, an unknown option, or an invalid `sampleSize` or `seed`.
 * @throws InvalidDataError for values that are not a Float32Array, a CSR
 * matrix, empty or non-finite data, or a label count that differs from the number of
 * samples. Also for fewer than 2 or more than m − 1 distinct labels among
 * the scored samples.
 */
export function silhouetteScore(
  data: FeatureMatrix,
  labels: Labels,
  options: SilhouetteOptions = {},
): SilhouetteResult {
  assertOptionsObject('options', options, false);
  assertKnownKeys('', options, OPTION_NAMES);
  assertFeatureMatrix(data, labels);
  const n = data.nSamples;
  const sampleSize =
    options.sampleSize ?? Math.min(n, DEFAULT_SILHOUETTE_SAMPLE_SIZE);
  assertIntegerInRange(
    'sampleSize',
    sampleSize,
    2,
    n,
    `the number of samples (${n})`,
  );
  if (options.seed !== undefined) {
    assertIntegerInRange('seed', options.seed, 0, MAX_SEED);
  }

  let seed: number | undefined;
  let rows: Int32Array | undefined;
  if (sampleSize < n) {
    seed = options.seed ?? Math.floor(Math.random() * (MAX_SEED + 1));
    rows = new Random(seed).sample(n, sampleSize);
  }
  const x = gatherRows(data, rows);
  const sampleLabels =
    rows === undefined ? labels : Array.from(rows, (row) => labels[row]!);
  const { ids, values } = encodeLabels(sampleLabels, 'labels');
  assertLabelCount(values.length, sampleSize, 'the silhouette');
  return {
    score: meanSilhouette(x, data.nFeatures, ids, values.length),
    sampleSize,
    seed,
  };
}

/**
 * Checks the matrix's types, size and values, and that there is one label
 * per sample.
 *
 * @throws InvalidParameterError for a `data` or `labels` argument of the
 * wrong kind.
 * @throws InvalidDataError for values that are not a Float32Array, naming
 * the copy to make, and naming the first non-finite value or both counts.
 */
export function assertFeatureMatrix(data: FeatureMatrix, labels: Labels): void {
  assertNotSparse(data);
  assertDenseMatrix(data, 'data');
  assertLabelArray(labels, 'labels');
  if (labels.length !== data.nSamples) {
    throw new InvalidDataError(
      `labels has ${countOf(labels.length, 'entry', 'entries')} but data ` +
        `has ${countOf(data.nSamples, 'sample')}; pass one label per sample`,
    );
  }
}

/**
 * Rejects a CSR matrix, bare or as `data.x`, saying what to pass instead,
 * because these measures read dense rows.
 *
 * @throws InvalidDataError naming the two ways to get dense rows.
 */
function assertNotSparse(data: unknown): void {
  const x = (data as { x?: unknown } | null)?.x;
  if (!isCsrMatrix(data) && !isCsrMatrix(x)) return;
  const where = isCsrMatrix(data) ? 'data' : 'data.x';
  throw new InvalidDataError(
    `${where} is a CSR matrix, but this measure reads dense rows; pass ` +
      `dense features instead: the output of a fitted model's transform, ` +
      `or of the transform of a pca from @fixclust/baselines, or rows ` +
      `copied with densifyRows from @fixclust/core, which takes ` +
      `nSamples × nFeatures floats`,
  );
}

/**
 * Checks that the number of distinct labels is between 2 and n − 1, where
 * internal cluster measures are defined.
 *
 * @throws InvalidDataError naming the count.
 */
export function assertLabelCount(
  nLabels: number,
  nSamples: number,
  measure: string,
): void {
  if (nLabels < 2 || nLabels > nSamples - 1) {
    throw new InvalidDataError(
      `${measure} needs between 2 and ${nSamples - 1} distinct labels ` +
        `(the number of samples minus 1), got ${nLabels}`,
    );
  }
}

/**
 * Copies the given rows, or all rows when `rows` is undefined, into one
 * float64 row-major matrix.
 */
function gatherRows(
  data: FeatureMatrix,
  rows: Int32Array | undefined,
): Float64Array {
  const d = data.nFeatures;
  const count = rows?.length ?? data.nSamples;
  const x = new Float64Array(count * d);
  for (let r = 0; r < count; r++) {
    const start = (rows === undefined ? r : rows[r]!) * d;
    for (let j = 0; j < d; j++) x[r * d + j] = data.x[start + j]!;
  }
  return x;
}

function meanSilhouette(
  x: Float64Array,
  d: number,
  ids: Int32Array,
  nLabels: number,
): number {
  const m = ids.length;
  const sizes = new Float64Array(nLabels);
  for (const id of ids) sizes[id]! += 1;
  const sums = clusterDistanceSums(x, d, ids, nLabels);

  let total = 0;
  for (let i = 0; i < m; i++) {
    const own = ids[i]!;
    if (sizes[own] === 1) continue;
    const a = sums[i * nLabels + own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < nLabels; c++) {
      if (c !== own) b = Math.min(b, sums[i * nLabels + c]! / sizes[c]!);
    }
    const scale = Math.max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / m;
}

/**
 * Rows per tile of the pair loop: two tiles of 784 float64 features take
 * 400 KB, so they stay in a typical L2 cache while their pairs are visited.
 */
const TILE_ROWS = 32;

/**
 * Sums, for every sample, its Euclidean distances to the members of each
 * cluster (`m × nLabels`), visiting each unordered pair once, tile by tile.
 */
function clusterDistanceSums(
  x: Float64Array,
  d: number,
  ids: Int32Array,
  nLabels: number,
): Float64Array {
  const m = ids.length;
  const sums = new Float64Array(m * nLabels);
  for (let tileI = 0; tileI < m; tileI += TILE_ROWS) {
    const endI = Math.min(tileI + TILE_ROWS, m);
    for (let tileK = tileI; tileK < m; tileK += TILE_ROWS) {
      const endK = Math.min(tileK + TILE_ROWS, m);
      for (let i = tileI; i < endI; i++) {
        for (let k = Math.max(tileK, i + 1); k < endK; k++) {
          const distance = euclidean(x, i * d, k * d, d);
          sums[i * nLabels + ids[k]!]! += distance;
          sums[k * nLabels + ids[i]!]! += distance;
        }
      }
    }
  }
  return sums;
}

function euclidean(
  x: Float64Array,
  startA: number,
  startB: number,
  d: number,
): number {
  let squared = 0;
  for (let j = 0; j < d; j++) {
    const diff = x[startA + j]! - x[startB + j]!;
    squared += diff * diff;
  }
  return Math.sqrt(squared);
}
