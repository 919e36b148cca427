import * as tf from '@tensorflow/tfjs-core';

import { logGammaOfHalfInteger } from '../losses.js';
import type { ResolvedOptions } from '../options.js';
import type { MixtureTensors } from './parameters.js';

/**
 * Builds each component's scale matrix S from its unconstrained
 * parameters: the strictly lower triangle as it is and `exp` of the
 * diagonal, so S is lower triangular with a positive diagonal and always
 * invertible. Returns `k × d × d`.
 */
export function scaleMatrices(scale: tf.Tensor3D): tf.Tensor3D {
  const d = scale.shape[1];
  const eye = tf.eye(d);
  const strictlyLower = tf.sub(tf.linalg.bandPart(tf.ones([d, d]), -1, 0), eye);
  return tf.add(
    tf.mul(scale, strictlyLower),
    tf.mul(tf.exp(scale), eye),
  ) as tf.Tensor3D;
}

/**
 * Inverts lower-triangular matrices `k × d × d` with a non-zero diagonal
 * by forward substitution, row by row, with ops that have gradients on
 * every backend.
 */
export function invertLowerTriangular(matrices: tf.Tensor3D): tf.Tensor3D {
  const [k, d] = matrices.shape;
  const eye = tf.eye(d);
  const rows: tf.Tensor3D[] = [];
  for (let j = 0; j < d; j++) {
    const unit = tf.reshape(tf.slice(eye, [j, 0], [1, d]), [1, 1, d]);
    const diagonal = tf.slice(matrices, [0, j, j], [k, 1, 1]);
    let numerator: tf.Tensor = unit;
    if (j > 0) {
      const coefficients = tf.slice(matrices, [0, j, 0], [k, 1, j]);
      const previous = tf.concat(rows, 1);
      numerator = tf.sub(unit, tf.matMul(coefficients, previous));
    }
    rows.push(tf.div(numerator, diagonal) as tf.Tensor3D);
  }
  return tf.concat(rows, 1);
}

/** Squared Mahalanobis distances `n × k` and the log-determinants of S. */
function mahalanobis(
  y: tf.Tensor2D,
  mixture: MixtureTensors,
): { distances: tf.Tensor2D; logDeterminants: tf.Tensor1D | undefined } {
  const locations = mixture.locations;
  if (mixture.scale === undefined) {
    const yNorms = tf.sum(tf.square(y), 1, true);
    const cross = tf.matMul(y, locations, false, true);
    const norms = tf.sum(tf.square(locations), 1);
    const distances = tf.add(tf.sub(yNorms, tf.mul(2, cross)), norms);
    return { distances: distances as tf.Tensor2D, logDeterminants: undefined };
  }
  const d = y.shape[1];
  const inverse = invertLowerTriangular(scaleMatrices(mixture.scale));
  // differences[i] is y - μ_i for every sample: k × n × d.
  const differences = tf.sub(tf.expandDims(y, 0), tf.expandDims(locations, 1));
  const whitened = tf.matMul(differences as tf.Tensor3D, inverse, false, true);
  const distances = tf.transpose(tf.sum(tf.square(whitened), 2));
  const logDeterminants = tf.sum(tf.mul(mixture.scale, tf.eye(d)), [1, 2]);
  return {
    distances: distances as tf.Tensor2D,
    logDeterminants: logDeterminants as tf.Tensor1D,
  };
}

/**
 * Log of each component's weighted density at each mapped sample, `n × k`:
 * `log π_i + log p_i(y)`. `gmm` components are Gaussians with covariance
 * S Sᵀ; `cmm` components are multivariate Cauchy (Student-t with 1 degree
 * of freedom) with scale matrix S Sᵀ.
 */
export function mixtureLogJoint(
  y: tf.Tensor2D,
  mixture: MixtureTensors,
): tf.Tensor2D {
  const [k, d] = mixture.locations.shape;
  const { distances, logDeterminants } = mahalanobis(y, mixture);
  let logDensities =
    mixture.loss === 'gmm'
      ? tf.sub(-(d / 2) * Math.log(2 * Math.PI), tf.mul(0.5, distances))
      : tf.sub(
          logGammaOfHalfInteger(1 + d) -
            logGammaOfHalfInteger(1) -
            (d / 2) * Math.log(Math.PI),
          tf.mul((1 + d) / 2, tf.log1p(tf.relu(distances))),
        );
  if (logDeterminants !== undefined) {
    logDensities = tf.sub(logDensities, logDeterminants);
  }
  const logWeights =
    mixture.logits === undefined
      ? tf.scalar(-Math.log(k))
      : tf.logSoftmax(mixture.logits);
  return tf.add(logDensities, logWeights) as tf.Tensor2D;
}

