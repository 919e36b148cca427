import {
  gaussianMixture,
  kmeans,
  pca,
  randomLabels,
  type BaselineData,
} from '@fixclust/baselines';
import {
  FixclustError,
  InvalidDataError,
  selectBackend,
  summariseClusters,
  type BackendInfo,
  type FixclustWarning,
} from '@fixclust/core';
import { externalMetrics } from '@fixclust/metrics';
import {
  FixedRepresentativeClustering,
  saveModel,
  type PresetName,
} from '@fixclust/model';

import { measureComputeFloor } from '@fixclust/backend-native';

import { backendCandidates } from '../backends.js';
import { isSparse, loadDataSource, type LoadedData } from '../data-source.js';
import { labelFreeMeasures } from '../label-free.js';
import type { BenchCell, BenchRow, RunSpread } from './types.js';

/** Features above which the Gaussian mixture uses diagonal covariances. */
const FULL_COVARIANCE_MAX_FEATURES = 256;

interface PreparedData {
  dataset: LoadedData & { labels: Int32Array; nClasses: number };
  features: string;
}

/** Returns the form the baselines take: a dense matrix, or CSR. */
function baselineInput(data: LoadedData): BaselineData {
  return isSparse(data) ? data.x : data;
}

interface MethodOutcome {
  method: string;
  labels: Int32Array;
  fitSeconds: number;
  warnings: FixclustWarning[];
  runsCollapsed?: number;
  runLabels?: Int32Array[];
  epochSeconds?: number;
  floorSeconds?: number;
  predictRowsPerSecond?: number;
}

/**
 * Runs one cell of the grid in this process: loads and prepares the data,
 * fits the method and measures it. A deep preset also yields a row for its
 * untrained network ("init"). With `modelDirectory`, a deep preset's
 * fitted model is saved there.
 */
export async function runCell(
  cell: BenchCell,
  modelDirectory?: string,
): Promise<BenchRow[]> {
  const selection = await selectBackend({
    candidates: backendCandidates(cell.backend),
    backend: cell.backend,
  });
  const prepared = await prepareData(cell);
  const outcomes = await fitMethod(cell, prepared.dataset, modelDirectory);
  return outcomes.map((outcome) =>
    toRow(cell, prepared, outcome, selection.backend),
  );
}

async function prepareData(cell: BenchCell): Promise<PreparedData> {
  const dataset = await loadCellData(cell);
  if (dataset.labels === undefined || dataset.nClasses === undefined) {
    throw new Error(`data set ${dataset.name} has no labels to score against`);
  }
  const labelled = dataset as PreparedData['dataset'];
  if (cell.pcaComponents === 0) return { dataset: labelled, features: 'raw' };

  const input = baselineInput(labelled);
  const projection = await pca(input, { nComponents: cell.pcaComponents });
  const { x } = projection.transform(input);
  return {
    dataset: { ...labelled, x, nFeatures: cell.pcaComponents },
    features: `pca${cell.pcaComponents}`,
  };
}

/**
 * Loads the cell's data. A reader's advice on a missing file names its
 * `path` option, which bench does not have, so it is replaced with the
 * data folder that the cell's file came from.
 */
async function loadCellData(cell: BenchCell): Promise<LoadedData> {
  const quiet = { log: () => {}, error: () => {} };
  try {
    return await loadDataSource(
      { dataset: cell.dataset, data: cell.dataPath, limit: cell.limit },
      cell.seed,
      quiet,
    );
  } catch (error) {
    if (cell.dataPath === undefined || !isFileError(error)) throw error;
    const [problem, advice] = error.message.split('; pass ');
    if (advice === undefined) throw error;
    throw new InvalidDataError(
      `${problem}; pass --data-dir (a sweep grid's dataDir) or set ` +
        `FIXCLUST_DATA to the folder that holds ${DATA_FILES[cell.dataset]}`,
      { cause: error, path: cell.dataPath },
    );
  }
}

/** Path of each data set's file inside the data folder. */
const DATA_FILES: Record<string, string> = {
  usps: 'usps/usps.h5',
  '20news': '20news/20news-bydate.tar.gz',
};

/** Tells whether `error` is a reader's error about a data file. */
function isFileError(error: unknown): error is InvalidDataError {
  return (
    FixclustError.isInstance(error) &&
    error.name === 'InvalidDataError' &&
    (error as InvalidDataError).path !== undefined
  );
}

async function fitMethod(
  cell: BenchCell,
  dataset: PreparedData['dataset'],
  modelDirectory: string | undefined,
): Promise<MethodOutcome[]> {
  const k = dataset.nClasses;
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  switch (cell.method) {
    case 'random': {
      const result = randomLabels(dataset.nSamples, {
        nClusters: k,
        seed: cell.seed,
      });
      return [
        {
          method: 'random',
          labels: result.labels,
          fitSeconds: seconds(),
          warnings: [],
        },
      ];
    }
    case 'kmeans': {
      const result = await kmeans(baselineInput(dataset), {
        nClusters: k,
        nInit: cell.nInit,
        seed: cell.seed,
      });
      return [
        {
          method: 'k-means',
          labels: result.labels,
          fitSeconds: seconds(),
          warnings: result.warnings,
        },
      ];
    }
    case 'gmm': {
      const covarianceType =
        dataset.nFeatures <= FULL_COVARIANCE_MAX_FEATURES ? 'full' : 'diag';
      const result = await gaussianMixture(baselineInput(dataset), {
        nComponents: k,
        covarianceType,
        nInit: 1,
        seed: cell.seed,
      });
      return [
        {
          method: `gmm (${covarianceType})`,
          labels: result.labels,
          fitSeconds: seconds(),
          warnings: result.warnings,
        },
      ];
    }
    default:
      return fitDeep(cell, dataset, cell.method, modelDirectory);
  }
}

