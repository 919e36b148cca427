import { assertMatchingLabels, encodeLabels, type Labels } from './labels.js';

/**
 * Counts of samples per (class, cluster) pair.
 *
 * Rows are classes and columns are clusters, each in order of first
 * appearance in its label array. The table is dense, so it takes
 * `classes.length * clusters.length` float64 values.
 */
export interface ContingencyTable {
  /** Distinct values of `labelsTrue`, one per row. */
  classes: (number | string)[];
  /** Distinct values of `labelsPred`, one per column. */
  clusters: (number | string)[];
  /**
   * Row-major counts: `counts[i * clusters.length + j]` samples have class
   * `classes[i]` and cluster `clusters[j]`.
   */
  counts: Float64Array;
  /** Number of samples in each class (row sums). */
  classSizes: Float64Array;
  /** Number of samples in each cluster (column sums). */
  clusterSizes: Float64Array;
  /** Total number of samples n. */
  nSamples: number;
}

/**
 * Builds the contingency table of a class labeling against a clustering in
 * one O(n) pass.
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function contingencyTable(
  labelsTrue: Labels,
  labelsPred: Labels,
): ContingencyTable {
  assertMatchingLabels(labelsTrue, labelsPred);
  const classes = encodeLabels(labelsTrue, 'labelsTrue');
  const clusters = encodeLabels(labelsPred, 'labelsPred');

  const nClasses = classes.values.length;
  const nClusters = clusters.values.length;
  const counts = new Float64Array(nClasses * nClusters);
  const classSizes = new Float64Array(nClasses);
  const clusterSizes = new Float64Array(nClusters);
  for (let s = 0; s < labelsTrue.length; s++) {
    const i = classes.ids[s] as number;
    const j = clusters.ids[s] as number;
    counts[i * nClusters + j]! += 1;
    classSizes[i]! += 1;
    clusterSizes[j]! += 1;
  }

  return {
    classes: classes.values,
    clusters: clusters.values,
    counts,
    classSizes,
    clusterSizes,
    nSamples: labelsTrue.length,
  };
}
