import {
  InvalidParameterError,
  type Dataset,
  type Random,
} from '@fixclust/core';

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
 * @throws InvalidParameterError when `n` is not an integer from 1 to
 *   `dataset.nSamples`.
 */
export function sampleDataset(
  dataset: Dataset,
  n: number,
  random: Random,
): Dataset {
  const { nSamples, nFeatures } = dataset;
  if (!Number.isInteger(n) || n < 1 || n > nSamples) {
    throw new InvalidParameterError(
      'n',
      n,
      `sample size must be an integer between 1 and the ${nSamples} ` +
        `samples of ${dataset.name}, got ${n}`,
    );
  }
  if (n === nSamples) return dataset;

  const rows = random.sample(nSamples, n);
  const x = new Float32Array(n * nFeatures);
  rows.forEach((row, i) => {
    const start = row * nFeatures;
    x.set(dataset.x.subarray(start, start + nFeatures), i * nFeatures);
  });

  const sampled: Dataset = { ...dataset, x, nSamples: n };
  if (dataset.labels !== undefined) {
    const labels = dataset.labels;
    sampled.labels = Int32Array.from(rows, (row) => labels[row] as number);
  }
  if (dataset.sampleShape !== undefined) {
    sampled.sampleShape = [...dataset.sampleShape];
  }
  return sampled;
}
