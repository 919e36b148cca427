import { Random, type FixclustWarning, type RunRecord } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  clusteringLoss,
  variableFeaturesTerm,
  type RepresentativeTensors,
} from './losses.js';
import {
  initialiseNetwork,
  NetworkVariables,
  type NetworkShape,
  type NetworkWeights,
} from './network.js';
import type { ResolvedOptions } from './options.js';
import { batchTensor, type DataMatrix } from './data.js';

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
  /** Milliseconds since the fit started. */
  elapsedMs: number;
}

/** What the training objective reads. */
export interface ObjectiveContext {
  options: Pick<ResolvedOptions, 'loss' | 'lambda' | 'varianceEpsilon'>;
  representatives: RepresentativeTensors;
}

/** Everything a training run reads. */
export interface TrainingContext extends ObjectiveContext {
  data: DataMatrix;
  options: ResolvedOptions;
  shape: NetworkShape;
  startTime: number;
  signal?: AbortSignal | undefined;
  onEpochEnd?: ((progress: EpochProgress) => void) | undefined;
}

/** Loss history of a run, before its clustering is summarised. */
export type TrainingRecord = Omit<RunRecord, 'clusterSizes' | 'collapsed'>;

/** Outcome of one training run. */
export interface RunOutcome {
  record: TrainingRecord;
  initialWeights: NetworkWeights;
  /** Weights at the end of the epoch with the lowest mean loss. */
  bestWeights: NetworkWeights;
  warnings: FixclustWarning[];
}

/** Steps between yields to the event loop, so an abort can arrive. */
const STEPS_PER_YIELD = 64;

/**
 * Trains one run from fresh weights: Adam on the clustering loss plus the
 * variable-features term, data reshuffled every epoch, keeping the weights
 * of the epoch with the lowest mean loss.
 *
 * An epoch cut short by the abort signal counts with the steps it completed.
 * A non-finite loss stops the run and is reported as a warning; the run
 * keeps its best completed epoch. A `sharedOptimizer` carries its Adam
 * moments and step count over from earlier runs; the caller disposes it.
 */
export async function trainRun(
  context: TrainingContext,
  run: number,
  seed: number,
  sharedOptimizer?: tf.Optimizer,
): Promise<RunOutcome> {
  const random = new Random(seed);
  const initialWeights = initialiseNetwork(context.shape, random);
  const network = new NetworkVariables(initialWeights);
  const optimizer =
    sharedOptimizer ?? tf.train.adam(context.options.learningRate);
  const record: TrainingRecord = {
    run,
    seed,
    epochLosses: [],
    bestEpoch: -1,
    bestLoss: Number.POSITIVE_INFINITY,
    aborted: false,
  };
  let bestWeights = initialWeights;
  const warnings: FixclustWarning[] = [];

  try {
    for (let epoch = 0; epoch < context.options.epochs; epoch++) {
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
        record.epochLosses.push(outcome.loss);
        if (outcome.loss < record.bestLoss) {
          record.bestLoss = outcome.loss;
          record.bestEpoch = epoch;
          bestWeights = weights;
        }
        context.onEpochEnd?.({
          run,
          nRuns: context.options.nRuns,
          epoch,
          epochs: context.options.epochs,
          loss: outcome.loss,
          elapsedMs: performance.now() - context.startTime,
        });
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
    }
  } finally {
    if (sharedOptimizer === undefined) optimizer.dispose();
    network.dispose();
  }
  return { record, initialWeights, bestWeights, warnings };
}

interface EpochOutcome {
  /** Mean loss over the samples of the completed steps. */
  loss: number;
  steps: number;
  aborted: boolean;
}

async function trainEpoch(
  context: TrainingContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  random: Random,
): Promise<EpochOutcome> {
  const { data, options } = context;
  const order = random.permutation(data.nSamples);
  const variables = network.variables();
  let lossSum = 0;
  let samples = 0;
  let steps = 0;

  for (let start = 0; start < data.nSamples; start += options.batchSize) {
    if (context.signal?.aborted === true) {
      return { loss: lossSum / samples, steps, aborted: true };
    }
    const end = Math.min(start + options.batchSize, data.nSamples);
    const x = batchTensor(data, order, start, end);
    const loss = await trainingStep(context, network, optimizer, x, variables);
    x.dispose();
    if (!Number.isFinite(loss)) return { loss, steps, aborted: false };

    lossSum += loss * (end - start);
    samples += end - start;
    steps += 1;
    if (steps % STEPS_PER_YIELD === 0) await yieldToEventLoop();
  }
  await yieldToEventLoop();
  return { loss: lossSum / samples, steps, aborted: false };
}

/**
 * Runs one optimizer step on the batch `x`: the objective's forward pass,
 * its gradients and the parameter update. Returns the batch's loss before
 * the update.
 */
export async function trainingStep(
  context: ObjectiveContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  variables: tf.Variable[] = network.variables(),
): Promise<number> {
  const cost = optimizer.minimize(
    () => objective(context, network, x),
    true,
    variables,
  );
  // An asynchronous read works on every backend, GPU backends included.
  const loss = (await cost!.data())[0]!;
  cost!.dispose();
  return loss;
}

/**
 * Builds the training objective of a batch: the clustering loss plus the
 * variable-features term of the mapped batch.
 */
export function objective(
  context: ObjectiveContext,
  network: NetworkVariables,
  x: tf.Tensor2D,
): tf.Scalar {
  const { options, representatives } = context;
  const y = network.forwardForTraining(x);
  const clustering = clusteringLoss(options.loss, y, representatives);
  const spread = variableFeaturesTerm(
    y,
    options.lambda,
    options.varianceEpsilon,
  );
  return tf.add(clustering, spread);
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

function weightsAreFinite(weights: NetworkWeights): boolean {
  return weights.layers.every(
    (layer) =>
      layer.weight.every(Number.isFinite) && layer.bias.every(Number.isFinite),
  );
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
