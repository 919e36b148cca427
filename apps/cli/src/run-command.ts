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
  type RunWorkerPool,
  type FitResult,
  type FixedRepresentativeOptions,
  type PcaProgress,
} from '@fixclust/model';

import { backendCandidates } from './backends.js';
import {
  loadDataSource,
  type DataSourceOptions,
  type LoadedData,
} from './data-source.js';
import { labelFreeMeasures } from './label-free.js';
import type { Output } from './output.js';
import { poolThreads, resolveWorkers, startRunPool } from './workers.js';
import { loadPlugins } from './plugins.js';
import { epochProgress } from './progress.js';
import {
  formatBackend,
  formatMetricTable,
  formatSeconds,
  formatWarnings,
} from './report.js';
import { prepareReportFolder, writeRunExtras } from './report-command.js';
import type { RunSettings } from './settings/resolve.js';
import {
  effectiveSettings,
  prepareOutputFolder,
  writeRunOutputs,
  type RunSummary,
} from './summary.js';

/**
 * Runs `fixclust run` with its effective settings: loads the data, selects
 * a backend, trains, and reports the metrics of the init and the trained
 * model.
 *
 * The first Ctrl-C stops training after the current batch, and the best
 * model so far is reported and saved; the exit status is then 130. A
 * second Ctrl-C exits with status 130 at once.
 */
export async function runCommand(
  run: RunSettings,
  output: Output,
  execution: RunExecution = {},
): Promise<number> {
  const startTime = performance.now();
  const { settings } = run;
  const { training = {}, output: destination = {} } = settings;
  const workers = resolveWorkers(execution.workers);
  if (destination.out !== undefined) {
    await prepareOutputFolder(destination.out);
  }
  if (execution.report !== undefined) {
    await prepareReportFolder(execution.report);
  }
  await loadPlugins(settings.plugins ?? []);
  const seed = training.seed ?? new Random(Date.now() % MAX_SEED).nextSeed();
  const selection = await selectBackend({
    candidates: backendCandidates(training.backend),
    backend: training.backend,
  });
  // The worker threads start their backend while the data loads.
  const pool = await startRunPool(
    poolThreads(workers, training, settings.model.preset),
    selection.backend.name,
  );
  try {
    return await trainAndReport(run, output, execution, {
      startTime,
      seed,
      selection,
      pool,
      workers,
    });
  } finally {
    await pool?.close();
  }
}

/** What `runCommand` has set up before the data loads. */
interface RunStart {
  startTime: number;
  seed: number;
  selection: BackendSelection;
  /** Worker threads for the runs; undefined when one thread trains them. */
  pool: RunWorkerPool | undefined;
  workers: number;
}

async function trainAndReport(
  run: RunSettings,
  output: Output,
  execution: RunExecution,
  start: RunStart,
): Promise<number> {
  const { settings } = run;
  const { training = {}, output: destination = {} } = settings;
  const { startTime, seed, selection, pool, workers } = start;
  const source = dataSourceOptions(settings.data);
  const dataset = await loadDataSource(source, seed, output);
  const loadMs = performance.now() - startTime;
  const model = new FixedRepresentativeClustering(
    modelOptions(
      settings,
      clusterCount(settings.model.nClusters, dataset),
      seed,
    ),
  );
  reportStart(output, dataset, selection, seed);
  if (workers > 1 && training.shareOptimizerState === true) {
    output.error(
      'the runs share one optimizer state (--share-optimizer), so they ' +
        'train one after another in one thread whatever --workers says',
    );
  }

  const controller = new AbortController();
  const interrupt = listenForInterrupt(controller, output);
  const epochs = destination.quiet === true ? undefined : epochProgress(output);
  try {
    const result = await model.fit(dataset, {
      backend: selection.backend,
      ...(pool === undefined ? { workers: 1 } : { pool }),
      signal: controller.signal,
      onEpochEnd: (progress) => epochs?.update(progress),
      ...(destination.quiet === true
        ? {}
        : { onPcaProgress: (progress) => reportPca(output, progress) }),
    });
    epochs?.stop();
    interrupt.trainingEnded();

    const summary = summarise(run, source, dataset, selection, result, {
      loadMs,
      totalMs: performance.now() - startTime,
    });
    summary.workers =
      pool === undefined ? 1 : Math.min(pool.size + 1, result.options.nRuns);
    summary.labelFree = labelFreeMeasures(dataset, result.labels, seed);
    reportEnd(output, summary, result);
    if (destination.out !== undefined) {
      await writeRunOutputs(destination.out, summary, result, dataset);
      await saveModel(model, join(destination.out, 'model'));
      output.error(
        `wrote labels.csv, summary.json and model/ to ${destination.out}`,
      );
    }
    const targets = { out: destination.out, report: execution.report };
    await writeRunExtras(targets, model, dataset, summary, result, output);
    return controller.signal.aborted ? 130 : 0;
  } finally {
    epochs?.stop();
    interrupt.remove();
  }
}

