import {
  assertIntegerInRange,
  assertOptionsObject,
  clusterWarnings,
  InvalidParameterError,
  Random,
  summariseClusters,
  UnsupportedFeatureError,
  isStreamingDataset,
  type FixclustWarning,
  type StreamingDataset,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { requireBackend } from './backend-check.js';
import { assertValidMatrix, type DataMatrix } from './data.js';
import { assertFitOptions, assertNoStreamOptions } from './fit-arguments.js';
import { buildRepresentatives, fitNetworkShape } from './fit-setup.js';
import {
  abortWarnings,
  activeBackendInfo,
  distinctRowWarnings,
  runRecords,
  selectBalancedRun,
  selectBestRun,
  type FitOptions,
  type FitResult,
} from './fit-result.js';
import { assertStateMatches, type FittedState } from './fitted-state.js';
import {
  disposeRepresentatives,
  deviationCaps,
  representativeTensors,
} from './losses.js';
import { initialMixture } from './mixture/parameters.js';
import type { FixedRepresentativeOptions, ResolvedOptions } from './options.js';
import { componentPosteriors, mapRows, predictLabels } from './prediction.js';
import {
  applyPreprocessing,
  fitPreprocessing,
  type Preprocessing,
} from './preprocessing/index.js';
import { resolveOptions } from './resolve-options.js';
import {
  fitStream,
  predictStream,
  type StreamFitOptions,
} from './stream-fit.js';
import {
  createOptimizer,
  trainRun,
  type RunOutcome,
  type TrainingContext,
} from './train.js';
import {
  runSeeds,
  trainRunsInWorkers,
  workerCount,
  workerPlan,
  type ParallelFitOptions,
} from './parallel-runs.js';

export {
  selectBalancedRun,
  selectBestRun,
  type FitOptions,
  type FitResult,
} from './fit-result.js';
export type { FittedState } from './fitted-state.js';
export type { ParallelFitOptions } from './parallel-runs.js';

/**
 * The outcomes of a fit's runs in run order, with each run's labels of the
 * fit's rows where the threads that trained the runs computed them.
 */
interface TrainedRuns {
  runs: RunOutcome[];
  labels?: Int32Array[];
}

/** Parts of a fitted state known before the kept run is chosen. */
type StateBase = Pick<FittedState, 'nFeatures' | 'points' | 'preprocessing'>;

/**
 * Deep clustering with fixed representatives and variable features.
 *
 * A small network maps each sample into a space that contains k fixed cluster
 * representatives; training minimises a clustering loss to those
 * representatives minus `lambda` times the mean per-feature standard
 * deviation of the batch, which keeps the mapping from collapsing. A
 * sample's cluster is its nearest representative.
 *
 * Reference: "Fixed Representatives and Variable Features: From Regularized
 * Deep Clustering to Classic Clustering", IEEE, 2021, IEEE Xplore document
 * 9548500 (https://ieeexplore.ieee.org/document/9548500).
 *
 * @example
 * ```ts
 * const model = new FixedRepresentativeClustering({ nClusters: 10, seed: 1 });
 * const result = await model.fit({ x, nSamples, nFeatures });
 * console.log(result.labels);
 * ```
 */
export class FixedRepresentativeClustering {
  /** Options with defaults filled in. */
  readonly options: ResolvedOptions;
  private fitted: FittedState | undefined;

  /**
   * @throws InvalidParameterError when `options` is not an object, and
   * naming the first unknown or invalid option.
   */
  constructor(options: FixedRepresentativeOptions) {
    this.options = resolveOptions(options);
  }

  /**
   * Rebuilds a fitted model from its options and fitted state, as loading a
   * saved model does.
   *
   * @throws InvalidParameterError when `state` is not an object or does not
   * match the options: representative count, network sizes, mixture
   * parameters or preprocessing.
   */
  static fromFitted(
    options: FixedRepresentativeOptions,
    state: FittedState,
  ): FixedRepresentativeClustering {
    const model = new FixedRepresentativeClustering(options);
    assertOptionsObject('state', state, true);
    assertStateMatches(model.options, state);
    model.fitted = state;
    return model;
  }

  /** The fitted network and representatives; `undefined` before `fit`. */
  get fittedState(): FittedState | undefined {
    return this.fitted;
  }

  /**
   * Fits the preprocessing, then trains `nRuns` runs and keeps the one with
   * the lowest best-epoch loss.
   *
   * @throws InvalidParameterError when `data` is not a matrix or a
   * streaming data set, or for an unknown or invalid fit option.
   * @throws InvalidParameterError when `nClusters` exceeds the number of
   * samples, or an option does not fit the data (image shape, `pca` count,
   * scaling of sparse data, autoencoder sizes).
   * @throws InvalidDataError for empty or non-finite data.
   * @throws BackendUnavailableError when no TensorFlow.js backend has been
   * started. All these are thrown before any training.
   *
   * A fit stopped by `fitOptions.signal` returns the best weights trained
   * so far, with an `aborted` warning.
   *
   * A {@link StreamingDataset} is read in shuffled blocks of rows every
   * epoch, as `fitOptions.blockSize` and `blocksPerShuffle` set. Its reads
   * report non-finite values during training, and it rejects `scaling` and
   * `pca` with an UnsupportedFeatureError.
   */
  async fit(
    data: DataMatrix | StreamingDataset,
    fitOptions: FitOptions & StreamFitOptions & ParallelFitOptions = {},
  ): Promise<FitResult> {
    assertFitOptions(fitOptions);
    // Streaming data: training and labelling read it in blocks.
    if (isStreamingDataset(data)) {
      const fitted = await fitStream(this.options, data, fitOptions);
      this.fitted = fitted.state;
      return fitted.result;
    }
    const startTime = performance.now();
    assertNoStreamOptions(fitOptions);
    this.validateData(data, fitOptions.epochSample);
    await requireBackend('fit');

    const prepared = await fitPreprocessing(data, this.options, {
      onPcaProgress: fitOptions.onPcaProgress,
    });
    const random = new Random(this.options.seed);
    const points = buildRepresentatives(this.options, random.fork());
    const shape = fitNetworkShape(this.options, prepared.data, points);
    const representatives = representativeTensors(points);
    const epochSample = await this.prepareEpochSample(
      fitOptions.epochSample,
      prepared.preprocessing,
      points,
    );
    const setup = {
      data: prepared.data,
      shape,
      points,
      representatives,
      epochSample,
    };
    let trained: TrainedRuns;
    try {
      trained = await this.trainRuns(setup, random, {
        ...fitOptions,
        startTime,
      });
    } finally {
      disposeRepresentatives(representatives);
    }

    const state: StateBase = { nFeatures: data.nFeatures, points };
    if (Object.keys(prepared.preprocessing).length > 0) {
      state.preprocessing = prepared.preprocessing;
    }
    const result = await this.collectResult(
      prepared.data,
      trained,
      state,
      fitOptions,
      startTime,
    );
    result.warnings = [
      ...distinctRowWarnings(data, this.options.nClusters),
      ...prepared.warnings,
      ...result.warnings,
    ];
    return result;
  }

  /**
   * Assigns each row of `data` to its nearest representative in the mapped
   * space, or with trained mixture parameters to its most probable
   * component, in batches of `predictBatchSize` rows.
   *
   * @throws InvalidParameterError before `fit`, when `data` is not a
   * matrix or a streaming data set, or when the number of features
   * differs from the training data's; BackendUnavailableError when no
   * TensorFlow.js backend has been started.
   */
  async predict(data: DataMatrix | StreamingDataset): Promise<Int32Array> {
    // Streaming data: labelled one block at a time.
    if (isStreamingDataset(data)) {
      return predictStream(this.fitted, data, this.options);
    }
    const fitted = this.requireFitted(data);
    await requireBackend('predict');
    const input = await applyPreprocessing(data, fitted.preprocessing);
    const size = this.options.predictBatchSize;
    return predictLabels(fitted, input, size, this.options.loss);
  }

  /**
   * Returns the posterior probability of each mixture component for each
   * row, `nSamples × k` row-major; rows sum to 1.
   *
   * @throws UnsupportedFeatureError for the `km` loss, which has no
   * probabilistic model; otherwise as {@link predict}.
   */
  async predictProba(data: DataMatrix): Promise<Float32Array> {
    const loss = this.options.loss;
    if (loss === 'km') {
      throw new UnsupportedFeatureError(
        'predictProba needs a mixture loss (gmm or cmm); this model uses km, ' +
          'so use predict for hard labels',
      );
    }
    const fitted = this.requireFitted(data);
    await requireBackend('predictProba');
    const input = await applyPreprocessing(data, fitted.preprocessing);
    const size = this.options.predictBatchSize;
    return componentPosteriors(fitted, loss, input, size);
  }

  /**
   * Returns the mapped coordinates of each row, `nSamples × d`, row-major.
   *
   * @throws as {@link predict} on a matrix.
   */
  async transform(data: DataMatrix): Promise<Float32Array> {
    const fitted = this.requireFitted(data);
    await requireBackend('transform');
    const input = await applyPreprocessing(data, fitted.preprocessing);
    return mapRows(fitted, input, this.options.predictBatchSize);
  }

  private async collectResult(
    data: DataMatrix,
    trained: TrainedRuns,
    state: StateBase,
    fitOptions: FitOptions,
    startTime: number,
  ): Promise<FitResult> {
    const { nClusters, loss, predictBatchSize: size } = this.options;
    const runs = trained.runs;
    const runLabels = trained.labels ?? [];
    for (const run of runs.slice(runLabels.length)) {
      const predictor = { weights: run.bestWeights, points: state.points };
      runLabels.push(await predictLabels(predictor, data, size, loss));
    }
    const records = runRecords(runs, runLabels, nClusters);

    const bestRun =
      this.options.runSelection === 'balance'
        ? selectBalancedRun(runs, runLabels, nClusters)
        : selectBestRun(runs);
    const kept = runs[bestRun]!;
    this.fitted = {
      ...state,
      weights: kept.bestWeights,
      training: {
        bestRun,
        bestEpoch: kept.record.bestEpoch,
        bestLoss: kept.record.bestLoss,
      },
    };
    const labels = runLabels[bestRun]!;
    const initPredictor = {
      weights: kept.initialWeights,
      points: state.points,
    };
    const summary = summariseClusters(labels, nClusters);
    const warnings: FixclustWarning[] = [
      ...runs.flatMap((r) => r.warnings),
      ...abortWarnings(records, this.options),
      ...clusterWarnings(summary),
    ];
    return {
      labels,
      runLabels,
      initLabels: await predictLabels(initPredictor, data, size, loss),
      nClusters,
      seed: this.options.seed,
      backend: fitOptions.backend ?? activeBackendInfo(),
      runs: records,
      bestRun,
      clusterSizes: summary.sizes,
      emptyClusters: summary.emptyClusters,
      collapsedRuns: records.filter((r) => r.collapsed).length,
      warnings,
      representatives: state.points,
      options: this.options,
      fitTimeMs: performance.now() - startTime,
    };
  }

  /** Preprocesses the rows that epoch progress maps, which are checked. */
  private async prepareEpochSample(
    sample: DataMatrix | undefined,
    preprocessing: Preprocessing,
    points: number[][],
  ): Promise<TrainingContext['epochSample']> {
    if (sample === undefined) return undefined;
    return { data: await applyPreprocessing(sample, preprocessing), points };
  }

  /**
   * Checks the fit data and the rows that epoch progress maps.
   *
   * @throws InvalidParameterError when `nClusters` exceeds the number of
   * samples or the sample's number of features differs from the data's;
   * InvalidDataError for empty or non-finite rows.
   */
  private validateData(data: DataMatrix, sample?: DataMatrix): void {
    assertValidMatrix(data);
    assertIntegerInRange(
      'nClusters',
      this.options.nClusters,
      1,
      data.nSamples,
      `the number of samples (${data.nSamples})`,
    );
    if (sample === undefined) return;
    assertValidMatrix(sample, 'epochSample');
    if (sample.nFeatures !== data.nFeatures) {
      throw new InvalidParameterError(
        'epochSample',
        sample.nFeatures,
        `epochSample has ${sample.nFeatures} features, but the fit data ` +
          `has ${data.nFeatures}`,
      );
    }
  }

  private async trainRuns(
    setup: Pick<
      TrainingContext,
      'data' | 'shape' | 'representatives' | 'epochSample'
    > & {
      points: number[][];
    },
    random: Random,
    options: FitOptions & ParallelFitOptions & { startTime: number },
  ): Promise<TrainedRuns> {
    // Parallel runs: with more than one worker, worker threads train the
    // runs (see parallel-runs.ts) and the sequential loop below is skipped.
    // Built anew for every run, as each run may keep what it is given.
    const runContext = (): TrainingContext => ({
      data: setup.data,
      options: this.options,
      shape: setup.shape,
      representatives: setup.representatives,
      deviationTarget: deviationCaps(
        this.options.deviationTarget,
        setup.points,
      ),
      initialMixture: initialMixture(this.options, setup.points),
      startTime: options.startTime,
      signal: options.signal,
      onEpochEnd: options.onEpochEnd,
      epochSample: setup.epochSample,
    });
    const workers = workerCount(this.options, options);
    if (workers > 1) {
      const backend = options.backend?.name ?? tf.getBackend();
      const seeds = runSeeds(random, this.options.nRuns);
      const plan = workerPlan(workers, options, backend, setup.points);
      return trainRunsInWorkers(runContext(), seeds, plan);
    }
    // End of parallel runs.
    const runs: RunOutcome[] = [];
    const shared = this.options.shareOptimizerState
      ? createOptimizer(this.options)
      : undefined;
    try {
      for (let run = 0; run < this.options.nRuns; run++) {
        if (run > 0 && options.signal?.aborted === true) break;
        const seed = random.nextSeed();
        runs.push(await trainRun(runContext(), run, seed, shared));
      }
    } finally {
      shared?.dispose();
    }
    return { runs };
  }

  private requireFitted(data: DataMatrix): FittedState {
    if (this.fitted === undefined) {
      throw new InvalidParameterError(
        'model',
        undefined,
        'the model is not fitted yet; call fit() before predict() or transform()',
      );
    }
    assertValidMatrix(data);
    if (data.nFeatures !== this.fitted.nFeatures) {
      throw new InvalidParameterError(
        'nFeatures',
        data.nFeatures,
        `data has ${data.nFeatures} features, but the model was fitted on ` +
          `${this.fitted.nFeatures}; pass rows with the training data's features`,
      );
    }
    return this.fitted;
  }
}
