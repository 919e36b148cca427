import * as tf from '@tensorflow/tfjs-core';

import {
  clusteringLoss,
  variableFeaturesTerm,
  type RepresentativeTensors,
} from './losses.js';
import { mixtureLoss, mixtureRegularisers } from './mixture/losses.js';
import type { NetworkVariables } from './network/index.js';
import type { ResolvedOptions } from './options.js';

/** Settings and representatives that the training objective reads. */
export interface ObjectiveContext {
  /**
   * The loss settings. Terms whose options are absent are off, so the
   * objective of the published setups needs only the first three.
   */
  options: Pick<ResolvedOptions, 'loss' | 'lambda' | 'varianceEpsilon'> &
    Partial<
      Pick<
        ResolvedOptions,
        | 'l2'
        | 'autoencoder'
        | 'representativeVariance'
        | 'uniformLogits'
        | 'klDivergence'
      >
    >;
  representatives: RepresentativeTensors;
  /**
   * Cap of each mapped feature's standard deviation in the
   * variable-features term; absent means no cap.
   */
  deviationTarget?: readonly number[] | undefined;
  /**
   * Whether the objective is the autoencoder's reconstruction error alone,
   * as in the pretraining epochs. Default: false.
   */
  reconstructionOnly?: boolean | undefined;
}

/** The training objective of a batch and its reconstruction term. */
export interface ObjectiveTerms {
  total: tf.Scalar;
  /** Mean squared reconstruction error, before its weight. */
  reconstruction: tf.Scalar | undefined;
  /** The clustering loss; absent when only reconstruction is trained. */
  clustering?: tf.Scalar;
  /** The variable-features term, lambda included; absent likewise. */
  variableFeatures?: tf.Scalar;
}

/**
 * Builds the training objective of a batch: the clustering loss plus the
 * variable-features term of the mapped batch, and the terms other options
 * switch on.
 */
export function objective(
  context: ObjectiveContext,
  network: NetworkVariables,
  x: tf.Tensor2D,
): tf.Scalar {
  return objectiveTerms(context, network, x).total;
}

/**
 * Builds the objective's terms. The clustering loss is to the fixed
 * representatives, or the negative log-likelihood of the trained mixture,
 * and the variable-features term is always added. When switched on,
 * `l2 · Σ w²` over the mapping weights, the mixture regularisers and
 * `reconstructionWeight` times the autoencoder's mean squared
 * reconstruction error follow. A term that is off adds no op.
 */
export function objectiveTerms(
  context: ObjectiveContext,
  network: NetworkVariables,
  x: tf.Tensor2D,
): ObjectiveTerms {
  const { options, representatives } = context;
  const { y, code } = network.forwardWithCode(x);
  if (context.reconstructionOnly === true) {
    const reconstruction = reconstructionError(network, code, x);
    return { total: reconstruction, reconstruction };
  }
  const mixture =
    network.mixture === undefined || options.loss === 'km'
      ? undefined
      : network.mixture.tensors(options.loss, representatives.points);
  const clustering =
    mixture === undefined
      ? clusteringLoss(options.loss, y, representatives)
      : mixtureLoss(y, mixture);
  const spread = variableFeaturesTerm(
    y,
    options.lambda,
    options.varianceEpsilon,
    context.deviationTarget,
  );
  let total = tf.add(clustering, spread) as tf.Scalar;

  const l2 = options.l2 ?? 0;
  if (l2 > 0) {
    const squares = network.mappingWeights().map((w) => tf.sum(tf.square(w)));
    total = tf.add(total, tf.mul(l2, tf.addN(squares)));
  }
  if (mixture !== undefined) {
    const regularisers = mixtureRegularisers(mixture, {
      representativeVariance: options.representativeVariance ?? 0,
      uniformLogits: options.uniformLogits ?? 0,
      klDivergence: options.klDivergence ?? 0,
    });
    if (regularisers !== undefined) total = tf.add(total, regularisers);
  }
  const autoencoder = options.autoencoder;
  if (
    !network.hasDecoder ||
    autoencoder === undefined ||
    autoencoder.depth === 0
  ) {
    return {
      total,
      reconstruction: undefined,
      clustering,
      variableFeatures: spread,
    };
  }
  const reconstruction = reconstructionError(network, code, x);
  const weighted = tf.mul(autoencoder.reconstructionWeight, reconstruction);
  return {
    total: tf.add(total, weighted),
    reconstruction,
    clustering,
    variableFeatures: spread,
  };
}

function reconstructionError(
  network: NetworkVariables,
  code: tf.Tensor2D,
  x: tf.Tensor2D,
): tf.Scalar {
  return tf.mean(tf.squaredDifference(network.decode(code), x)) as tf.Scalar;
}
