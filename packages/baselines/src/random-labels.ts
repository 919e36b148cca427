import {
  assertIntegerInRange,
  Random,
  type FixclustWarning,
} from '@fixclust/core';

import {
  assertCountInRange,
  assertOptions,
  emptyClusterWarnings,
  optionNames,
  resolveSeed,
} from './options.js';

/** Options of {@link randomLabels}. */
export interface RandomLabelsOptions {
  /** Number of clusters k, from 1 to the number of samples. Required. */
  nClusters: number;
  /**
   * Seed of the generator. 0 is a valid seed. Default: drawn at random and
   * stored in the result.
   */
  seed?: number;
}

const OPTION_NAMES = optionNames<RandomLabelsOptions>({
  nClusters: true,
  seed: true,
});

/** Result of {@link randomLabels}. */
export interface RandomLabelsResult {
  /** Cluster of each sample: 0 … nClusters − 1. */
  labels: Int32Array;
  nClusters: number;
  /** Seed the labels were drawn with. */
  seed: number;
  /** Clusters that received no sample, if any. */
  warnings: FixclustWarning[];
}

/**
 * Draws each sample's cluster uniformly and independently from 0 … k − 1,
 * the chance-level baseline that every external metric should beat.
 *
 * @param nSamples - number of samples to label.
 * @throws InvalidParameterError when `nSamples` is not a positive integer,
 * the options are missing or contain an unknown option, `nClusters` is not
 * an integer between 1 and `nSamples`, or the seed is invalid.
 */
export function randomLabels(
  nSamples: number,
  options: RandomLabelsOptions,
): RandomLabelsResult {
  assertIntegerInRange('nSamples', nSamples, 1);
  assertOptions(options, OPTION_NAMES, 'nClusters');
  const { nClusters } = options;
  assertCountInRange('nClusters', nClusters, nSamples);
  const seed = resolveSeed(options.seed);

  const random = new Random(seed);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) labels[i] = random.int(nClusters);
  return {
    labels,
    nClusters,
    seed,
    warnings: emptyClusterWarnings(labels, nClusters),
  };
}
