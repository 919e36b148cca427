import { rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import {
  DEFAULT_BLOCKS_PER_SHUFFLE,
  InvalidParameterError,
  isStreamingDataset,
  MAX_SEED,
  Random,
  selectBackend,
  type BackendSelection,
  type StreamingDataset,
} from '@fixclust/core';
import {
  DATASET_NAMES,
  defaultCsvCacheDirectory,
  openUserDatasetStream,
} from '@fixclust/datasets';
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
  userFileOptions,
  type DataSourceOptions,
  type LoadedData,
} from './data-source.js';
import { labelFreeMeasures, labelFreeMeasuresOfStream } from './label-free.js';
import type { Output } from './output.js';
import { poolThreads, resolveWorkers, startRunPool } from './workers.js';
import { loadPlugins } from './plugins.js';
import { conversionProgress, epochProgress } from './progress.js';
import {
  formatBackend,
  formatMetricTable,
  formatSeconds,
  formatWarnings,
} from './report.js';
import { presetSettings } from './preset-settings.js';
import { prepareReportFolder, writeRunExtras } from './report-command.js';
import {
  checkRepresentativeType,
  withRepresentativeOptionSource,
} from './run-representatives.js';
import type { RunSettings } from './settings/resolve.js';
import {
  effectiveSettings,
  prepareOutputFolder,
  removeEmptyFolders,
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
 * second Ctrl-C, or one before or after training, exits with status 130
 * at once; see {@link RunInterrupt}.
 */
export async function runCommand(
  run: RunSettings,
  output: Output,
  execution: RunExecution = {},
): Promise<number> {
  const startTime = performance.now();
  const { output: destination = {} } = run.settings;
  if (execution.stream !== undefined) checkStreamRun(run, execution);
  const requested = resolveWorkers(execution.workers);
  const workers = execution.stream === undefined ? requested : 1;
  const createdOut =
    destination.out === undefined
      ? []
      : await prepareOutputFolder(destination.out);
  let createdReport: string[] = [];
  const interrupt = new RunInterrupt(output, destination.out, () => [
    createdReport,
    createdOut,
  ]);
  try {
    if (execution.report !== undefined) {
      createdReport = await prepareReportFolder(execution.report);
    }
    return await loadAndRun(run, output, execution, {
      startTime,
      workers,
      interrupt,
    });
  } catch (error) {
    // A run that fails before writing anything leaves no empty folders:
    // the report's first, since they may be inside the output folder.
    removeEmptyFolders(createdReport);
    removeEmptyFolders(createdOut);
    throw error;
  } finally {
    interrupt.remove();
  }
}

/**
 * The Ctrl-C handling of `fixclust run`: one SIGINT listener from the
 * moment the output folders exist until the command ends, so no signal
 * arrives while none is installed.
 *
 * - Before training, Ctrl-C exits with status 130 at once.
 * - During training, the first Ctrl-C aborts the training signal, so
 *   training stops after the current batch. The best model so far is
 *   then reported and saved. A second Ctrl-C exits at once.
 * - After training, while the outputs are written, Ctrl-C exits at once.
 *
 * Every exit removes the folders that the run created and that are still
 * empty, and says what was not written. The model's save is atomic, so an
 * exit never leaves a half-written model.
 */
class RunInterrupt {
  private phase: 'loading' | 'training' | 'writing' = 'loading';
  private controller: AbortController | undefined;
  private readonly listener = () => this.press();

  constructor(
    private readonly output: Output,
    private readonly out: string | undefined,
    /** The folders the run created, outermost first, in groups. */
    private readonly created: () => readonly string[][],
  ) {
    process.on('SIGINT', this.listener);
  }

  /** Training starts: the first Ctrl-C now aborts `controller`. */
  trainingStarts(controller: AbortController): void {
    this.controller = controller;
    this.phase = 'training';
  }

  /** Training has ended: Ctrl-C now exits at once. */
  trainingEnded(): void {
    this.phase = 'writing';
  }

  remove(): void {
    process.off('SIGINT', this.listener);
  }

  private press(): void {
    if (this.phase === 'loading') {
      this.quit('interrupted before training; no results were written');
    }
    if (this.phase === 'training' && !this.controller!.signal.aborted) {
      this.output.error(
        'stopping after the current batch; Ctrl-C again to quit',
      );
      this.controller!.abort();
      return;
    }
    this.quit(
      this.out === undefined
        ? 'interrupted before the results were written'
        : `interrupted before all results were written; the files in ` +
            `${this.out} may be missing, or be those of an earlier run`,
    );
  }

  private quit(message: string): never {
    // The report's folders first, since they may be inside the output
    // folder.
    for (const folders of this.created()) removeEmptyFolders(folders);
    this.output.error(message);
    process.exit(130);
  }
}

/**
 * Selects the backend, starts the worker threads, then loads, trains and
 * reports; `runCommand` has checked the settings and made the folders.
 */
async function loadAndRun(
  run: RunSettings,
  output: Output,
  execution: RunExecution,
  start: Pick<RunStart, 'startTime' | 'workers' | 'interrupt'>,
): Promise<number> {
  const { settings } = run;
  const { training = {} } = settings;
  await loadPlugins(settings.plugins ?? []);
  checkRepresentativeType(run);
  const seed = training.seed ?? new Random(Date.now() % MAX_SEED).nextSeed();
  const selection = await selectBackend({
    candidates: backendCandidates(training.backend),
    backend: training.backend,
  });
  // The worker threads start their backend while the data loads.
  const pool = await startRunPool(
    poolThreads(start.workers, training, settings.model.preset),
    selection.backend.name,
  );
  try {
    return await trainAndReport(run, output, execution, {
      ...start,
      seed,
      selection,
      pool,
    });
  } catch (error) {
    throw withRepresentativeOptionSource(error, run);
  } finally {
    await pool?.close();
  }
}

/** Settings and threads that `runCommand` sets up before the data loads. */
interface RunStart {
  startTime: number;
  seed: number;
  selection: BackendSelection;
  /** Worker threads for the runs; undefined when one thread trains them. */
  pool: RunWorkerPool | undefined;
  workers: number;
  /** The run's Ctrl-C handling, which the fit moves to training. */
  interrupt: RunInterrupt;
}

/** Loads or opens the data, then fits and reports; closes a stream. */
async function trainAndReport(
  run: RunSettings,
  output: Output,
  execution: RunExecution,
  start: RunStart,
): Promise<number> {
  const source = dataSourceOptions(run.settings.data);
  const dataset =
    execution.stream === undefined
      ? await loadDataSource(source, start.seed, output)
      : await openDataStream(source, execution.stream, output);
  try {
    return await fitAndReport(run, output, execution, start, source, dataset);
  } finally {
    if (isStreamingDataset(dataset)) await dataset.close();
  }
}

/** Fits the model on the data and prints and writes the results. */
async function fitAndReport(
  run: RunSettings,
  output: Output,
  execution: RunExecution,
  start: RunStart,
  source: DataSourceOptions,
  dataset: LoadedData | StreamingDataset,
): Promise<number> {
  const { settings } = run;
  const { training = {}, output: destination = {} } = settings;
  const { startTime, seed, selection, pool, workers } = start;
  const loadMs = performance.now() - startTime;
  const options = modelOptions(
    settings,
    clusterCount(settings.model.nClusters, dataset),
    seed,
  );
  const model = new FixedRepresentativeClustering(options);
  reportStart(output, dataset, selection, seed);
  if (workers > 1 && training.shareOptimizerState === true) {
    output.error(
      'the runs share one optimizer state (--share-optimizer), so they ' +
        'train one after another in one thread whatever --workers says',
    );
  }

  const controller = new AbortController();
  const interrupt = start.interrupt;
  interrupt.trainingStarts(controller);
  const epochs = destination.quiet === true ? undefined : epochProgress(output);
  try {
    const result = await model.fit(dataset, {
      backend: selection.backend,
      ...(pool === undefined ? { workers: 1 } : { pool }),
      ...streamFitOptions(execution.stream),
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
    summary.stream = isStreamingDataset(dataset)
      ? {
          blockSize: execution.stream?.blockSize ?? dataset.blockSize,
          blocksPerShuffle:
            execution.stream?.blocksPerShuffle ?? DEFAULT_BLOCKS_PER_SHUFFLE,
        }
      : null;
    summary.labelFree = isStreamingDataset(dataset)
      ? await labelFreeMeasuresOfStream(dataset, result.labels, seed)
      : labelFreeMeasures(dataset, result.labels, seed);
    reportEnd(output, summary, result);
    if (destination.out !== undefined) {
      await writeRunOutputs(destination.out, summary, result, dataset);
      await saveModel(model, join(destination.out, 'model'));
      output.error(
        `wrote labels.csv, summary.json and model/ to ${destination.out}`,
      );
    }
    // The mapped sample and the report need the rows in memory, and
    // checkStreamRun rejects --report with --stream. A mapped sample of an
    // earlier run in the same folder would no longer match its files.
    if (isStreamingDataset(dataset) && destination.out !== undefined) {
      await rm(join(destination.out, 'mapped-sample.json'), { force: true });
    }
    if (!isStreamingDataset(dataset)) {
      const targets = { out: destination.out, report: execution.report };
      await writeRunExtras(targets, model, dataset, summary, result, output);
    }
    return controller.signal.aborted ? 130 : 0;
  } finally {
    epochs?.stop();
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
  /**
   * Reads a CSV or NPY file in blocks of rows instead of loading it whole
   * (`--stream`), for files larger than memory; default: off.
   */
  stream?: StreamExecution | undefined;
}

/** Block settings of `fixclust run --stream`; library defaults apply. */
export interface StreamExecution {
  /** Rows per block read (`--block-size`). */
  blockSize?: number | undefined;
  /** Blocks whose rows an epoch shuffles together (`--blocks-per-shuffle`). */
  blocksPerShuffle?: number | undefined;
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

/**
 * Rejects what `--stream` cannot do, before anything is loaded or written:
 * the bundled data sets, `--limit`, `--report` and more than one worker.
 *
 * @throws InvalidParameterError naming the option and what to do instead.
 */
function checkStreamRun(run: RunSettings, execution: RunExecution): void {
  const { data } = run.settings;
  if ((DATASET_NAMES as readonly string[]).includes(data.dataset)) {
    throw new InvalidParameterError(
      'stream',
      data.dataset,
      `--stream reads a CSV or NPY file passed as --dataset; the bundled ` +
        `data set ${data.dataset} fits in memory, so drop --stream`,
    );
  }
  if (data.limit !== undefined) {
    throw new InvalidParameterError(
      'limit',
      data.limit,
      '--limit draws a sample of rows held in memory, so it does not ' +
        'combine with --stream; drop one of them',
    );
  }
  if (execution.report !== undefined) {
    throw new InvalidParameterError(
      'report',
      execution.report,
      '--report draws its charts from rows held in memory, so it does not ' +
        'combine with --stream; drop one of them',
    );
  }
  checkStreamPreprocessing(run.settings);
  if (execution.workers !== undefined && execution.workers > 1) {
    throw new InvalidParameterError(
      'workers',
      execution.workers,
      'a streamed fit trains its runs one after another in one thread, ' +
        'so --workers above 1 does not combine with --stream',
    );
  }
}

/**
 * Rejects preprocessing with `--stream`, set by a flag, a file, a variable
 * or a preset such as `km-plus-text`: it is fitted on the whole data set
 * at once.
 *
 * @throws InvalidParameterError naming the scaling and PCA in effect.
 */
function checkStreamPreprocessing(settings: RunSettings['settings']): void {
  const preset = presetSettings(settings.model.preset);
  const chosen = settings.preprocessing ?? {};
  const scaling = chosen.scaling ?? preset.scaling ?? 'none';
  const pca = chosen.pca !== undefined ? chosen.pca : (preset.pca ?? null);
  if (scaling === 'none' && pca === null) return;
  throw new InvalidParameterError(
    'stream',
    { scaling, pca },
    `--stream reads the rows block by block, so it cannot fit scaling ` +
      `(${scaling}) or PCA (${pca ?? 'none'}) on the whole file; scale or ` +
      `project the file first, or pass --scaling none --pca 0, or drop ` +
      `--stream`,
  );
}

/**
 * Opens the CSV or NPY file of `--dataset` for `--stream`. A CSV file is
 * first converted once to a binary cache, which can take a while, so a
 * line reports it.
 */
async function openDataStream(
  source: DataSourceOptions,
  stream: StreamExecution,
  output: Output,
): Promise<StreamingDataset> {
  const options = {
    ...userFileOptions(source),
    ...(stream.blockSize === undefined ? {} : { blockSize: stream.blockSize }),
  };
  const extension = extname(source.dataset).toLowerCase();
  if (!['.csv', '.tsv', '.txt'].includes(extension)) {
    return openUserDatasetStream(source.dataset, options);
  }
  output.error(
    `reading ${source.dataset} into its binary cache in ` +
      `${defaultCsvCacheDirectory()} unless it is there already`,
  );
  const progress = conversionProgress(output, basename(source.dataset));
  try {
    return await openUserDatasetStream(source.dataset, {
      ...options,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.stop();
  }
}

/** Returns the fit options of `--stream`'s block reads; none without it. */
function streamFitOptions(stream: StreamExecution | undefined) {
  if (stream === undefined) return {};
  return {
    ...(stream.blockSize === undefined ? {} : { blockSize: stream.blockSize }),
    ...(stream.blocksPerShuffle === undefined
      ? {}
      : { blocksPerShuffle: stream.blocksPerShuffle }),
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

/** Shape of the data, loaded or streamed, that the start and summary lines print. */
type DataShape = Pick<LoadedData, 'name' | 'nSamples' | 'nFeatures'>;

function reportStart(
  output: Output,
  dataset: DataShape,
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

function clusterCount(
  nClusters: number | undefined,
  data: Pick<LoadedData, 'name' | 'nClasses'>,
): number {
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
  dataset: DataShape &
    Pick<LoadedData, 'nClasses' | 'labels'> & { sourceRows?: Int32Array },
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
    // The model's warning also covers a stop between two runs, which
    // marks no run as aborted.
    aborted: result.warnings.some((warning) => warning.code === 'aborted'),
    warnings: result.warnings,
    labelFree: null,
  };
}

function reportEnd(output: Output, summary: RunSummary, result: FitResult) {
  if (result.warnings.length > 0) {
    output.error(formatWarnings(result.warnings));
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
