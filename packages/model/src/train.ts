import {
  isCsrMatrix,
  Random,
  type FixclustWarning,
  type RunRecord,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import type { MixtureWeights } from './mixture/parameters.js';
import {
  initialiseNetwork,
  NetworkVariables,
  type NetworkShape,
  type NetworkWeights,
} from './network/index.js';
import type { ResolvedOptions } from './options.js';
import { batchTensor, type DataMatrix } from './data.js';
import type { ObjectiveContext } from './objective.js';
import { streamEpoch, type StreamSource } from './stream-epoch.js';
import {
  EpochSums,
  STEPS_PER_YIELD,
  yieldToEventLoop,
  type EpochOutcome,
} from './epoch-sums.js';
import { mapRows } from './prediction.js';
import {
  createOptimizer,
  createStepRunner,
  type StepOutcome,
  type StepRunner,
} from './training-step.js';

export { objective, type ObjectiveContext } from './objective.js';
export { createOptimizer, trainingStep } from './training-step.js';

/** Progress report passed to the per-epoch callback. */
export interface EpochProgress {
  /** Run index, from 0. */
  run: number;
  nRuns: number;
  /** Epoch index within the run, from 0. */
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /**
   * Mean squared reconstruction error of the autoencoder over the epoch's
   * samples, before its weight; absent without an autoencoder.
   */
  reconstruction?: number;
  /** Milliseconds since the fit started. */
  elapsedMs: number;
  /**
   * The `epochSample` rows of the fit options mapped with this epoch's
   * weights, `rows × d` row-major; absent without `epochSample`.
   */
  mapped?: Float32Array;
  /** The representatives, one row per cluster, when `mapped` is given. */
  representatives?: number[][];
}

/** Everything a training run reads. */
export interface TrainingContext extends ObjectiveContext {
  data: DataMatrix;
  options: ResolvedOptions;
  shape: NetworkShape;
  /** Starting mixture parameters of every run, when any is trainable. */
  initialMixture?: MixtureWeights | undefined;
  startTime: number;
  signal?: AbortSignal | undefined;
  onEpochEnd?: ((progress: EpochProgress) => void) | undefined;
  /**
   * Preprocessed rows to map after every epoch for the progress report,
   * with the representatives that fix the mapped space's dimension.
   */
  epochSample?: { data: DataMatrix; points: number[][] } | undefined;
  /**
   * Streaming data set to train on in place of `data`, whose rows are then
   * not read.
   */
  stream?: StreamSource | undefined;
}

/** Loss history of a run, with the autoencoder's reconstruction error. */
export type ModelRunRecord = RunRecord & {
  /**
   * Mean squared reconstruction error of each completed epoch, before its
   * weight; present only with an autoencoder.
   */
  epochReconstruction?: number[];
  /**
   * Mean clustering loss of each completed epoch, one of the loss's two
   * terms.
   */
  epochClustering?: number[];
  /**
   * Mean variable-features term (lambda included) of each completed
   * epoch; with `epochClustering` and any regularisers it makes up the
   * epoch's loss.
   */
  epochVariableFeatures?: number[];
  /**
   * Mean squared reconstruction error of each completed pretraining epoch;
   * present only with `pretrainEpochs` above 0.
   */
  pretrainReconstruction?: number[];
};

/** Loss history of a run, before its clustering is summarised. */
export type TrainingRecord = Omit<ModelRunRecord, 'clusterSizes' | 'collapsed'>;

/** Outcome of one training run. */
export interface RunOutcome {
  record: TrainingRecord;
  initialWeights: NetworkWeights;
  /** Weights at the end of the epoch with the lowest mean loss. */
  bestWeights: NetworkWeights;
  warnings: FixclustWarning[];
}

/**
 * Trains one run from fresh weights: the optimizer on the clustering loss
 * plus the variable-features term and any enabled extra terms, data
 * reshuffled every epoch unless `shuffle` is off, keeping the weights of
 * the epoch with the lowest mean loss.
 *
 * An epoch cut short by the abort signal counts with the steps it completed.
 * A non-finite loss stops the run and is reported as a warning; the run
 * keeps its best completed epoch. A `sharedOptimizer` carries its moments
 * and step count over from earlier runs; the caller disposes it.
 */
export async function trainRun(
  context: TrainingContext,
  run: number,
  seed: number,
  sharedOptimizer?: tf.Optimizer,
): Promise<RunOutcome> {
  const random = new Random(seed);
  const initialWeights = initialiseNetwork(context.shape, random);
  if (context.initialMixture !== undefined) {
    initialWeights.mixture = context.initialMixture;
  }
  const network = new NetworkVariables(initialWeights);
  const optimizer = sharedOptimizer ?? createOptimizer(context.options);
  const record: TrainingRecord = {
    run,
    seed,
    epochLosses: [],
    bestEpoch: -1,
    bestLoss: Number.POSITIVE_INFINITY,
    aborted: false,
  };
  if (network.hasDecoder) record.epochReconstruction = [];
  let bestWeights = initialWeights;
  const warnings: FixclustWarning[] = [];

  try {
    const pretraining = await pretrain(context, network, optimizer, random);
    if (pretraining.losses.length > 0) {
      record.pretrainReconstruction = pretraining.losses;
    }
    if (pretraining.failedEpoch !== undefined) {
      warnings.push(pretrainingWarning(run, pretraining.failedEpoch, context));
    }
    if (pretraining.aborted) record.aborted = true;
    const epochs = pretraining.stopped ? 0 : context.options.epochs;
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (context.signal?.aborted === true) {
        record.aborted = true;
        break;
      }
      const outcome = await trainEpoch(context, network, optimizer, random);
      // The last update of an epoch can leave non-finite weights behind a
      // finite mean loss, so the weights are checked before they count.
      const weights = await network.read();
      if (!weightsAreFinite(weights)) outcome.loss = Number.NaN;
      if (outcome.steps > 0 && Number.isFinite(outcome.loss)) {
        if (outcome.loss < record.bestLoss) {
          record.bestLoss = outcome.loss;
          record.bestEpoch = epoch;
          bestWeights = weights;
        }
        const mapped =
          context.epochSample === undefined || context.onEpochEnd === undefined
            ? undefined
            : await mapRows(
                { weights, points: context.epochSample.points },
                context.epochSample.data,
                context.options.predictBatchSize,
              );
        recordEpoch(context, record, outcome, epoch, mapped);
      }
      if (outcome.aborted) {
        record.aborted = true;
        break;
      }
      if (!Number.isFinite(outcome.loss)) {
        const kept = record.bestEpoch >= 0;
        const rate = context.options.learningRate;
        warnings.push(nonFiniteWarning(run, epoch, outcome.loss, rate, kept));
        break;
      }
      if (hasStalled(record, epoch, context.options.patience)) break;
    }
  } finally {
    if (sharedOptimizer === undefined) optimizer.dispose();
    network.dispose();
  }
  return { record, initialWeights, bestWeights, warnings };
}

