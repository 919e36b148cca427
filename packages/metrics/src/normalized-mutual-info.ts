import { contingencyTable, type ContingencyTable } from './contingency.js';
import type { Labels } from './labels.js';

/**
 * Computes the normalized mutual information (NMI) of a clustering against
 * the true classes, with the arithmetic-mean normalisation and natural
 * logarithms (Vinh, Epps & Bailey, "Information theoretic measures for
 * clusterings comparison", JMLR 11, 2010, and scikit-learn 1.2's
 * `normalized_mutual_info_score` with its default `average_method`):
 *
 * NMI = MI / max((H(true) + H(pred)) / 2, ε), where
 * MI = Σ_ij (n_ij / n) ln(n · n_ij / (a_i · b_j)) over nonzero cells,
 * a_i and b_j are the class and cluster sizes, H is the Shannon entropy of
 * a labeling and ε is `Number.EPSILON`.
 *
 * As in scikit-learn, NMI is 1 when both labelings have exactly one class
 * and one cluster, and 0 whenever MI is 0. Rounding above 1 is clipped, so
 * it lies in [0, 1].
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function normalizedMutualInfo(
  labelsTrue: Labels,
  labelsPred: Labels,
): number {
  return normalizedMutualInfoFromTable(
    contingencyTable(labelsTrue, labelsPred),
  );
}

/** Computes {@link normalizedMutualInfo} from a contingency table. */
export function normalizedMutualInfoFromTable(table: ContingencyTable): number {
  if (table.classes.length === 1 && table.clusters.length === 1) return 1;

  const mi = mutualInfo(table);
  if (mi === 0) return 0;

  const hTrue = entropy(table.classSizes, table.nSamples);
  const hPred = entropy(table.clusterSizes, table.nSamples);
  const nmi = mi / Math.max((hTrue + hPred) / 2, Number.EPSILON);
  // NOTE: scikit-learn 1.2 does not clip here and can return 1 + 2^-52 for
  // a perfect match. Clipping keeps the documented range [0, 1].
  return Math.min(nmi, 1);
}

/**
 * Mutual information in nats, summed the way scikit-learn 1.2's
 * `mutual_info_score` does: terms below ε in magnitude count as 0, and the
 * total is clipped at 0 to remove rounding below it.
 */
function mutualInfo(table: ContingencyTable): number {
  const nClasses = table.classes.length;
  const nClusters = table.clusters.length;
  // A labeling with one group has zero entropy, which bounds MI at 0.
  if (nClasses === 1 || nClusters === 1) return 0;

  const n = table.nSamples;
  const logN = Math.log(n);
  let sum = 0;
  for (let i = 0; i < nClasses; i++) {
    const classSize = table.classSizes[i] as number;
    for (let j = 0; j < nClusters; j++) {
      const count = table.counts[i * nClusters + j] as number;
      if (count === 0) continue;

      const clusterSize = table.clusterSizes[j] as number;
      const p = count / n;
      const logOuter = -Math.log(classSize * clusterSize) + logN + logN;
      const term = p * (Math.log(count) - logN) + p * logOuter;
      if (Math.abs(term) >= Number.EPSILON) sum += term;
    }
  }
  return Math.max(sum, 0);
}

/** Shannon entropy in nats of a labeling with the given group sizes. */
function entropy(sizes: Float64Array, n: number): number {
  if (sizes.length === 1) return 0;

  const logN = Math.log(n);
  let sum = 0;
  for (const size of sizes) {
    sum += (size / n) * (Math.log(size) - logN);
  }
  return -sum;
}
