import { contingencyTable, type ContingencyTable } from './contingency.js';
import type { Labels } from './labels.js';

/**
 * Computes the purity of a clustering: each cluster is credited with the
 * size of its largest class.
 *
 * purity = (1 / n) Σ_j max_i n_ij, where n_ij counts the samples of class i
 * in cluster j. It lies in (0, 1] and reaches 1 when every cluster contains a
 * single class, so it rewards splitting into many small clusters.
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function purity(labelsTrue: Labels, labelsPred: Labels): number {
  return purityFromTable(contingencyTable(labelsTrue, labelsPred));
}

/** Computes {@link purity} from a contingency table. */
export function purityFromTable(table: ContingencyTable): number {
  const nClasses = table.classes.length;
  const nClusters = table.clusters.length;
  let majoritySum = 0;
  for (let j = 0; j < nClusters; j++) {
    let largest = 0;
    for (let i = 0; i < nClasses; i++) {
      largest = Math.max(largest, table.counts[i * nClusters + j] as number);
    }
    majoritySum += largest;
  }
  return majoritySum / table.nSamples;
}