/** Negative log-likelihood of the mixture, averaged over the batch. */
export function mixtureLoss(
  y: tf.Tensor2D,
  mixture: MixtureTensors,
): tf.Scalar {
  const logLikelihoods = tf.logSumExp(mixtureLogJoint(y, mixture), 1);
  return tf.neg(tf.mean(logLikelihoods)) as tf.Scalar;
}

/**
 * Builds the regularisers the options switch on, or undefined when all
 * weights are 0. `representativeVariance` rewards the mean per-coordinate
 * variance of the locations, `uniformLogits` penalises the mean squared
 * distance of the weights to 1/k, and `klDivergence` rewards the sum of
 * KL divergences between all ordered pairs of Gaussian components.
 */
export function mixtureRegularisers(
  mixture: MixtureTensors,
  options: Pick<
    ResolvedOptions,
    'representativeVariance' | 'uniformLogits' | 'klDivergence'
  >,
): tf.Scalar | undefined {
  const terms: tf.Scalar[] = [];
  const k = mixture.locations.shape[0];
  if (options.representativeVariance > 0) {
    const { variance } = tf.moments(mixture.locations, 0);
    terms.push(tf.mul(-options.representativeVariance, tf.mean(variance)));
  }
  if (options.uniformLogits > 0 && mixture.logits !== undefined) {
    const weights = tf.softmax(mixture.logits);
    const distance = tf.mean(tf.square(tf.sub(weights, 1 / k)));
    terms.push(tf.mul(options.uniformLogits, distance));
  }
  if (options.klDivergence > 0) {
    terms.push(tf.mul(-options.klDivergence, pairwiseKlSum(mixture)));
  }
  return terms.length === 0 ? undefined : (tf.addN(terms) as tf.Scalar);
}

/**
 * Sums KL(N_i ‖ N_j) over ordered pairs i ≠ j of Gaussian components:
 * `½ [‖S_j⁻¹ S_i‖²_F + |S_j⁻¹ (μ_j − μ_i)|² − d + 2 (log|S_j| − log|S_i|)]`.
 */
export function pairwiseKlSum(mixture: MixtureTensors): tf.Scalar {
  const [k, d] = mixture.locations.shape;
  const locations = mixture.locations;
  // Entry [i][j] of each k × k tensor below is for the pair (i, j).
  const differences = tf.sub(
    tf.expandDims(locations, 0),
    tf.expandDims(locations, 1),
  );
  let divergences: tf.Tensor;
  if (mixture.scale === undefined) {
    divergences = tf.mul(0.5, tf.sum(tf.square(differences), 2));
  } else {
    const scales = scaleMatrices(mixture.scale);
    const inverse = invertLowerTriangular(scales);
    const inverseJ = tf.reshape(
      tf.tile(tf.expandDims(inverse, 0), [k, 1, 1, 1]),
      [k * k, d, d],
    );
    const scaleI = tf.reshape(tf.tile(tf.expandDims(scales, 1), [1, k, 1, 1]), [
      k * k,
      d,
      d,
    ]);
    const trace = tf.sum(tf.square(tf.matMul(inverseJ, scaleI)), [1, 2]);
    const whitened = tf.matMul(
      inverseJ,
      tf.reshape(differences, [k * k, d, 1]),
    );
    const distance = tf.sum(tf.square(whitened), [1, 2]);
    const logDeterminants = tf.sum(tf.mul(mixture.scale, tf.eye(d)), [1, 2]);
    const logRatio = tf.sub(
      tf.expandDims(logDeterminants, 0),
      tf.expandDims(logDeterminants, 1),
    );
    const sum = tf.add(
      tf.sub(tf.add(trace, distance), d),
      tf.mul(2, tf.reshape(logRatio, [k * k])),
    );
    divergences = tf.reshape(tf.mul(0.5, sum), [k, k]);
  }
  const offDiagonal = tf.sub(1, tf.eye(k));
  return tf.sum(tf.mul(divergences, offDiagonal));
}
