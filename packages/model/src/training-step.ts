import { DENSE_TRAINING_STEPS_KERNEL } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { FusedSteps } from './fused-step.js';
import type { NetworkVariables } from './network/index.js';
import { objectiveTerms, type ObjectiveContext } from './objective.js';
import type { ResolvedOptions } from './options.js';

/**
 * Creates the optimizer the options name with their learning rate: Adam
 * (tfjs defaults β1 = 0.9, β2 = 0.999) or plain stochastic gradient
 * descent.
 */
export function createOptimizer(
  options: Pick<ResolvedOptions, 'optimizer' | 'learningRate'>,
): tf.Optimizer {
  return options.optimizer === 'sgd'
    ? tf.train.sgd(options.learningRate)
    : tf.train.adam(options.learningRate);
}

/** Loss of a batch before its update, and the terms it is made of. */
export interface StepOutcome {
  loss: number;
  /** Mean squared reconstruction error, with an autoencoder. */
  reconstruction?: number;
  /** The clustering loss, absent in reconstruction-only steps. */
  clustering?: number;
  /** The variable-features term, lambda included; absent likewise. */
  variableFeatures?: number;
}

/** Runs the optimizer steps of one training run. */
export interface StepRunner {
  /**
   * `fused`: one call of the backend's fused training step per step.
   * `graph`: the objective's tfjs operations and the optimizer's update.
   */
  readonly kind: 'fused' | 'graph';
  /** Runs one optimizer step on the batch `x`. */
  step(x: tf.Tensor2D): Promise<StepOutcome>;
  /**
   * Present where the backend runs several steps in one call
   * (`DENSE_TRAINING_STEPS_KERNEL` of `@fixclust/core`): runs up to
   * `batches` steps, step b on the rows `order[start + b · batchSize …]` of
   * `data`, and returns the outcome of each. The steps stop after the
   * first non-finite loss. They are the steps `step` would make on
   * those rows, value for value.
   */
  steps?: (
    data: tf.Tensor2D,
    order: tf.Tensor1D,
    start: number,
    batchSize: number,
    batches: number,
  ) => Promise<StepOutcome[]>;
  /**
   * Leaves the optimizer's state as the steps made it and frees what the
   * runner holds. Call once, after the last step.
   */
  finish(): Promise<void>;
}

/**
 * Creates the step runner of a training run: the backend's fused dense
 * training step (`DENSE_TRAINING_STEP_KERNEL` of `@fixclust/core`) where
 * the backend registers it and it covers the network and options, else
 * the objective's tfjs graph with the optimizer's `minimize`.
 */
export async function createStepRunner(
  context: ObjectiveContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  variables: tf.Variable[] = network.variables(),
): Promise<StepRunner> {
  const fused = await FusedSteps.create(context, network, optimizer, variables);
  if (fused !== undefined) {
    const runner: StepRunner = {
      kind: 'fused',
      step: (x) => fused.run(x),
      finish: () => fused.finish(),
    };
    if (tf.getKernel(DENSE_TRAINING_STEPS_KERNEL, tf.getBackend())) {
      runner.steps = (...batch) => fused.runBatches(...batch);
    }
    return runner;
  }
  await registerGradients();
  return {
    kind: 'graph',
    step: (x) => stepWithTerms(context, network, optimizer, x, variables),
    finish: () => Promise.resolve(),
  };
}

let gradientsLoaded: Promise<void> | undefined;

/**
 * Registers tfjs's gradient functions with tfjs-core, once per thread.
 * The tfjs graph's training steps need them and the fused kernels do not,
 * so the model loads them only before such a step: they come with the
 * umbrella `@tensorflow/tfjs` package, whose import took 0.13 s on a
 * 2-core machine. A program that calls `tf.grad` or an optimizer's
 * `minimize` itself awaits this first.
 */
export function registerGradients(): Promise<void> {
  gradientsLoaded ??= import('./gradients.js').then(() => undefined);
  return gradientsLoaded;
}

/**
 * Runs one optimizer step on the batch `x`: the objective's forward pass,
 * its gradients and the parameter update, fused into one kernel where the
 * backend has it (see {@link createStepRunner}). Returns the batch's loss
 * before the update.
 */
export async function trainingStep(
  context: ObjectiveContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  variables: tf.Variable[] = network.variables(),
): Promise<number> {
  const runner = await createStepRunner(context, network, optimizer, variables);
  try {
    return (await runner.step(x)).loss;
  } finally {
    await runner.finish();
  }
}

/**
 * Runs one optimizer step and returns the batch's loss and, with an
 * autoencoder, its reconstruction error, both before the update and read
 * back together.
 */
export async function stepWithTerms(
  context: ObjectiveContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  variables: tf.Variable[],
): Promise<StepOutcome> {
  let kept: Array<tf.Scalar | undefined> = [];
  const cost = optimizer.minimize(
    () => {
      const terms = objectiveTerms(context, network, x);
      kept = [terms.reconstruction, terms.clustering, terms.variableFeatures];
      kept = kept.map((t) => (t === undefined ? undefined : tf.keep(t)));
      return terms.total;
    },
    true,
    variables,
  )!;
  const [reconstruction, clustering, variableFeatures] = kept;
  // One stacked read of every scalar; an asynchronous read works on every
  // backend, GPU backends included.
  const present = [cost, ...kept].filter((t) => t !== undefined);
  const stacked = tf.stack(present);
  const values = await stacked.data();
  tf.dispose([stacked, ...present]);
  const outcome: StepOutcome = { loss: values[0]! };
  let next = 1;
  if (reconstruction !== undefined) outcome.reconstruction = values[next++]!;
  if (clustering !== undefined) outcome.clustering = values[next++]!;
  if (variableFeatures !== undefined) {
    outcome.variableFeatures = values[next++]!;
  }
  return outcome;
}
