import { join } from 'node:path';

import {
  InvalidParameterError,
  MAX_SEED,
  Random,
  selectBackend,
  type BackendSelection,
} from '@fixclust/core';
import { externalMetrics } from '@fixclust/metrics';
import {
  FixedRepresentativeClustering,
  saveModel,
  type FitResult,
  type PresetName,
} from '@fixclust/model';

import { backendCandidates } from './backends.js';
import {
  loadDataSource,
  type DataSourceOptions,
  type LoadedData,
} from './data-source.js';
import { labelFreeMeasures } from './label-free.js';
import type { Output } from './output.js';
import { loadPlugins } from './plugins.js';
import {
  formatBackend,
  formatMetricTable,
  formatProgress,
  formatSeconds,
  formatWarnings,
} from './report.js';
import {
  prepareOutputFolder,
  writeRunOutputs,
  type RunSummary,
} from './summary.js';

/** Options of `fixclust run`, as parsed from the command line. */
export interface RunCommandOptions extends DataSourceOptions {
  preset: PresetName;
  clusters?: number;
  runs?: number;
  epochs?: number;
  lambda?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  backend?: string;
  out?: string;
  quiet?: boolean;
  shareOptimizer?: boolean;
  representatives?: string;
  representativeOption?: Record<string, unknown>;
  plugin?: string[];
}

/**
 * Runs `fixclust run`: loads the data, selects a backend, trains, and
 * reports the metrics of the init and the trained model.
 *
 * The first Ctrl-C stops training and reports the best model so far; the
 * exit status is then 130.
 */
export async function runCommand(
  options: RunCommandOptions,
  output: Output,
): Promise<number> {
  const startTime = performance.now();
  if (options.out !== undefined) await prepareOutputFolder(options.out);
  await loadPlugins(options.plugin ?? []);
  const seed = options.seed ?? new Random(Date.now() % MAX_SEED).nextSeed();
  const dataset = await loadDataSource(options, seed, output);
  const loadMs = performance.now() - startTime;
  const model = new FixedRepresentativeClustering({
    nClusters: clusterCount(options, dataset),
    preset: options.preset,
    lambda: options.lambda,
    nRuns: options.runs,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    shareOptimizerState: options.shareOptimizer,
    representatives: options.representatives,
    representativeOptions: options.representativeOption,
    seed,
  });
  const selection = await selectBackend({
    candidates: backendCandidates(options.backend),
    backend: options.backend,
  });
  reportStart(output, dataset, selection, seed);

  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    output.error('stopping after the current batch; Ctrl-C again to quit');
    controller.abort();
  };
  process.on('SIGINT', stop);
  let result: FitResult;
  try {
    result = await model.fit(dataset, {
      backend: selection.backend,
      signal: controller.signal,
      onEpochEnd: (progress) => {
        if (options.quiet !== true) output.error(formatProgress(progress));
      },
    });
  } finally {
    process.off('SIGINT', stop);
  }

  const summary = summarise(options, dataset, selection, result, {
    loadMs,
    totalMs: performance.now() - startTime,
  });
  summary.labelFree = labelFreeMeasures(dataset, result.labels, seed);
  reportEnd(output, summary, result);
  if (options.out !== undefined) {
    await writeRunOutputs(options.out, summary, result, dataset);
    await saveModel(model, join(options.out, 'model'));
    output.error(`wrote labels.csv, summary.json and model/ to ${options.out}`);
  }
  return controller.signal.aborted ? 130 : 0;
}

function reportStart(
  output: Output,
  dataset: LoadedData,
  selection: BackendSelection,
  seed: number,
): void {
  output.error(
    `${dataset.name}: ${dataset.nSamples} samples × ${dataset.nFeatures} ` +
      `features; backend ${formatBackend(selection.backend)}; seed ${seed}`,
  );
  for (const skipped of selection.skipped) {
    output.error(`skipped backend ${skipped.name}: ${skipped.reason}`);
  }
}

function clusterCount(options: RunCommandOptions, data: LoadedData): number {
  const count = options.clusters ?? data.nClasses;
  if (count === undefined) {
    throw new InvalidParameterError(
      'clusters',
      undefined,
      `${data.name} has no label column, so the number of clusters is ` +
        `unknown; pass --clusters`,
    );
  }
  return count;
}

function summarise(
  options: RunCommandOptions,
  dataset: LoadedData,
  selection: BackendSelection,
  result: FitResult,
  timings: { loadMs: number; totalMs: number },
): RunSummary {
  const labels = dataset.labels;
  return {
    schemaVersion: 1,
    command: 'run',
    createdAt: new Date().toISOString(),
    dataset: {
      name: dataset.name,
      path:
        options.data ??
        (dataset.name === options.dataset ? null : options.dataset),
      nSamples: dataset.nSamples,
      nFeatures: dataset.nFeatures,
      nClasses: dataset.nClasses ?? null,
      limit: dataset.sourceRows === undefined ? null : dataset.nSamples,
    },
    settings: { preset: options.preset, ...result.options },
    seed: result.seed,
    backend: { ...selection.backend, skipped: selection.skipped },
    timings: {
      loadMs: timings.loadMs,
      fitMs: result.fitTimeMs,
      totalMs: timings.totalMs,
    },
    init:
      labels === undefined ? null : externalMetrics(labels, result.initLabels),
    trained:
      labels === undefined ? null : externalMetrics(labels, result.labels),
    clusterSizes: result.clusterSizes,
    emptyClusters: result.emptyClusters,
    collapsedRuns: result.collapsedRuns,
    bestRun: result.bestRun,
    runs: result.runs,
    aborted: result.runs.some((run) => run.aborted),
    warnings: result.warnings,
    labelFree: null,
  };
}

function reportEnd(output: Output, summary: RunSummary, result: FitResult) {
  if (result.warnings.length > 0) {
    output.error(formatWarnings(result.warnings));
  }
  if (summary.aborted) {
    output.error('training was interrupted; results use the best model so far');
  }
  if (summary.init !== null && summary.trained !== null) {
    output.log(
      formatMetricTable([
        ['init', summary.init],
        ['trained', summary.trained],
      ]),
    );
  }
  if (summary.labelFree !== null) {
    const { silhouette, daviesBouldin, sampleSize } = summary.labelFree;
    const format = (value: number | null) =>
      value === null ? 'undefined (one cluster)' : value.toFixed(4);
    output.log(
      `silhouette ${format(silhouette)}, Davies–Bouldin ` +
        `${format(daviesBouldin)} (on a seeded sample of ${sampleSize} rows)`,
    );
  }
  output.log(
    `clusters: ${summary.clusterSizes.length - summary.emptyClusters.length}` +
      ` of ${summary.clusterSizes.length} non-empty; ` +
      `${summary.collapsedRuns} of ${summary.runs.length} runs collapsed`,
  );
  output.log(
    `wall time ${formatSeconds(summary.timings.totalMs)} ` +
      `(fit ${formatSeconds(summary.timings.fitMs)}); ` +
      `backend ${formatBackend(summary.backend)}; seed ${summary.seed}`,
  );
}
