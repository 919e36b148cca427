import {
  describeValue,
  InvalidParameterError,
  type Dataset,
  type Random,
} from '@fixclust/core';

import type { SparseDataset } from './text/sparse-dataset.js';

/**
 * Draws `n` rows of `dataset` uniformly at random without replacement,
 * keeping them in their original order, with their labels.
 *
 * @param n - Number of rows to keep: an integer from 1 to
 *   `dataset.nSamples`. When it equals `nSamples`, `dataset` itself is
 *   returned and `random` is not used.
 * @param random - Seeded generator the rows are drawn with, so the same seed
 *   gives the same rows.
 * @returns A new data set with copies of the chosen rows; `name`, `nClasses`
 *   and `sampleShape` are kept.
 * @throws InvalidParameterError when `dataset` is not a data set, `n` is
 *   not an integer from 1 to `dataset.nSamples`, or `random` is not a
 *   generator.
 */
export function sampleDataset(
  dataset: Dataset,
  n: number,
  random: Random,
): Dataset {
  assertSampleArguments(dataset, random);
  const { nSamples, nFeatures } = dataset;
  assertSampleSize(n, nSamples, dataset.name);
  if (n === nSamples) return dataset;

  const rows = random.sample(nSamples, n);
  const x = new Float32Array(n * nFeatures);
  rows.forEach((row, i) => {
    const start = row * nFeatures;
    x.set(dataset.x.subarray(start, start + nFeatures), i * nFeatures);
  });

  const sampled: Dataset = {
    ...dataset,
    x,
    nSamples: n,
    sourceRows: sourceRowsOf(dataset.sourceRows, rows),
  };
  if (dataset.labels !== undefined) {
    const labels = dataset.labels;
    sampled.labels = Int32Array.from(rows, (row) => labels[row] as number);
  }
  if (dataset.sampleShape !== undefined) {
    sampled.sampleShape = [...dataset.sampleShape];
  }
  return sampled;
}

/**
 * Draws `n` rows of a sparse data set uniformly at random without
 * replacement, keeping them in their original order, with their labels;
 * the sparse counterpart of {@link sampleDataset}.
 *
 * @throws InvalidParameterError when `dataset` is not a data set, `n` is
 *   not an integer from 1 to `dataset.nSamples`, or `random` is not a
 *   generator.
 */
export function sampleSparseDataset(
  dataset: SparseDataset,
  n: number,
  random: Random,
): SparseDataset {
  assertSampleArguments(dataset, random);
  const { nSamples, x } = dataset;
  assertSampleSize(n, nSamples, dataset.name);
  if (n === nSamples) return dataset;

  const rows = random.sample(nSamples, n);
  const indptr = new Int32Array(n + 1);
  rows.forEach((row, i) => {
    indptr[i + 1] = indptr[i]! + x.indptr[row + 1]! - x.indptr[row]!;
  });
  const indices = new Int32Array(indptr[n]!);
  const data = new Float32Array(indptr[n]!);
  rows.forEach((row, i) => {
    const from = x.indptr[row]!;
    const to = x.indptr[row + 1]!;
    indices.set(x.indices.subarray(from, to), indptr[i]!);
    data.set(x.data.subarray(from, to), indptr[i]!);
  });

  const matrix = { ...x, nRows: n, indptr, indices, data };
  const sampled: SparseDataset = {
    ...dataset,
    x: matrix,
    nSamples: n,
    sourceRows: sourceRowsOf(dataset.sourceRows, rows),
  };
  if (dataset.labels !== undefined) {
    const labels = dataset.labels;
    sampled.labels = Int32Array.from(rows, (row) => labels[row] as number);
  }
  return sampled;
}

/** Maps sampled rows back to the original data set's rows. */
function sourceRowsOf(
  parentRows: Int32Array | undefined,
  rows: Int32Array,
): Int32Array {
  if (parentRows === undefined) return Int32Array.from(rows);
  return Int32Array.from(rows, (row) => parentRows[row]!);
}

/**
 * Checks that `dataset` is an object with a row count and `random` a
 * generator with `sample`, so that a missing argument is named.
 */
function assertSampleArguments(dataset: unknown, random: unknown): void {
  const nSamples = (dataset as { nSamples?: unknown } | null)?.nSamples;
  if (typeof dataset !== 'object' || typeof nSamples !== 'number') {
    throw new InvalidParameterError(
      'dataset',
      dataset,
      `dataset must be a data set with x, nSamples and nFeatures, such as ` +
        `loadDataset returns, got ${describeValue(dataset)}`,
    );
  }
  const sample = (random as { sample?: unknown } | null)?.sample;
  if (typeof random !== 'object' || typeof sample !== 'function') {
    throw new InvalidParameterError(
      'random',
      random,
      `random must be a Random of @fixclust/core, such as new Random(0), ` +
        `got ${describeValue(random)}`,
    );
  }
}

function assertSampleSize(
  n: number,
  nSamples: number,
  name: string | undefined,
): void {
  if (!Number.isInteger(n) || n < 1 || n > nSamples) {
    const source = name === undefined ? 'the data set' : name;
    throw new InvalidParameterError(
      'n',
      n,
      `sample size must be an integer between 1 and the ${nSamples} ` +
        `samples of ${source}, got ${describeValue(n)}`,
    );
  }
}
