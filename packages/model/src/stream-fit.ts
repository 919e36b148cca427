import {
  assertIntegerInRange,
  clusterWarnings,
  InvalidParameterError,
  Random,
  streamBlocks,
  summariseClusters,
  UnsupportedFeatureError,
  type FixclustWarning,
  type StreamingDataset,
} from '@fixclust/core';

import { requireBackend } from './backend-check.js';
import type { DataMatrix } from './data.js';
import { buildRepresentatives, fitNetworkShape } from './fit-setup.js';
import {
  abortWarnings,
  activeBackendInfo,
  isBetterRun,
  runRecord,
  sizeEntropy,
  type FitOptions,
  type FitResult,
} from './fit-result.js';
import type { FittedState } from './fitted-state.js';
import {
  disposeRepresentatives,
  deviationCaps,
  representativeTensors,
  type RepresentativeTensors,
} from './losses.js';
import { initialMixture } from './mixture/parameters.js';
import type { ParallelFitOptions } from './parallel-runs.js';
import type { NetworkShape } from './network/index.js';
import type { ResolvedOptions } from './options.js';
import { predictLabels, type Predictor } from './prediction.js';
import { applyPreprocessing } from './preprocessing/index.js';
import type { StreamSource } from './stream-epoch.js';
import {
  createOptimizer,
  trainRun,
  type ModelRunRecord,
  type RunOutcome,
} from './train.js';

/** Read settings of a fit on a streaming data set. */
export interface StreamFitOptions {
  /** Rows per block read. Default: the data set's `blockSize`. */
  blockSize?: number | undefined;
  /**
   * Blocks whose rows an epoch shuffles together; memory grows with
   * `blockSize × blocksPerShuffle` rows. Default:
   * `DEFAULT_BLOCKS_PER_SHUFFLE` of `@fixclust/core` (16).
   */
  blocksPerShuffle?: number | undefined;
}

/** A fit's result with the state the model keeps. */
export interface StreamFit {
  result: FitResult;
  state: FittedState;
}

/** Data, network shape and representatives that every run shares. */
interface StreamSetup {
  source: StreamSource;
  shape: NetworkShape;
  points: number[][];
  representatives: RepresentativeTensors;
}

/**
 * Fits the model on a streaming data set, as `fit` does on a matrix but
 * with every epoch and every labelling pass reading the data in blocks:
 * the runs, their seeds and the kept run follow the same rules. The result
 * contains one label per sample for the kept run, each run and the
 * untrained network, 4 bytes per sample each.
 *
 * @throws InvalidParameterError when `nClusters` exceeds the number of
 *   samples or a stream option is not a positive integer.
 * @throws UnsupportedFeatureError for `scaling` or `pca`, which are fitted
 *   on the whole data set, and for more than one worker.
 * @throws InvalidDataError for any problem the data set's reads report.
 * @throws BackendUnavailableError when no TensorFlow.js backend has been
 *   started.
 */
export async function fitStream(
  options: ResolvedOptions,
  dataset: StreamingDataset,
  fitOptions: FitOptions & StreamFitOptions & ParallelFitOptions = {},
): Promise<StreamFit> {
  const startTime = performance.now();
  checkStreamFit(options, dataset, fitOptions);
  await requireBackend('fit');

  const random = new Random(options.seed);
  const points = buildRepresentatives(options, random.fork());
  const shape = fitNetworkShape(options, shapeOnly(dataset), points);
  const representatives = representativeTensors(points);
  const source: StreamSource = {
    dataset,
    blockSize: fitOptions.blockSize,
    blocksPerShuffle: fitOptions.blocksPerShuffle,
  };
  const setup = { source, shape, points, representatives };
  let runs: RunOutcome[];
  try {
    runs = await trainStreamRuns(options, setup, random, {
      ...fitOptions,
      startTime,
    });
  } finally {
    disposeRepresentatives(representatives);
  }
  return collectStreamResult(options, dataset, runs, points, {
    ...fitOptions,
    startTime,
  });
}

/**
 * Assigns each row of a streaming data set to a cluster with a fitted
 * state, one block at a time, applying the state's preprocessing to each
 * block.
 *
 * @throws InvalidParameterError when the model is not fitted or the number
 *   of features differs from the training data's.
 * @throws InvalidDataError for any problem the data set's reads report.
 * @throws BackendUnavailableError when no TensorFlow.js backend has been
 *   started.
 */
export async function predictStream(
  fitted: FittedState | undefined,
  dataset: StreamingDataset,
  options: Pick<ResolvedOptions, 'loss' | 'predictBatchSize'>,
): Promise<Int32Array> {
  if (fitted === undefined) {
    throw new InvalidParameterError(
      'model',
      undefined,
      'the model is not fitted yet; call fit() before predict()',
    );
  }
  if (dataset.nFeatures !== fitted.nFeatures) {
    throw new InvalidParameterError(
      'nFeatures',
      dataset.nFeatures,
      `data has ${dataset.nFeatures} features, but the model was fitted ` +
        `on ${fitted.nFeatures}`,
    );
  }
  await requireBackend('predict');
  return streamLabels(fitted, dataset, options, fitted.preprocessing);
}

