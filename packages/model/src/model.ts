import {
  assertIntegerInRange,
  clusterWarnings,
  createRepresentatives,
  InvalidParameterError,
  Random,
  summariseClusters,
  UnsupportedFeatureError,
  type BackendInfo,
  type ClusteringResult,
  type FixclustWarning,
  type RunRecord,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';
import * as tf from '@tensorflow/tfjs-core';

import './gradients.js';
import {
  assertValidMatrix,
  countDistinctRows,
  type DataMatrix,
} from './data.js';
import {
  representativeTensors,
  disposeRepresentatives,
  type RepresentativeTensors,
} from './losses.js';
import type { NetworkShape, NetworkWeights } from './network.js';
import {
  resolveOptions,
  type FixedRepresentativeOptions,
  type ResolvedOptions,
} from './options.js';
import {
  componentPosteriors,
  mapRows,
  predictLabels,
  type Predictor,
} from './prediction.js';
import { trainRun, type EpochProgress, type RunOutcome } from './train.js';

/** Options of {@link FixedRepresentativeClustering.fit}. */
export interface FitOptions {
  /** Called after every epoch of every run. */
  onEpochEnd?: (progress: EpochProgress) => void;
  /**
   * Stops training: the current epoch ends after its current step, no
   * further run starts, and the best parameters so far are kept.
   */
  signal?: AbortSignal;
  /**
   * Backend to report in the result, as returned by runtime selection.
   * Default: the active tfjs backend's name with tfjs-core's version.
   */
  backend?: BackendInfo;
}

/** What {@link FixedRepresentativeClustering.fit} returns. */
export interface FitResult extends ClusteringResult {
  /** Clusters the kept run's untrained network assigns: the "init" model. */
  initLabels: Int32Array;
  /** Labels from each run's kept weights, in run order. */
  runLabels: Int32Array[];
  /** The fixed representatives, one row per cluster. */
  representatives: number[][];
  /** The options the fit used, defaults filled in. */
  options: ResolvedOptions;
  /** Wall time of the fit, prediction of the training data included. */
  fitTimeMs: number;
}

/**
 * Deep clustering with fixed representatives and variable features.
 *
 * A small network maps each sample into a space that holds k fixed cluster
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

  /** @throws InvalidParameterError naming the first invalid option. */
  constructor(options: FixedRepresentativeOptions) {
    this.options = resolveOptions(options);
  }

  /**
   * Rebuilds a fitted model from its options and fitted state, as loading a
   * saved model does.
   *
   * @throws InvalidParameterError when the state does not match the
   * options: representative count or network sizes.
   */
  static fromFitted(
    options: FixedRepresentativeOptions,
    state: FittedState,
  ): FixedRepresentativeClustering {
    const model = new FixedRepresentativeClustering(options);
    assertStateMatches(model.options, state);
    model.fitted = state;
    return model;
  }

  /** The fitted network and representatives; `undefined` before `fit`. */
  get fittedState(): FittedState | undefined {
    return this.fitted;
  }

  /**
   * Trains `nRuns` runs and keeps the one with the lowest best-epoch loss.
   *
   * @throws InvalidParameterError when `nClusters` exceeds the number of
   * samples; InvalidDataError for empty or non-finite data. Both are
   * thrown before any training.
   */
  async fit(data: DataMatrix, fitOptions: FitOptions = {}): Promise<FitResult> {
    const startTime = performance.now();
    this.validateData(data);
    await tf.ready();

    const random = new Random(this.options.seed);
    const points = this.createRepresentatives(random.fork());
    const shape = this.networkShape(data.nFeatures, points);
    const representatives = representativeTensors(points);
    let runs: RunOutcome[];
    try {
      runs = await this.trainRuns(data, shape, representatives, random, {
        ...fitOptions,
        startTime,
      });
    } finally {
      disposeRepresentatives(representatives);
    }

    return this.collectResult(data, runs, points, fitOptions, startTime);
  }

  /**
   * Assigns each row of `data` to its nearest representative in the mapped
   * space, in batches of `predictBatchSize` rows.
   *
   * @throws InvalidParameterError before `fit` or when the number of
   * features differs from the training data's.
   */
  async predict(data: DataMatrix): Promise<Int32Array> {
    const fitted = this.requireFitted(data);
    return predictLabels(fitted, data, this.options.predictBatchSize);
  }

  /**
   * Returns the posterior probability of each mixture component for each
   * row, `nSamples × k` row-major; rows sum to 1.
   *
   * @throws UnsupportedFeatureError for the `km` loss, which has no
   * probabilistic model.
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
    const size = this.options.predictBatchSize;
    return componentPosteriors(fitted, loss, data, size);
  }

  /** Returns the mapped coordinates of each row, `nSamples × d`, row-major. */
  async transform(data: DataMatrix): Promise<Float32Array> {
    const fitted = this.requireFitted(data);
    return mapRows(fitted, data, this.options.predictBatchSize);
  }

  private async collectResult(
    data: DataMatrix,
    runs: RunOutcome[],
    points: number[][],
    fitOptions: FitOptions,
    startTime: number,
  ): Promise<FitResult> {
    const size = this.options.predictBatchSize;
    const runLabels: Int32Array[] = [];
    for (const run of runs) {
      const predictor = { weights: run.bestWeights, points };
      runLabels.push(await predictLabels(predictor, data, size));
    }
    const records: RunRecord[] = runs.map((run, i) => {
      const summary = summariseClusters(runLabels[i]!, this.options.nClusters);
      return {
        ...run.record,
        clusterSizes: summary.sizes,
        collapsed: summary.collapsed,
      };
    });

    const bestRun = selectBestRun(runs);
    const kept = runs[bestRun]!;
    this.fitted = {
      weights: kept.bestWeights,
      points,
      nFeatures: data.nFeatures,
      training: {
        bestRun,
        bestEpoch: kept.record.bestEpoch,
        bestLoss: kept.record.bestLoss,
      },
    };
    const labels = runLabels[bestRun]!;
    const initPredictor = { weights: kept.initialWeights, points };
    const summary = summariseClusters(labels, this.options.nClusters);
    return {
      labels,
      runLabels,
      initLabels: await predictLabels(initPredictor, data, size),
      nClusters: this.options.nClusters,
      seed: this.options.seed,
      backend: fitOptions.backend ?? activeBackendInfo(),
      runs: records,
      bestRun,
      clusterSizes: summary.sizes,
      emptyClusters: summary.emptyClusters,
      collapsedRuns: records.filter((r) => r.collapsed).length,
      warnings: [
        ...distinctRowWarnings(data, this.options.nClusters),
        ...runs.flatMap((r) => r.warnings),
        ...clusterWarnings(summary),
      ],
      representatives: points,
      options: this.options,
      fitTimeMs: performance.now() - startTime,
    };
  }

  private validateData(data: DataMatrix): void {
    assertValidMatrix(data);
    assertIntegerInRange(
      'nClusters',
      this.options.nClusters,
      1,
      data.nSamples,
      `the number of samples (${data.nSamples})`,
    );
  }

  private createRepresentatives(random: Random): number[][] {
    registerBuiltInRepresentatives();
    return createRepresentatives(this.options.representatives, {
      nClusters: this.options.nClusters,
      dimension: this.options.dimension,
      options: this.options.representativeOptions,
      random,
    });
  }

  private networkShape(inputSize: number, points: number[][]): NetworkShape {
    return {
      inputSize,
      hiddenSizes: this.options.hiddenSizes,
      outputSize: points[0]!.length,
      hiddenActivation: this.options.activation,
      outputActivation: 'linear',
    };
  }

  private async trainRuns(
    data: DataMatrix,
    shape: NetworkShape,
    representatives: RepresentativeTensors,
    random: Random,
    options: FitOptions & { startTime: number },
  ): Promise<RunOutcome[]> {
    const runs: RunOutcome[] = [];
    const shared = this.options.shareOptimizerState
      ? tf.train.adam(this.options.learningRate)
      : undefined;
    try {
      for (let run = 0; run < this.options.nRuns; run++) {
        if (run > 0 && options.signal?.aborted === true) break;
        const context = {
          data,
          options: this.options,
          shape,
          representatives,
          startTime: options.startTime,
          signal: options.signal,
          onEpochEnd: options.onEpochEnd,
        };
        runs.push(await trainRun(context, run, random.nextSeed(), shared));
      }
    } finally {
      shared?.dispose();
    }
    return runs;
  }

  private requireFitted(data: DataMatrix): FittedState {
    if (this.fitted === undefined) {
      throw new InvalidParameterError(
        'model',
        undefined,
        'the model is not fitted yet; call fit() before predict() or transform()',
      );
    }
    if (data.nFeatures !== this.fitted.nFeatures) {
      throw new InvalidParameterError(
        'nFeatures',
        data.nFeatures,
        `data has ${data.nFeatures} features, but the model was fitted on ` +
          `${this.fitted.nFeatures}`,
      );
    }
    assertValidMatrix(data);
    return this.fitted;
  }
}

