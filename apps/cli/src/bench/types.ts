import type { BackendInfo } from '@fixclust/core';
import type { DatasetName } from '@fixclust/datasets';
import type { ExternalMetrics } from '@fixclust/metrics';

/** Methods the benchmark compares. */
export const BENCH_METHODS = [
  'random',
  'kmeans',
  'gmm',
  'km1',
  'km50',
  'gmm1',
  'cmm1',
  'km-plus',
  'km-plus-text',
] as const;

/** A method of the benchmark grid; see {@link BENCH_METHODS}. */
export type BenchMethod = (typeof BENCH_METHODS)[number];

/** Deep presets among the methods. */
export const DEEP_METHODS: readonly BenchMethod[] = [
  'km1',
  'km50',
  'gmm1',
  'cmm1',
  'km-plus',
  'km-plus-text',
];

/** One cell of the grid: a method on a data set, with its settings. */
export interface BenchCell {
  dataset: DatasetName;
  /** File or folder of the data set; undefined for bundled MNIST. */
  dataPath?: string | undefined;
  /** Seeded sample size, or undefined for all rows. */
  limit?: number | undefined;
  /** Principal components to keep, or 0 for the raw features. */
  pcaComponents: number;
  method: BenchMethod;
  backend: string;
  seed: number;
  /**
   * Runs and epochs of the deep presets; undefined keeps the preset's own
   * (10 runs of 10 epochs for the published setups).
   */
  runs?: number | undefined;
  epochs?: number | undefined;
  /** Restarts of k-means and of the Gaussian mixture. */
  nInit: number;
  /** Rows of the silhouette sample. */
  silhouetteSampleSize: number;
}

/** Mean and standard deviation over the runs of a deep preset. */
export interface RunSpread {
  mean: ExternalMetrics;
  sd: ExternalMetrics;
}

/** One row of the benchmark table. */
export interface BenchRow {
  dataset: string;
  nSamples: number;
  nFeatures: number;
  /** `raw` or `pca<n>`. */
  features: string;
  /** Method as shown, such as `gmm (diag)` or `init`. */
  method: string;
  seed: number;
  metrics: ExternalMetrics;
  /**
   * Mean silhouette on a seeded sample of the cell's features; null when
   * the sample contains fewer than two clusters.
   */
  silhouette: number | null;
  /** Davies–Bouldin index on the same sample; null likewise. */
  daviesBouldin: number | null;
  silhouetteSampleSize: number;
  nClusters: number;
  nonEmptyClusters: number;
  /** Runs that collapsed, for deep presets; null otherwise. */
  runsCollapsed: number | null;
  nRuns: number | null;
  /** Spread over the runs, for deep presets; null otherwise. */
  runSpread: RunSpread | null;
  fitSeconds: number;
  /** Mean seconds per training epoch, for deep presets; null otherwise. */
  epochSeconds: number | null;
  /**
   * Compute floor of an epoch: its matrix-product operations at the rate
   * OpenBLAS reaches on them on one thread of this machine. Null for
   * methods without epochs, for the CNN, and where the native addon is not
   * built.
   */
  floorSeconds: number | null;
  /** Rows per second of `predict` on the cell's data; null when none. */
  predictRowsPerSecond: number | null;
  /** Peak resident memory of the process that ran the cell, in MiB. */
  peakRssMiB: number;
  backend: BackendInfo;
  warnings: string[];
}
