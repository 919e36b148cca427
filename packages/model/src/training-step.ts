import * as tf from '@tensorflow/tfjs-core';

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
  return (await stepWithTerms(context, network, optimizer, x, variables)).loss;
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
): Promise<{ loss: number; reconstruction?: number }> {
  let reconstruction: tf.Scalar | undefined;
  const cost = optimizer.minimize(
    () => {
      const terms = objectiveTerms(context, network, x);
      if (terms.reconstruction !== undefined) {
        reconstruction = tf.keep(terms.reconstruction);
      }
      return terms.total;
    },
    true,
    variables,
  )!;
  // An asynchronous read works on every backend, GPU backends included.
  if (reconstruction === undefined) {
    const loss = (await cost.data())[0]!;
    cost.dispose();
    return { loss };
  }
  const both = tf.stack([cost, reconstruction]);
  const values = await both.data();
  tf.dispose([cost, reconstruction, both]);
  return { loss: values[0]!, reconstruction: values[1]! };
}