interface PretrainingOutcome {
  /** Mean reconstruction error of each completed pretraining epoch. */
  losses: number[];
  /** Whether the clustering epochs must be skipped. */
  stopped: boolean;
  aborted: boolean;
  /** Pretraining epoch whose reconstruction error became non-finite. */
  failedEpoch?: number;
}

/**
 * Trains the autoencoder on its reconstruction error alone for
 * `pretrainEpochs` epochs. An abort or a non-finite error stops the run
 * before its clustering epochs, so it keeps its initial weights.
 */
async function pretrain(
  context: TrainingContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  random: Random,
): Promise<PretrainingOutcome> {
  const reconstructionContext = { ...context, reconstructionOnly: true };
  const losses: number[] = [];
  for (let epoch = 0; epoch < context.options.pretrainEpochs; epoch++) {
    if (context.signal?.aborted === true) {
      return { losses, stopped: true, aborted: true };
    }
    const outcome = await trainEpoch(
      reconstructionContext,
      network,
      optimizer,
      random,
    );
    if (outcome.aborted) return { losses, stopped: true, aborted: true };
    if (!Number.isFinite(outcome.loss)) {
      return { losses, stopped: true, aborted: false, failedEpoch: epoch };
    }
    losses.push(outcome.loss);
  }
  return { losses, stopped: false, aborted: false };
}

function recordEpoch(
  context: TrainingContext,
  record: TrainingRecord,
  outcome: EpochOutcome,
  epoch: number,
  mapped?: Float32Array,
): void {
  record.epochLosses.push(outcome.loss);
  const progress: EpochProgress = {
    run: record.run,
    nRuns: context.options.nRuns,
    epoch,
    epochs: context.options.epochs,
    loss: outcome.loss,
    elapsedMs: performance.now() - context.startTime,
  };
  if (mapped !== undefined && context.epochSample !== undefined) {
    progress.mapped = mapped;
    progress.representatives = context.epochSample.points;
  }
  if (outcome.reconstruction !== undefined) {
    record.epochReconstruction?.push(outcome.reconstruction);
    progress.reconstruction = outcome.reconstruction;
  }
  if (
    outcome.clustering !== undefined &&
    outcome.variableFeatures !== undefined
  ) {
    (record.epochClustering ??= []).push(outcome.clustering);
    (record.epochVariableFeatures ??= []).push(outcome.variableFeatures);
  }
  context.onEpochEnd?.(progress);
}