/**
 * How `fixclust run` spreads its work and which report it adds; none of it
 * changes the results.
 */
export interface RunExecution {
  /**
   * Threads that train runs at the same time, the main one included
   * (`--workers`). Default: the number of cores.
   */
  workers?: number | undefined;
  /** Folder that receives the HTML report (`--report`); default: none. */
  report?: string | undefined;
}

/**
 * Installs the Ctrl-C handler of `fixclust run`. During training, the
 * first SIGINT aborts `controller`, which stops training after the current
 * batch. A second SIGINT, or any SIGINT once training has ended, exits
 * with status 130 at once and skips the outputs not written yet. The
 * model's save is atomic, so this never leaves a half-written model.
 */
function listenForInterrupt(controller: AbortController, output: Output) {
  let training = true;
  const stop = () => {
    if (controller.signal.aborted || !training) process.exit(130);
    output.error('stopping after the current batch; Ctrl-C again to quit');
    controller.abort();
  };
  process.on('SIGINT', stop);
  return {
    trainingEnded: () => {
      training = false;
    },
    remove: () => process.off('SIGINT', stop),
  };
}

/** Builds the model options from the settings' sections. */
function modelOptions(
  settings: RunSettings['settings'],
  nClusters: number,
  seed: number,
): FixedRepresentativeOptions {
  const { training = {}, preprocessing = {} } = settings;
  const { backend: _backend, ...trainingOptions } = training;
  return {
    ...settings.model,
    ...preprocessing,
    ...trainingOptions,
    nClusters,
    seed,
  };
}

function dataSourceOptions(
  data: RunSettings['settings']['data'],
): DataSourceOptions {
  const { path, labelColumn, ...rest } = data;
  return {
    ...rest,
    ...(path === undefined ? {} : { data: path }),
    ...(labelColumn === undefined ? {} : { labelColumn: String(labelColumn) }),
  };
}

function reportPca(output: Output, progress: PcaProgress): void {
  const { nSamples, nFeatures, nComponents } = progress;
  output.error(
    progress.phase === 'start'
      ? `fitting PCA on ${nSamples} rows: ${nFeatures} features -> ` +
          `${nComponents} component${nComponents === 1 ? '' : 's'}`
      : `fitted PCA in ${formatSeconds(progress.elapsedMs)}`,
  );
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

function clusterCount(nClusters: number | undefined, data: LoadedData): number {
  const count = nClusters ?? data.nClasses;
  if (count === undefined) {
    throw new InvalidParameterError(
      'clusters',
      undefined,
      `${data.name} has no label column, so the number of clusters is ` +
        `unknown; pass --clusters (model.nClusters in an experiment file)`,
    );
  }
  return count;
}

function summarise(
  run: RunSettings,
  source: DataSourceOptions,
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
        source.data ??
        (dataset.name === source.dataset ? null : source.dataset),
      nSamples: dataset.nSamples,
      nFeatures: dataset.nFeatures,
      nClasses: dataset.nClasses ?? null,
      limit: dataset.sourceRows === undefined ? null : dataset.nSamples,
    },
    settings: effectiveSettings(run, result),
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