function checkStreamFit(
  options: ResolvedOptions,
  dataset: StreamingDataset,
  fitOptions: ParallelFitOptions,
): void {
  assertIntegerInRange(
    'nClusters',
    options.nClusters,
    1,
    dataset.nSamples,
    `the number of samples (${dataset.nSamples})`,
  );
  if (options.scaling !== 'none' || options.pca !== null) {
    throw new UnsupportedFeatureError(
      `scaling and pca are fitted on the whole data set, so a streaming ` +
        `fit does not support them (scaling '${options.scaling}', pca ` +
        `${options.pca}); scale or project the rows before streaming them, ` +
        `or pass scaling 'none' and pca null`,
    );
  }
  const workers = fitOptions.workers ?? 1;
  if (workers !== 1) {
    throw new UnsupportedFeatureError(
      `a streaming fit trains its runs one after another in this thread, ` +
        `so it does not support workers (got ${workers}); pass workers: 1 ` +
        `or leave it unset`,
    );
  }
}

/**
 * Describes a streaming data set as a matrix with no rows, for the setup
 * steps that read only its size and sample shape.
 */
function shapeOnly(dataset: StreamingDataset): DataMatrix {
  return {
    x: new Float32Array(0),
    nSamples: dataset.nSamples,
    nFeatures: dataset.nFeatures,
    sampleShape: dataset.sampleShape,
  };
}

async function trainStreamRuns(
  options: ResolvedOptions,
  setup: StreamSetup,
  random: Random,
  fitOptions: FitOptions & { startTime: number },
): Promise<RunOutcome[]> {
  const runs: RunOutcome[] = [];
  const shared = options.shareOptimizerState
    ? createOptimizer(options)
    : undefined;
  try {
    for (let run = 0; run < options.nRuns; run++) {
      if (run > 0 && fitOptions.signal?.aborted === true) break;
      const context = {
        data: shapeOnly(setup.source.dataset),
        stream: setup.source,
        options,
        shape: setup.shape,
        representatives: setup.representatives,
        deviationTarget: deviationCaps(options.deviationTarget, setup.points),
        initialMixture: initialMixture(options, setup.points),
        startTime: fitOptions.startTime,
        signal: fitOptions.signal,
        onEpochEnd: fitOptions.onEpochEnd,
      };
      runs.push(await trainRun(context, run, random.nextSeed(), shared));
    }
  } finally {
    shared?.dispose();
  }
  return runs;
}

async function collectStreamResult(
  options: ResolvedOptions,
  dataset: StreamingDataset,
  runs: RunOutcome[],
  points: number[][],
  fitOptions: FitOptions & { startTime: number },
): Promise<StreamFit> {
  const { nClusters } = options;
  // Each run's labels are dropped once counted unless the run is the best
  // so far, so memory keeps at most two label arrays for any number of
  // runs.
  const records: ModelRunRecord[] = [];
  const entropies: number[] = [];
  let bestRun = 0;
  let labels: Int32Array = new Int32Array(0);
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    const predictor = { weights: run.bestWeights, points };
    const runLabels = await streamLabels(predictor, dataset, options);
    records.push(runRecord(run, runLabels, nClusters));
    entropies.push(sizeEntropy(runLabels, nClusters));
    const selection = options.runSelection;
    if (i === 0 || isBetterRun(selection, runs, entropies, i, bestRun)) {
      bestRun = i;
      labels = runLabels;
    }
  }
  const kept = runs[bestRun]!;
  const state: FittedState = {
    nFeatures: dataset.nFeatures,
    points,
    weights: kept.bestWeights,
    training: {
      bestRun,
      bestEpoch: kept.record.bestEpoch,
      bestLoss: kept.record.bestLoss,
    },
  };

  const initPredictor = { weights: kept.initialWeights, points };
  const summary = summariseClusters(labels, nClusters);
  const warnings: FixclustWarning[] = [
    ...runs.flatMap((r) => r.warnings),
    ...abortWarnings(records, options),
    ...clusterWarnings(summary),
  ];
  const result: FitResult = {
    labels,
    runLabels: [],
    initLabels: await streamLabels(initPredictor, dataset, options),
    nClusters,
    seed: options.seed,
    backend: fitOptions.backend ?? activeBackendInfo(),
    runs: records,
    bestRun,
    clusterSizes: summary.sizes,
    emptyClusters: summary.emptyClusters,
    collapsedRuns: records.filter((r) => r.collapsed).length,
    warnings,
    representatives: points,
    options,
    fitTimeMs: performance.now() - fitOptions.startTime,
  };
  return { result, state };
}

/** Labels every row, reading blocks of at least `predictBatchSize` rows. */
async function streamLabels(
  predictor: Predictor,
  dataset: StreamingDataset,
  options: Pick<ResolvedOptions, 'loss' | 'predictBatchSize'>,
  preprocessing?: FittedState['preprocessing'],
): Promise<Int32Array> {
  const labels = new Int32Array(dataset.nSamples);
  const size = options.predictBatchSize;
  const blockSize = Math.max(dataset.blockSize, size);
  for await (const block of streamBlocks(dataset, blockSize)) {
    const matrix: DataMatrix = {
      x: block.x,
      nSamples: block.nRows,
      nFeatures: dataset.nFeatures,
      sampleShape: dataset.sampleShape,
    };
    const input = await applyPreprocessing(matrix, preprocessing);
    const blockLabels = await predictLabels(
      predictor,
      input,
      size,
      options.loss,
    );
    labels.set(blockLabels, block.start);
  }
  return labels;
}
