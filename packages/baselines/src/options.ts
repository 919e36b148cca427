import {
  assertIntegerInRange,
  assertSeed,
  InvalidParameterError,
  MAX_SEED,
  type FixclustWarning,
} from '@fixclust/core';

/**
 * Returns `seed` after checking it, or a seed drawn at random when it is
 * undefined. 0 is a valid seed.
 *
 * @throws InvalidParameterError when `seed` is not an integer in
 * [0, 2^32 − 1].
 */
export function resolveSeed(seed: number | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * (MAX_SEED + 1));
  assertSeed(seed);
  return seed;
}

/**
 * Checks a cluster or component count against the number of samples, with
 * the wording every fixclust estimator uses.
 *
 * @throws InvalidParameterError "nClusters must be an integer between 1 and
 * the number of samples (N), got K".
 */
export function assertCountInRange(
  parameter: string,
  value: number,
  nSamples: number,
): void {
  assertIntegerInRange(
    parameter,
    value,
    1,
    nSamples,
    `the number of samples (${nSamples})`,
  );
}

/**
 * Checks that `value` is one of `choices`.
 *
 * @throws InvalidParameterError listing the choices.
 */
export function assertChoice<T extends string>(
  parameter: string,
  value: T,
  choices: readonly T[],
): void {
  if (!choices.includes(value)) {
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, ` +
        `got ${JSON.stringify(value)}`,
    );
  }
}

/** Returns a warning listing the clusters with no sample, if any. */
export function emptyClusterWarnings(
  labels: Int32Array,
  nClusters: number,
): FixclustWarning[] {
  const counts = clusterSizes(labels, nClusters);
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length === 0) return [];
  return [
    {
      code: 'empty-clusters',
      message:
        `${empty.length} of ${nClusters} clusters received no samples ` +
        `(${empty.join(', ')})`,
    },
  ];
}

/** Counts the samples of each cluster. */
export function clusterSizes(
  labels: Int32Array,
  nClusters: number,
): Int32Array {
  const counts = new Int32Array(nClusters);
  for (const label of labels) counts[label]! += 1;
  return counts;
}
