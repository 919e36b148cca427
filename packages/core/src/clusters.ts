import { InvalidDataError, InvalidParameterError } from './errors.js';
import type { FixclustWarning } from './types.js';
import { assertIntegerInRange, describeValue } from './validate.js';

/** Sizes and degeneracy of a clustering. */
export interface ClusterSummary {
  /** Number of samples in each of the k clusters. */
  sizes: number[];
  /** Clusters no sample is assigned to, in increasing order. */
  emptyClusters: number[];
  /**
   * Whether the clustering collapsed: fewer than half of the k clusters are
   * non-empty, or, when k ≥ 4, one cluster contains more than half of the
   * samples.
   */
  collapsed: boolean;
}

/**
 * Counts the samples of each cluster and decides whether the clustering
 * collapsed; see {@link ClusterSummary.collapsed}.
 *
 * @param labels - cluster of each sample, an integer from 0 to
 * `nClusters − 1`.
 * @throws InvalidParameterError when `labels` is not an array or typed
 * array, or `nClusters` is not an integer of at least 1.
 * @throws InvalidDataError naming the first label out of range.
 */
export function summariseClusters(
  labels: ArrayLike<number>,
  nClusters: number,
): ClusterSummary {
  assertLabelList(labels);
  assertIntegerInRange('nClusters', nClusters, 1);
  const sizes = new Array<number>(nClusters).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= nClusters) {
      throw new InvalidDataError(
        `labels[${i}] is ${describeValue(label)}, but a label must be an ` +
          `integer from 0 to ${nClusters - 1} for ${nClusters} clusters`,
      );
    }
    sizes[label]! += 1;
  }
  const emptyClusters = sizes.flatMap((size, i) => (size === 0 ? [i] : []));
  const nonEmpty = nClusters - emptyClusters.length;
  const largest = Math.max(...sizes);
  const collapsed =
    nonEmpty < nClusters / 2 || (nClusters >= 4 && largest > labels.length / 2);
  return { sizes, emptyClusters, collapsed };
}

function assertLabelList(labels: unknown): void {
  const isTyped = ArrayBuffer.isView(labels) && !(labels instanceof DataView);
  if (Array.isArray(labels) || isTyped) return;
  throw new InvalidParameterError(
    'labels',
    labels,
    `labels must be an array or typed array of cluster indices, got ` +
      describeValue(labels),
  );
}

/**
 * Returns the warnings a clustering deserves: its empty clusters, and a
 * `collapse` warning when it collapsed.
 */
export function clusterWarnings(summary: ClusterSummary): FixclustWarning[] {
  const k = summary.sizes.length;
  const n = summary.sizes.reduce((a, b) => a + b, 0);
  const warnings: FixclustWarning[] = [];
  if (summary.emptyClusters.length > 0) {
    warnings.push({
      code: 'empty-clusters',
      message:
        `${summary.emptyClusters.length} of ${k} clusters received no ` +
        `samples (${summary.emptyClusters.join(', ')})`,
    });
  }
  if (summary.collapsed) {
    const nonEmpty = k - summary.emptyClusters.length;
    const largest = Math.max(...summary.sizes);
    warnings.push({
      code: 'collapse',
      message:
        `the clustering collapsed: ${nonEmpty} of ${k} clusters are ` +
        `non-empty and the largest holds ${largest} of ${n} samples; for ` +
        `the fixed-representative model, raise lambda`,
    });
  }
  return warnings;
}
