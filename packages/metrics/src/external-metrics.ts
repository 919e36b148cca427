import { adjustedRandIndexFromTable } from './adjusted-rand-index.js';
import { clusteringAccuracyFromTable } from './clustering-accuracy.js';
import { contingencyTable } from './contingency.js';
import type { Labels } from './labels.js';
import { normalizedMutualInfoFromTable } from './normalized-mutual-info.js';
import { purityFromTable } from './purity.js';

/** The four external metrics of one clustering. */
export interface ExternalMetrics {
  /** Purity, in (0, 1]. */
  purity: number;
  /** Adjusted Rand index, in [−0.5, 1]. */
  ari: number;
  /** Normalized mutual information, in [0, 1]. */
  nmi: number;
  /** Clustering accuracy, in (0, 1]. */
  accuracy: number;
}

/**
 * Computes purity, ARI, NMI and clustering accuracy from one contingency
 * table. Each value equals what its own function returns.
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function externalMetrics(
  labelsTrue: Labels,
  labelsPred: Labels,
): ExternalMetrics {
  const table = contingencyTable(labelsTrue, labelsPred);
  return {
    purity: purityFromTable(table),
    ari: adjustedRandIndexFromTable(table),
    nmi: normalizedMutualInfoFromTable(table),
    accuracy: clusteringAccuracyFromTable(table),
  };
}
