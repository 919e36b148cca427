import type { BackendInfo } from './backend.js';

/**
 * Clustering losses of the fixed-representative method.
 *
 * - `km`: squared Euclidean distance to the nearest representative.
 * - `gmm`: negative log-likelihood of a uniform mixture of unit-covariance
 *   Gaussians centred at the representatives.
 * - `cmm`: the same with multivariate Cauchy (Student-t, 1 degree of
 *   freedom) components.
 */
export const CLUSTERING_LOSSES = ['km', 'gmm', 'cmm'] as const;

/** Name of a clustering loss; see {@link CLUSTERING_LOSSES}. */
export type ClusteringLoss = (typeof CLUSTERING_LOSSES)[number];

/**
 * A dense data set held in memory, row-major.
 *
 * `x` has `nSamples * nFeatures` values; row i starts at `i * nFeatures`.
 */
export interface Dataset {
  /** Short name, such as `mnist`. */
  name: string;
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
  /** Class of each sample, when known: 0 … nClasses - 1. */
  labels?: Int32Array;
  /** Number of distinct classes, when labels are known. */
  nClasses?: number;
  /** Shape of one sample before flattening, such as [28, 28]. */
  sampleShape?: number[];
  /**
   * Row of each sample in the data set it was drawn from, when this is a
   * sample of a larger one.
   */
  sourceRows?: Int32Array;
}

/**
 * Something the caller should know about a result that is not an error,
 * such as an empty cluster or training stopped early.
 */
export interface FixclustWarning {
  /** Stable machine-readable code, such as `empty-clusters`. */
  code: string;
  /** Sentence saying what happened and what to do about it. */
  message: string;
}

/** Loss history of one training run. */
export interface RunRecord {
  /** Index of the run, from 0. */
  run: number;
  /** Seed the run's generator was created from. */
  seed: number;
  /** Mean training loss of each completed epoch. */
  epochLosses: number[];
  /** Epoch (from 0) whose parameters the run kept: the lowest mean loss. */
  bestEpoch: number;
  /** Mean loss of that epoch. */
  bestLoss: number;
  /** Whether the run ended early because it was aborted. */
  aborted: boolean;
  /** Samples per cluster when the run's kept weights label the data. */
  clusterSizes: number[];
  /** Whether that clustering collapsed; see `summariseClusters`. */
  collapsed: boolean;
}

/** Result of fitting a clustering model. */
export interface ClusteringResult {
  /** Cluster of each training sample: 0 … nClusters - 1. */
  labels: Int32Array;
  /** Number of clusters asked for. */
  nClusters: number;
  /** Seed the whole fit was derived from. */
  seed: number;
  /** Backend the computation ran on. */
  backend: BackendInfo;
  /** Loss history of every run. */
  runs: RunRecord[];
  /** Index in `runs` of the run kept: the lowest best loss. */
  bestRun: number;
  /** Samples per cluster of the kept run. */
  clusterSizes: number[];
  /** Clusters of the kept run that no sample is assigned to. */
  emptyClusters: number[];
  /** How many runs ended in a collapsed clustering, the kept one included. */
  collapsedRuns: number;
  /** Things worth knowing about this result; empty when all went well. */
  warnings: FixclustWarning[];
}
