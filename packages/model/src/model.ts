import {
  assertIntegerInRange,
  assertValidData,
  createRepresentatives,
  InvalidParameterError,
  Random,
  type BackendInfo,
  type ClusteringResult,
  type FixclustWarning,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';
import * as tf from '@tensorflow/tfjs-core';

import './gradients.js';
import {
  assignClusters,
  disposeRepresentatives,
  representativeTensors,
  type RepresentativeTensors,
} from './losses.js';
import {
  disposeTensors,
  forward,
  toTensors,
  type NetworkShape,
  type NetworkWeights,
} from './network.js';
import {
  resolveOptions,
  type FixedRepresentativeOptions,
  type ResolvedOptions,
} from './options.js';
import {
  trainRun,
  type DataMatrix,
  type EpochProgress,
  type RunOutcome,
} from './train.js';

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

    const bestRun = selectBestRun(runs);
    const kept = runs[bestRun]!;
    this.fitted = {
      weights: kept.bestWeights,
      points,
      nFeatures: data.nFeatures,
    };
    const labels = this.predict(data);
    const initLabels = predictWith(
      kept.initialWeights,
      points,
      data,
      this.options,
    );
    return {
      labels,
      initLabels,
      nClusters: this.options.nClusters,
      seed: this.options.seed,
      backend: fitOptions.backend ?? activeBackendInfo(),
      runs: runs.map((r) => r.record),
      bestRun,
      warnings: [
        ...runs.flatMap((r) => r.warnings),
        ...clusterWarnings(labels, this.options.nClusters),
      ],
      representatives: points,
      options: this.options,
      fitTimeMs: performance.now() - startTime,
    };
  }

  /**
   * Assigns each row of `data` to its nearest representative in the mapped
   * space, in batches of `predictBatchSize` rows.
   *
   * @throws InvalidParameterError before `fit` or when the number of
   * features differs from the training data's.
   */
  predict(data: DataMatrix): Int32Array {
    const fitted = this.requireFitted(data);
    return predictWith(fitted.weights, fitted.points, data, this.options);
  }

  /** Returns the mapped coordinates of each row, `nSamples × d`, row-major. */
  transform(data: DataMatrix): Float32Array {
    const fitted = this.requireFitted(data);
    const layers = toTensors(fitted.weights);
    const dimension = fitted.points[0]!.length;
    const output = new Float32Array(data.nSamples * dimension);
    try {
      forEachChunk(data, this.options.predictBatchSize, (x, start) => {
        const y = tf.tidy(() => forward(x, layers));
        output.set(y.dataSync(), start * dimension);
        y.dispose();
      });
    } finally {
      disposeTensors(layers);
    }
    return output;
  }

  private validateData(data: DataMatrix): void {
    assertValidData(data.x, data.nSamples, data.nFeatures);
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
      runs.push(await trainRun(context, run, random.nextSeed()));
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
    assertValidData(data.x, data.nSamples, data.nFeatures);
    return this.fitted;
  }
}

interface FittedState {
  weights: NetworkWeights;
  points: number[][];
  nFeatures: number;
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

function predictWith(
  weights: NetworkWeights,
  points: number[][],
  data: DataMatrix,
  options: ResolvedOptions,
): Int32Array {
  const layers = toTensors(weights);
  const representatives = representativeTensors(points);
  const labels = new Int32Array(data.nSamples);
  try {
    forEachChunk(data, options.predictBatchSize, (x, start) => {
      const assigned = tf.tidy(() =>
        assignClusters(forward(x, layers), representatives),
      );
      labels.set(assigned.dataSync(), start);
      assigned.dispose();
    });
  } finally {
    disposeTensors(layers);
    disposeRepresentatives(representatives);
  }
  return labels;
}

function forEachChunk(
  data: DataMatrix,
  chunkSize: number,
  body: (x: tf.Tensor2D, start: number) => void,
): void {
  for (let start = 0; start < data.nSamples; start += chunkSize) {
    const end = Math.min(start + chunkSize, data.nSamples);
    const values = data.x.subarray(
      start * data.nFeatures,
      end * data.nFeatures,
    );
    const x = tf.tensor2d(values, [end - start, data.nFeatures]);
    try {
      body(x, start);
    } finally {
      x.dispose();
    }
  }
}

function clusterWarnings(
  labels: Int32Array,
  nClusters: number,
): FixclustWarning[] {
  const counts = new Int32Array(nClusters);
  for (const label of labels) counts[label]! += 1;
  const empty = [...counts.keys()].filter((i) => counts[i] === 0);
  if (empty.length === 0) return [];
  return [
    {
      code: 'empty-clusters',
      message:
        `${empty.length} of ${nClusters} clusters received no samples ` +
        `(${empty.join(', ')}); try a larger lambda or more runs`,
    },
  ];
}

function activeBackendInfo(): BackendInfo {
  return { name: tf.getBackend(), version: tf.version_core, threads: 1 };
}
