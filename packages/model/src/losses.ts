import type { ClusteringLoss } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Default epsilon inside the variable-features term's square root:
 * `sqrt(variance + 1e-8)`. It keeps the gradient finite (at most
 * `1 / (2 * sqrt(1e-8)) = 5000` times the variance gradient) when a batch
 * has no spread, and changes a standard deviation of 0.01 by under 0.01%.
 */
export const DEFAULT_VARIANCE_EPSILON = 1e-8;

/**
 * Fixed representatives as the tensors the losses need, built once per fit.
 */
export interface RepresentativeTensors {
  /** `k × d` matrix, one representative per row. */
  points: tf.Tensor2D;
  /** Its transpose, `d × k`. */
  pointsTransposed: tf.Tensor2D;
  /** Squared norm of each representative, length k. */
  squaredNorms: tf.Tensor1D;
}

/** Creates {@link RepresentativeTensors}; free them with `disposeRepresentatives`. */
export function representativeTensors(
  points: number[][],
): RepresentativeTensors {
  const [matrix, transposed, norms] = tf.tidy(() => {
    const matrix = tf.tensor2d(points);
    return [matrix, tf.transpose(matrix), tf.sum(tf.square(matrix), 1)];
  });
  return {
    points: matrix as tf.Tensor2D,
    pointsTransposed: transposed as tf.Tensor2D,
    squaredNorms: norms as tf.Tensor1D,
  };
}

/** Disposes tensors made by {@link representativeTensors}. */
export function disposeRepresentatives(tensors: RepresentativeTensors): void {
  tf.dispose([tensors.points, tensors.pointsTransposed, tensors.squaredNorms]);
}

/**
 * Squared Euclidean distances from each mapped sample to each
 * representative, `n × k`, as `|y|² - 2 y·r + |r|²`.
 */
