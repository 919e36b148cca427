import { linearSumAssignment } from 'linear-sum-assignment';

import { contingencyTable, type ContingencyTable } from './contingency.js';
import type { Labels } from './labels.js';

/**
 * Computes the clustering accuracy: the fraction of samples that the best
 * one-to-one matching of clusters to classes labels correctly.
 *
 * ACC = max_m (1 / n) Σ_j n_{m(j), j}, over one-to-one maps m from clusters
 * to classes. With more clusters than classes the extra clusters stay
 * unmatched and count as errors, and with fewer, the extra classes do. The
 * matching is a maximum-weight assignment on the contingency table, the
 * step that the Hungarian algorithm solves. Accuracy lies in (0, 1] and
 * never exceeds purity.
 *
 * The assignment comes from the `linear-sum-assignment` package (mljs), a
 * Jonker–Volgenant shortest augmenting path solver for rectangular
 * matrices (Crouse, IEEE TAES 52(4), 2016). It takes
 * O(k_min² · k_max) time for a k_min × k_max table.
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function clusteringAccuracy(
  labelsTrue: Labels,
  labelsPred: Labels,
): number {
  return clusteringAccuracyFromTable(contingencyTable(labelsTrue, labelsPred));
}

/** Computes {@link clusteringAccuracy} from a contingency table. */
export function clusteringAccuracyFromTable(table: ContingencyTable): number {
  const nClasses = table.classes.length;
  const nClusters = table.clusters.length;
  const rows: number[][] = [];
  for (let i = 0; i < nClasses; i++) {
    const start = i * nClusters;
    rows.push(Array.from(table.counts.subarray(start, start + nClusters)));
  }

  // rowAssignments[i] is the cluster matched to class i, or -1 for none.
  // `maximaze` is the package's own spelling of its option.
  const { rowAssignments } = linearSumAssignment(rows, { maximaze: true });
  let matched = 0;
  for (let i = 0; i < nClasses; i++) {
    const j = rowAssignments[i] as number;
    if (j >= 0) matched += rows[i]?.[j] as number;
  }
  return matched / table.nSamples;
}
