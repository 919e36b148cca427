import {
  assertIntegerInRange,
  countOf,
  describeValue,
  InvalidParameterError,
  summariseClusters,
  type BackendInfo,
  type ClusteringResult,
  type FixclustWarning,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { countDistinctRows, type DataMatrix } from './data.js';
import type { ResolvedOptions, RunSelection } from './options.js';
import type { PcaProgress } from './preprocessing/index.js';
import type {
  EpochProgress,
  ModelRunRecord,
  RunOutcome,
  TrainingRecord,
} from './train.js';

/** Options of {@link FixedRepresentativeClustering.fit}. */
export interface FitOptions {
  /** Called after every epoch of every run. */
  onEpochEnd?: (progress: EpochProgress) => void;
  /**
   * Called when fitting the `pca` preprocessing starts and when it ends,
   * which can take a while on many features (tens of seconds on 2,000).
   */
  onPcaProgress?: (progress: PcaProgress) => void;
  /**
   * Stops training: the current epoch ends after its current step, no
   * further run starts, and the best parameters so far are kept. The
   * result then has an `aborted` warning.
   */
  signal?: AbortSignal;
  /**
   * Rows whose mapped coordinates every epoch's progress carries as
   * `mapped`, computed with that epoch's weights, such as a small sample
   * to plot while training runs. They need the fit data's number of
   * features and go through the same preprocessing. Used in sequential
   * training only: with `workers` above 1 or a streaming data set,
   * progress has no `mapped`.
   */
  epochSample?: DataMatrix;
  /**
   * Backend to report in the result, as returned by runtime selection.
   * Default: the active tfjs backend's name with tfjs-core's version.
   */
  backend?: BackendInfo;
}

/** Result of {@link FixedRepresentativeClustering.fit}. */
export interface FitResult extends ClusteringResult {
  /** Clusters the kept run's untrained network assigns: the "init" model. */
  initLabels: Int32Array;
  /**
   * Labels from each run's kept weights, in run order. Empty after a fit
   * on a streaming data set, which keeps only the kept run's labels
   * (`labels`), so that its memory does not grow by 4 bytes per row for
   * every run.
   */
  runLabels: Int32Array[];
  /** Loss history of every run, with reconstruction errors when present. */
  runs: ModelRunRecord[];
  /**
   * The representatives, one row per cluster: the fixed layout, or the
   * starting locations when `trainableLocations` moves them.
   */
  representatives: number[][];
  /** The options the fit used, defaults filled in. */
  options: ResolvedOptions;
  /** Wall time of the fit, prediction of the training data included. */
  fitTimeMs: number;
}

/**
 * Picks the run with the lowest best-epoch loss; the earliest wins a tie.
 * Runs that never completed an epoch have an infinite loss and lose.
 *
 * @throws InvalidParameterError when `runs` is not a non-empty array of
 * runs with a `record.bestLoss`.
 */
export function selectBestRun(runs: readonly RunOutcome[]): number {
  assertRunList(runs);
  let best = 0;
  for (let i = 1; i < runs.length; i++) {
    if (isBetterRun('loss', runs, [], i, best)) best = i;
  }
  return best;
}

/**
 * Picks the run whose labels have the most even cluster sizes: the highest
 * entropy `-Σ p_i log p_i` of the cluster proportions. A tie goes to the
 * lower best-epoch loss, then to the earlier run. Runs that never
 * completed an epoch lose to any run that did.
 *
 * @throws InvalidParameterError when `runs` is not a non-empty array of
 * runs, `runLabels` not an array of one Int32Array per run, or
 * `nClusters` not an integer of at least 1.
 */
export function selectBalancedRun(
  runs: readonly RunOutcome[],
  runLabels: readonly Int32Array[],
  nClusters: number,
): number {
  assertRunList(runs);
  assertRunLabels(runLabels, runs.length);
  assertIntegerInRange('nClusters', nClusters, 1);
  const scores = runLabels.map((labels) => sizeEntropy(labels, nClusters));
  let best = 0;
  for (let i = 1; i < runs.length; i++) {
    if (isBetterRun('balance', runs, scores, i, best)) best = i;
  }
  return best;
}

function assertRunList(runs: unknown): void {
  const isRun = (run: unknown) =>
    typeof (run as { record?: { bestLoss?: unknown } } | null)?.record
      ?.bestLoss === 'number';
  if (Array.isArray(runs) && runs.length > 0 && runs.every(isRun)) return;
  throw new InvalidParameterError(
    'runs',
    runs,
    `runs must be a non-empty array of trained runs, each with a ` +
      `record.bestLoss, got ${describeValue(runs)}`,
  );
}

function assertRunLabels(runLabels: unknown, nRuns: number): void {
  const isLabels = (labels: unknown) => labels instanceof Int32Array;
  const valid =
    Array.isArray(runLabels) &&
    runLabels.length === nRuns &&
    runLabels.every(isLabels);
  if (valid) return;
  throw new InvalidParameterError(
    'runLabels',
    runLabels,
    `runLabels must be an array of ${countOf(nRuns, 'Int32Array')}, one ` +
      `per run, got ${describeValue(runLabels)}`,
  );
}

/**
 * Returns whether run `i` beats run `best`, an earlier run, under
 * `selection`: {@link selectBestRun} for `loss`, and
 * {@link selectBalancedRun} for `balance`, whose `entropies` are the
 * runs' {@link sizeEntropy}. Comparing each run with the best of the runs
 * before it picks the same run as those functions.
 */
export function isBetterRun(
  selection: RunSelection,
  runs: readonly RunOutcome[],
  entropies: readonly number[],
  i: number,
  best: number,
): boolean {
  const loss = (run: number) => runs[run]!.record.bestLoss;
  if (selection === 'loss') return loss(i) < loss(best);
  const trained = (run: number) => runs[run]!.record.bestEpoch >= 0;
  if (trained(i) !== trained(best)) return trained(i);
  return (
    entropies[i]! > entropies[best]! ||
    (entropies[i] === entropies[best] && loss(i) < loss(best))
  );
}

/** Returns the entropy, in nats, of the cluster proportions of `labels`. */
export function sizeEntropy(labels: Int32Array, nClusters: number): number {
  const sizes = new Float64Array(nClusters);
  for (const label of labels) sizes[label]! += 1;
  let entropy = 0;
  for (const size of sizes) {
    if (size > 0) {
      const p = size / labels.length;
      entropy -= p * Math.log(p);
    }
  }
  return entropy;
}

/** Completes each run's record with the clustering its labels give. */
export function runRecords(
  runs: readonly RunOutcome[],
  runLabels: readonly Int32Array[],
  nClusters: number,
): ModelRunRecord[] {
  return runs.map((run, i) => runRecord(run, runLabels[i]!, nClusters));
}

/** Returns the record of one run, with the cluster sizes of its labels. */
export function runRecord(
  run: RunOutcome,
  labels: Int32Array,
  nClusters: number,
): ModelRunRecord {
  const summary = summariseClusters(labels, nClusters);
  return {
    ...run.record,
    clusterSizes: summary.sizes,
    collapsed: summary.collapsed,
  };
}

/** Warns when the data has fewer distinct rows than clusters. */
export function distinctRowWarnings(
  data: DataMatrix,
  nClusters: number,
): FixclustWarning[] {
  const distinct = countDistinctRows(data, nClusters);
  if (distinct >= nClusters) return [];
  return [
    {
      code: 'few-distinct-points',
      message:
        `the data has only ${countOf(distinct, 'distinct point')} for ` +
        `${nClusters} clusters, so at least ` +
        `${countOf(nClusters - distinct, 'cluster')} must stay empty`,
    },
  ];
}

/**
 * Warns when the abort signal cut a run short or kept a run from
 * starting, because the result then comes from fewer epochs or runs than
 * the options request.
 */
export function abortWarnings(
  records: readonly TrainingRecord[],
  options: Pick<ResolvedOptions, 'nRuns'>,
): FixclustWarning[] {
  const cut = records.filter((r) => r.aborted).map((r) => r.run);
  if (cut.length === 0 && records.length >= options.nRuns) return [];
  const cutShort =
    cut.length === 0
      ? 'no run was cut short'
      : cut.length === 1
        ? `run ${cut[0]} was cut short`
        : `runs ${cut.join(', ')} were cut short`;
  return [
    {
      code: 'aborted',
      message:
        `training was stopped by the abort signal after ${records.length} ` +
        `of ${options.nRuns} runs started (${cutShort}), so the result ` +
        `uses the best weights trained before the stop`,
    },
  ];
}

/** The active tfjs backend's name with tfjs-core's version. */
export function activeBackendInfo(): BackendInfo {
  return { name: tf.getBackend(), version: tf.version_core, threads: 1 };
}