export function squaredDistances(
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Tensor2D {
  const yNorms = tf.sum(tf.square(y), 1, true);
  const cross = tf.matMul(y, representatives.pointsTransposed);
  return tf.add(tf.sub(yNorms, tf.mul(2, cross)), representatives.squaredNorms);
}

/**
 * Computes the k-means clustering loss: the squared Euclidean distance from each
 * mapped sample to its nearest representative, averaged over the batch.
 */
export function kmLoss(
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Scalar {
  return tf.mean(tf.min(squaredDistances(y, representatives), 1));
}

/**
 * Computes the variable-features term: `-lambda` times the mean, over the mapped
 * features, of each feature's population standard deviation over the batch.
 *
 * The variance is computed in two passes, `mean((y - mean(y))²)`, so it is
 * never negative, and the standard deviation as `sqrt(variance + epsilon)`.
 * With a `target` (one value per mapped feature) the term becomes a hinge,
 * `-lambda · mean_j min(std_j, target_j)`: spread beyond the target earns
 * nothing, so the clustering loss alone decides how far samples move past
 * it.
 */
export function variableFeaturesTerm(
  y: tf.Tensor2D,
  lambda: number,
  epsilon: number = DEFAULT_VARIANCE_EPSILON,
  target?: readonly number[],
): tf.Scalar {
  const centred = tf.sub(y, tf.mean(y, 0));
  const variance = tf.mean(tf.square(centred), 0);
  let deviation = tf.sqrt(tf.add(variance, epsilon));
  if (target !== undefined) {
    deviation = tf.minimum(deviation, tf.tensor1d(target as number[]));
  }
  return tf.mul(-lambda, tf.mean(deviation));
}

/**
 * Returns the population standard deviation of each coordinate over the
 * k representatives: the spread of each mapped feature when every sample
 * sits on a representative and the clusters are equally large. For the
 * `vertex` layout with k = 10 this is 0.6 in every coordinate.
 */
export function representativeDeviations(points: number[][]): number[] {
  const k = points.length;
  return points[0]!.map((_, j) => {
    const mean = points.reduce((sum, row) => sum + row[j]!, 0) / k;
    const squares = points.reduce((sum, row) => sum + (row[j]! - mean) ** 2, 0);
    return Math.sqrt(squares / k);
  });
}

/**
 * Returns the per-feature caps of the variable-features term that the
 * `deviationTarget` option describes, or undefined for no cap.
 */
export function deviationCaps(
  target: number | 'representatives' | null,
  points: number[][],
): number[] | undefined {
  if (target === null) return undefined;
  if (target === 'representatives') return representativeDeviations(points);
  return points[0]!.map(() => target);
}

/**
 * Negative log-likelihood, averaged over the batch, of a uniform mixture of
 * unit-covariance Gaussians centred at the representatives:
 * `log k + (d / 2) log(2π) - logsumexp_i(-|y - r_i|² / 2)`.
 */
export function gmmLoss(
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Scalar {
  const [k, d] = representatives.points.shape;
  const constant = mixtureLossConstant('gmm', k, d);
  const logDensities = unnormalisedLogDensities('gmm', y, representatives);
  return tf.sub(constant, tf.mean(tf.logSumExp(logDensities, 1)));
}

/**
 * Negative log-likelihood, averaged over the batch, of a uniform mixture of
 * multivariate Cauchy components (Student-t with 1 degree of freedom,
 * identity scale) centred at the representatives. In d dimensions a
 * component's density is `Γ((1 + d) / 2) / (Γ(1/2) π^(d/2)) · (1 + |y -
 * r|²)^(-(1 + d) / 2)`.
 */
export function cmmLoss(
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Scalar {
  const [k, d] = representatives.points.shape;
  const logDensities = unnormalisedLogDensities('cmm', y, representatives);
  const logMixture = tf.logSumExp(logDensities, 1);
  return tf.sub(mixtureLossConstant('cmm', k, d), tf.mean(logMixture));
}

/**
 * Log-density of each mapped sample under each mixture component, `n × k`,
 * up to a constant shared by all components: `-|y - r|² / 2` for `gmm` and
 * `-(1 + d) / 2 · ln(1 + |y - r|²)` for `cmm`.
 */
export function unnormalisedLogDensities(
  loss: 'gmm' | 'cmm',
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Tensor2D {
  const distances = squaredDistances(y, representatives);
  if (loss === 'gmm') return tf.mul(-0.5, distances);
  const d = representatives.points.shape[1];
  return tf.mul(-(1 + d) / 2, tf.log1p(tf.relu(distances)));
}

/**
 * Posterior probability of each mixture component for each mapped sample,
 * `n × k`: the softmax of the log-densities, since the components share one
 * weight.
 */
export function posteriors(
  loss: 'gmm' | 'cmm',
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Tensor2D {
  return tf.softmax(unnormalisedLogDensities(loss, y, representatives));
}

/**
 * Returns the constant of a mixture loss's negative log-likelihood for k
 * components in d dimensions: `log k + (d / 2) log 2π` for `gmm`, `log k`
 * minus the Cauchy normaliser for `cmm`, and 0 for `km`, which has none.
 */
export function mixtureLossConstant(
  loss: ClusteringLoss,
  k: number,
  d: number,
): number {
  if (loss === 'km') return 0;
  if (loss === 'gmm') return Math.log(k) + (d / 2) * Math.log(2 * Math.PI);
  const logNormaliser =
    logGammaOfHalfInteger(1 + d) -
    logGammaOfHalfInteger(1) -
    (d / 2) * Math.log(Math.PI);
  return Math.log(k) - logNormaliser;
}

/** Returns `ln Γ(m / 2)` for a positive integer m, exactly summed. */
export function logGammaOfHalfInteger(m: number): number {
  // Γ(1) = 1 and Γ(1/2) = √π; Γ(x + 1) = x Γ(x) steps up from there.
  let x = m % 2 === 0 ? 1 : 0.5;
  let result = m % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI);
  while (x < m / 2) {
    result += Math.log(x);
    x += 1;
  }
  return result;
}

/** Builds the clustering loss of a batch of mapped samples. */
export function clusteringLoss(
  loss: ClusteringLoss,
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Scalar {
  switch (loss) {
    case 'km':
      return kmLoss(y, representatives);
    case 'gmm':
      return gmmLoss(y, representatives);
    case 'cmm':
      return cmmLoss(y, representatives);
  }
}

/**
 * Assigns each mapped sample to a cluster: its nearest representative. For
 * the mixture losses this is also the most probable component, because the
 * components share one weight and one isotropic scale.
 */
export function assignClusters(
  y: tf.Tensor2D,
  representatives: RepresentativeTensors,
): tf.Tensor1D {
  return tf.argMin(squaredDistances(y, representatives), 1);
}