async function fitDeep(
  cell: BenchCell,
  dataset: PreparedData['dataset'],
  preset: PresetName,
  modelDirectory: string | undefined,
): Promise<MethodOutcome[]> {
  const model = new FixedRepresentativeClustering({
    nClusters: dataset.nClasses,
    preset,
    ...(cell.runs === undefined ? {} : { nRuns: cell.runs }),
    ...(cell.epochs === undefined ? {} : { epochs: cell.epochs }),
    seed: cell.seed,
  });
  const epochEnds: number[] = [];
  const result = await model.fit(dataset, {
    onEpochEnd: (progress) => epochEnds.push(progress.elapsedMs),
  });
  const predictStart = performance.now();
  await model.predict(dataset);
  const predictSeconds = (performance.now() - predictStart) / 1000;
  if (modelDirectory !== undefined) await saveModel(model, modelDirectory);

  const deep: MethodOutcome = {
    method: preset,
    labels: result.labels,
    fitSeconds: result.fitTimeMs / 1000,
    warnings: result.warnings,
    runsCollapsed: result.collapsedRuns,
    runLabels: result.runLabels,
    epochSeconds: meanEpochSeconds(epochEnds, model.options.epochs),
    predictRowsPerSecond: dataset.nSamples / predictSeconds,
  };
  const floor = epochFloorSeconds(model, dataset.nSamples);
  if (floor !== undefined) deep.floorSeconds = floor;
  if (preset !== 'km50') return [deep];
  const init: MethodOutcome = {
    method: 'init',
    labels: result.initLabels,
    fitSeconds: 0,
    warnings: [],
  };
  return [init, deep];
}

/**
 * Returns the compute floor of one epoch of the fitted dense network: its
 * matrix products at the rate OpenBLAS reaches on them on one thread.
 * Returns undefined for the CNN, or where the native addon is not built.
 */
function epochFloorSeconds(
  model: FixedRepresentativeClustering,
  nSamples: number,
): number | undefined {
  const state = model.fittedState;
  if (state === undefined || model.options.network !== 'mlp') return undefined;
  const { layers, encoder } = state.weights;
  const dense = [...(encoder ?? []), ...layers];
  const widths = [dense[0]!.inputSize, ...dense.map((l) => l.outputSize)];
  try {
    return measureComputeFloor({
      widths,
      batchSize: model.options.batchSize,
      nSamples,
      threads: 1,
    }).seconds;
  } catch {
    return undefined;
  }
}

/**
 * Mean epoch duration from the elapsed time at each epoch end. The first
 * epoch of each run is measured from the previous run's end, so the
 * per-run evaluation between runs is counted there too.
 */
function meanEpochSeconds(epochEnds: number[], epochs: number): number {
  if (epochEnds.length === 0) return Number.NaN;
  const durations = epochEnds.map((end, i) =>
    i === 0 ? end : end - epochEnds[i - 1]!,
  );
  // Drop each run's first epoch: it also includes start-up work.
  const steady = durations.filter((_, i) => i % epochs !== 0);
  const used = steady.length > 0 ? steady : durations;
  return used.reduce((a, b) => a + b, 0) / used.length / 1000;
}

function toRow(
  cell: BenchCell,
  prepared: PreparedData,
  outcome: MethodOutcome,
  backend: BackendInfo,
): BenchRow {
  const { dataset } = prepared;
  const summary = summariseClusters(outcome.labels, dataset.nClasses);
  const measures = labelFreeMeasures(
    dataset,
    outcome.labels,
    cell.seed,
    cell.silhouetteSampleSize,
  );
  return {
    dataset: dataset.name,
    nSamples: dataset.nSamples,
    nFeatures: dataset.nFeatures,
    features: prepared.features,
    method: outcome.method,
    seed: cell.seed,
    metrics: externalMetrics(dataset.labels, outcome.labels),
    silhouette: measures.silhouette,
    daviesBouldin: measures.daviesBouldin,
    silhouetteSampleSize: measures.sampleSize,
    nClusters: dataset.nClasses,
    nonEmptyClusters: dataset.nClasses - summary.emptyClusters.length,
    runsCollapsed: outcome.runsCollapsed ?? null,
    nRuns: outcome.runLabels?.length ?? null,
    runSpread:
      outcome.runLabels === undefined
        ? null
        : spreadOverRuns(dataset.labels, outcome.runLabels),
    fitSeconds: outcome.fitSeconds,
    epochSeconds: outcome.epochSeconds ?? null,
    floorSeconds: outcome.floorSeconds ?? null,
    predictRowsPerSecond: outcome.predictRowsPerSecond ?? null,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    backend,
    warnings: outcome.warnings.map((w) => w.message),
  };
}

function spreadOverRuns(truth: Int32Array, runs: Int32Array[]): RunSpread {
  const all = runs.map((labels) => externalMetrics(truth, labels));
  const keys = ['purity', 'ari', 'nmi', 'accuracy'] as const;
  const mean = Object.fromEntries(
    keys.map((key) => [key, average(all.map((m) => m[key]))]),
  ) as unknown as RunSpread['mean'];
  const sd = Object.fromEntries(
    keys.map((key) => [key, deviation(all.map((m) => m[key]))]),
  ) as unknown as RunSpread['sd'];
  return { mean, sd };
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function deviation(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = average(values);
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}