/** A fitted network with what a saved model records about its training. */
export interface FittedState extends Predictor {
  /** Number of input features the network reads. */
  nFeatures: number;
  /** Index of the kept run, its best epoch and that epoch's mean loss. */
  training: { bestRun: number; bestEpoch: number; bestLoss: number };
}

/**
 * Picks the run with the lowest best-epoch loss; the earliest wins a tie.
 * Runs that never completed an epoch have an infinite loss and lose.
 */
export function selectBestRun(runs: readonly RunOutcome[]): number {
  let best = 0;
  runs.forEach((run, i) => {
    if (run.record.bestLoss < runs[best]!.record.bestLoss) best = i;
  });
  return best;
}

function distinctRowWarnings(
  data: DataMatrix,
  nClusters: number,
): FixclustWarning[] {
  const distinct = countDistinctRows(data, nClusters);
  if (distinct >= nClusters) return [];
  return [
    {
      code: 'few-distinct-points',
      message:
        `only ${distinct} distinct point${distinct === 1 ? '' : 's'} ` +
        `exist for ${nClusters} clusters, so at least ` +
        `${nClusters - distinct} clusters must stay empty`,
    },
  ];
}

function assertStateMatches(
  options: ResolvedOptions,
  state: FittedState,
): void {
  const fail = (message: string): never => {
    throw new InvalidParameterError('state', undefined, message);
  };
  if (state.points.length !== options.nClusters) {
    fail(
      `the state has ${state.points.length} representatives, but nClusters ` +
        `is ${options.nClusters}`,
    );
  }
  const sizes = [
    state.nFeatures,
    ...options.hiddenSizes,
    state.points[0]!.length,
  ];
  const layers = state.weights.layers;
  if (layers.length !== sizes.length - 1) {
    fail(
      `the state has ${layers.length} layers, but hiddenSizes ` +
        `[${options.hiddenSizes.join(', ')}] needs ${sizes.length - 1}`,
    );
  }
  layers.forEach((layer, i) => {
    if (layer.inputSize !== sizes[i] || layer.outputSize !== sizes[i + 1]) {
      fail(
        `layer ${i} is ${layer.inputSize} × ${layer.outputSize}, expected ` +
          `${sizes[i]} × ${sizes[i + 1]}`,
      );
    }
  });
}

function activeBackendInfo(): BackendInfo {
  return { name: tf.getBackend(), version: tf.version_core, threads: 1 };
}
