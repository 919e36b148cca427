import type { RowSource } from './data.js';
import { mahalanobisDistances } from './mahalanobis.js';
import { scatter } from './mixture-scatter.js';
import {
  addRegularisation,
  factorise,
  findCollapses,
} from './mixture-covariance.js';
import type { CollapsedComponent } from './mixture-collapse.js';

/** Shape of each component's covariance matrix. */
export type CovarianceType = 'full' | 'diag';

/** Covariance shapes `gaussianMixture` supports. */
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'diag'];

/** Parameters of a fitted Gaussian mixture, float64, row-major. */
export interface MixtureParameters {
  covarianceType: CovarianceType;
  nComponents: number;
  nFeatures: number;
  /** Mixing weight of each component; they sum to 1. */
  weights: Float64Array;
  /** `nComponents × nFeatures` means. */
  means: Float64Array;
  /**
   * `full`: `nComponents × nFeatures × nFeatures` covariance matrices;
   * `diag`: `nComponents × nFeatures` variances. `regCovar` is included.
   */
  covariances: Float64Array;
  /**
   * `full`: lower Cholesky factor L of each covariance (Σ = L Lᵀ), same
   * layout as `covariances`; `diag`: the standard deviations.
   */
  factors: Float64Array;
  /** log |Σ| / 2 of each component. */
  halfLogDets: Float64Array;
}

/** Settings of one M-step. */
export interface MaximisationSettings {
  covarianceType: CovarianceType;
  regCovar: number;
  /** Mean feature variance of the data, the scale of "zero" variances. */
  dataVariance: number;
}

/** Outcome of one M-step. */
export interface MaximisationOutcome {
  parameters: MixtureParameters;
  /** Components that collapsed, without their iteration. */
  collapsed: Omit<CollapsedComponent, 'iteration'>[];
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Smallest value added to each component's size, as scikit-learn does, so
 * that a component with no responsibility divides by a positive number.
 */
const SIZE_FLOOR = 10 * Number.EPSILON;

/**
 * Runs the E-step: the responsibilities `p(component | x)` of every row
 * (`n × k`, row-major) and the mean over rows of `log p(x)`, the quantity
 * EM increases. Sums over components use log-sum-exp.
 */
export function expectation(
  source: RowSource,
  parameters: MixtureParameters,
): { responsibilities: Float64Array; meanLogLikelihood: number } {
  const k = parameters.nComponents;
  const responsibilities = new Float64Array(source.nSamples * k);
  let total = 0;
  source.forEachChunk((block, start, end) => {
    const logp = responsibilities.subarray(start * k, end * k);
    for (let c = 0; c < k; c++) {
      mahalanobisDistances(block, end - start, parameters, c, logp, k);
    }
    for (let r = 0; r < end - start; r++) {
      const row = logp.subarray(r * k, (r + 1) * k);
      toWeightedLogDensities(row, parameters);
      total += normaliseLogs(row);
    }
  });
  return { responsibilities, meanLogLikelihood: total / source.nSamples };
}

/**
 * Replaces each component's squared Mahalanobis distance in `values` by
 * `log w_c + log N(x | μ_c, Σ_c)`.
 */
function toWeightedLogDensities(
  values: Float64Array,
  parameters: MixtureParameters,
): void {
  const constant = parameters.nFeatures * LOG_2PI;
  for (let c = 0; c < values.length; c++) {
    values[c] =
      Math.log(parameters.weights[c]!) -
      0.5 * (constant + values[c]!) -
      parameters.halfLogDets[c]!;
  }
}

/**
 * Replaces log-weights by probabilities that sum to 1 and returns the log of
 * their original sum (log-sum-exp).
 */
function normaliseLogs(values: Float64Array): number {
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  const logSum = max + Math.log(sum);
  for (let c = 0; c < values.length; c++) {
    values[c] = Math.exp(values[c]! - logSum);
  }
  return logSum;
}

/**
 * Runs the M-step as scikit-learn does: sizes `n_c = Σ r_ic + 10 ε`,
 * weights `n_c / n`, means `Σ r_ic x_i / n_c` and covariances
 * `Σ r_ic (x_i − μ_c)(x_i − μ_c)ᵀ / n_c + regCovar · I` (diagonal only for
 * `diag`), then factorises each covariance.
 *
 * A component collapses when its samples coincide (covariance zero apart
 * from `regCovar`), when its responsibilities sum to less than 1, or when
 * its covariance is not positive definite. In the last case, growing
 * multiples of a small jitter are added to the diagonal until the
 * factorisation succeeds, so the parameters stay finite.
 */
export function maximisation(
  source: RowSource,
  responsibilities: Float64Array,
  nComponents: number,
  settings: MaximisationSettings,
): MaximisationOutcome {
  const d = source.nFeatures;
  const { sizes, means } = firstMoments(source, responsibilities, nComponents);
  const spread = scatter(source, responsibilities, means, settings);
  const covariances = new Float64Array(spread.length);
  const perComponent = spread.length / nComponents;
  for (let p = 0; p < spread.length; p++) {
    const c = Math.floor(p / perComponent);
    covariances[p] = spread[p]! / (sizes[c]! + SIZE_FLOOR);
  }

  const collapsed = findCollapses(covariances, sizes, d, settings);
  addRegularisation(covariances, nComponents, d, settings);
  const factorised = factorise(covariances, nComponents, d, settings);
  for (const c of factorised.jittered) {
    if (collapsed.some((entry) => entry.component === c)) continue;
    const size = sizes[c]!;
    collapsed.push({ component: c, size, reason: 'not-positive-definite' });
  }

  const weights = sizes.map((size) => (size + SIZE_FLOOR) / source.nSamples);
  return {
    parameters: {
      covarianceType: settings.covarianceType,
      nComponents,
      nFeatures: d,
      weights: normalise(weights),
      means,
      covariances: factorised.covariances,
      factors: factorised.factors,
      halfLogDets: factorised.halfLogDets,
    },
    collapsed: collapsed.sort((a, b) => a.component - b.component),
  };
}

/** Sizes `Σ_i r_ic` and means `Σ_i r_ic x_i / (size + 10 ε)`. */
function firstMoments(
  source: RowSource,
  responsibilities: Float64Array,
  k: number,
): { sizes: Float64Array; means: Float64Array } {
  const d = source.nFeatures;
  const sizes = new Float64Array(k);
  const means = new Float64Array(k * d);
  source.forEachChunk((block, start, end) => {
    for (let i = start; i < end; i++) {
      for (let c = 0; c < k; c++) {
        const r = responsibilities[i * k + c]!;
        if (r === 0) continue;
        sizes[c]! += r;
        const offset = (i - start) * d;
        for (let j = 0; j < d; j++) means[c * d + j]! += r * block[offset + j]!;
      }
    }
  });
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) means[c * d + j]! /= sizes[c]! + SIZE_FLOOR;
  }
  return { sizes, means };
}

function normalise(values: Float64Array): Float64Array {
  let total = 0;
  for (const value of values) total += value;
  return values.map((value) => value / total);
}