async function trainEpoch(
  context: TrainingContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  random: Random,
): Promise<EpochOutcome> {
  if (context.stream !== undefined) {
    const stream = context.stream;
    return streamEpoch({ ...context, stream }, network, optimizer, random);
  }
  const { data, options } = context;
  const order = options.shuffle
    ? random.permutation(data.nSamples)
    : Int32Array.from({ length: data.nSamples }, (_, i) => i);
  const variables = network.variables();
  const sums = new EpochSums(network.hasDecoder);
  const outcome = (aborted: boolean, loss?: number) =>
    sums.outcome(aborted, loss);

  const runner = await createStepRunner(context, network, optimizer, variables);
  const chunks = stepChunks(data, order, runner, options.batchSize);
  try {
    for (let start = 0; start < data.nSamples;) {
      if (context.signal?.aborted === true) return outcome(true);
      const steps = await chunks.next(start, sums.steps);
      for (const step of steps) {
        const end = Math.min(start + options.batchSize, data.nSamples);
        if (!Number.isFinite(step.loss)) return outcome(false, step.loss);
        sums.add(step, end - start);
        start = end;
      }
      if (sums.steps % STEPS_PER_YIELD === 0) await yieldToEventLoop();
    }
  } finally {
    chunks.dispose();
    await runner.finish();
  }
  await yieldToEventLoop();
  return outcome(false);
}

/** The steps of an epoch, taken a chunk at a time. */
interface StepChunks {
  /**
   * Runs the steps from row `start` of the epoch's order, after
   * `stepsDone` steps of the epoch, up to the next yield to the event
   * loop. Returns their outcomes, of which the last may be a non-finite
   * loss.
   */
  next(start: number, stepsDone: number): Promise<StepOutcome[]>;
  dispose(): void;
}

/**
 * Returns the epoch's steps one at a time, or, where the runner has
 * `steps` and the data is dense, up to {@link STEPS_PER_YIELD} per backend
 * call, on the data and order as two tensors made once per epoch. Either
 * way the steps, and the points where the epoch checks for an abort and
 * yields, are the same.
 */
function stepChunks(
  data: DataMatrix,
  order: Int32Array,
  runner: StepRunner,
  batchSize: number,
): StepChunks {
  const x = data.x;
  if (runner.steps === undefined || isCsrMatrix(x)) {
    return {
      async next(start) {
        const end = Math.min(start + batchSize, data.nSamples);
        const batch = batchTensor(data, order, start, end);
        try {
          return [await runner.step(batch)];
        } finally {
          batch.dispose();
        }
      },
      dispose() {},
    };
  }
  const steps = runner.steps;
  const rows = tf.tensor2d(x, [data.nSamples, data.nFeatures]);
  const rowOrder = tf.tensor1d(order, 'int32');
  return {
    next(start, stepsDone) {
      const left = Math.ceil((data.nSamples - start) / batchSize);
      const untilYield = STEPS_PER_YIELD - (stepsDone % STEPS_PER_YIELD);
      const batches = Math.min(left, untilYield);
      return steps(rows, rowOrder, start, batchSize, batches);
    },
    dispose() {
      tf.dispose([rows, rowOrder]);
    },
  };
}

function nonFiniteWarning(
  run: number,
  epoch: number,
  loss: number,
  learningRate: number,
  hasCompletedEpoch: boolean,
): FixclustWarning {
  const kept = hasCompletedEpoch
    ? 'it keeps its best completed epoch'
    : 'no epoch completed, so it keeps its initial weights';
  return {
    code: 'non-finite-loss',
    message:
      `run ${run}: the loss became ${loss} in epoch ${epoch} with learning ` +
      `rate ${learningRate}, so training of this run stopped and ${kept}; ` +
      `lower the learning rate or lambda, or scale the input features`,
  };
}

/**
 * Tells whether `patience` epochs have passed since the best epoch, so
 * that early stopping ends the run.
 */
function hasStalled(
  record: TrainingRecord,
  epoch: number,
  patience: number | null,
): boolean {
  return patience !== null && epoch - record.bestEpoch >= patience;
}

function pretrainingWarning(
  run: number,
  epoch: number,
  context: TrainingContext,
): FixclustWarning {
  return {
    code: 'non-finite-loss',
    message:
      `run ${run}: the reconstruction error became non-finite in ` +
      `pretraining epoch ${epoch} with learning rate ` +
      `${context.options.learningRate}, so the run stopped before its ` +
      `clustering epochs and keeps its initial weights; lower the ` +
      `learning rate or scale the input features`,
  };
}

function weightsAreFinite(weights: NetworkWeights): boolean {
  const arrays: Float32Array[] = [];
  for (const group of [weights.encoder, weights.layers, weights.decoder]) {
    for (const layer of group ?? []) arrays.push(layer.weight, layer.bias);
  }
  for (const group of [weights.convolutions, weights.deconvolutions]) {
    for (const layer of group ?? []) arrays.push(layer.kernel, layer.bias);
  }
  const mixture = weights.mixture;
  for (const values of [mixture?.locations, mixture?.logits, mixture?.scale]) {
    if (values !== undefined) arrays.push(values);
  }
  return arrays.every((values) => values.every(Number.isFinite));
}
