import {
  assertIntegerInRange,
  assertKnownKeys,
  assertOptionsObject,
  InvalidParameterError,
  MAX_SEED,
  type FixclustWarning,
} from '@fixclust/core';

/**
 * Lists the option names of `T` from an object with one `true` per name,
 * so that the compiler rejects a list that misses or misspells an option.
 */
export function optionNames<T>(names: Record<keyof T, true>): string[] {
  return Object.keys(names);
}

/**
 * Checks that `options` is an object whose keys are all in `known`, so a
 * missing options argument or a misspelt option is reported, not ignored.
 *
 * @param required - the option that must be given, for the message.
 * @throws InvalidParameterError naming the missing argument or the first
 * unknown option.
 */
export function assertOptions(
  options: unknown,
  known: readonly string[],
  required: string,
): asserts options is object {
  if (options === undefined) {
    throw new InvalidParameterError(
      'options',
      options,
      `options is missing; pass an object with at least ${required}, ` +
        `such as { ${required}: 2 }`,
    );
  }
  assertOptionsObject('options', options, true);
  assertKnownKeys('', options as object, known);
}

/**
 * Returns `seed` after checking it, or a seed drawn at random when it is
 * undefined. 0 is a valid seed.
 *
 * @throws InvalidParameterError when `seed` is not an integer in
 * [0, 2^32 − 1], showing a value of another type with its type.
 */
export function resolveSeed(seed: number | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * (MAX_SEED + 1));
  assertIntegerInRange('seed', seed, 0, MAX_SEED);
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
