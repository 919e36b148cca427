import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import type { CollapsedComponent, CollapseReason } from './mixture-collapse.js';
import type { MaximisationSettings } from './mixture-estimation.js';

/**
 * A component's spread counts as zero when the trace of its covariance,
 * before `regCovar`, is at most this fraction of the data's total variance.
 */
const IDENTICAL_SAMPLES_TOLERANCE = 1e-12;

/** Times a failed Cholesky factorisation is retried with more jitter. */
const MAX_JITTER_STEPS = 12;

/**
 * Lists the components whose covariance (before `regCovar`) counts as
 * collapsed, with their size and reason.
 */
export function findCollapses(
  covariances: Float64Array,
  sizes: Float64Array,
  d: number,
  settings: MaximisationSettings,
): Omit<CollapsedComponent, 'iteration'>[] {
  const collapsed: Omit<CollapsedComponent, 'iteration'>[] = [];
  sizes.forEach((size, component) => {
    const reason = collapseReason(covariances, component, d, size, settings);
    if (reason !== undefined) collapsed.push({ component, size, reason });
  });
  return collapsed;
}

function collapseReason(
  covariances: Float64Array,
  component: number,
  d: number,
  size: number,
  settings: MaximisationSettings,
): CollapseReason | undefined {
  if (size < 1) return 'fewer-than-one-sample';
  const full = settings.covarianceType === 'full';
  let trace = 0;
  for (let j = 0; j < d; j++) {
    trace += full
      ? covariances[component * d * d + j * d + j]!
      : covariances[component * d + j]!;
  }
  const threshold = IDENTICAL_SAMPLES_TOLERANCE * settings.dataVariance * d;
  return trace <= threshold ? 'identical-samples' : undefined;
}

/** Adds `regCovar` to every covariance's diagonal. */
export function addRegularisation(
  covariances: Float64Array,
  k: number,
  d: number,
  settings: MaximisationSettings,
): void {
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const p =
        settings.covarianceType === 'full' ? c * d * d + j * d + j : c * d + j;
      covariances[p]! += settings.regCovar;
    }
  }
}

/** Factorised covariances, with the components that needed jitter. */
export interface Factorisation {
  covariances: Float64Array;
  factors: Float64Array;
  halfLogDets: Float64Array;
  jittered: number[];
}

/**
 * Factorises every component's covariance: Cholesky factors for `full`,
 * standard deviations for `diag`. A covariance that is not positive
 * definite gets jitter added to its diagonal first, and its component is
 * listed in `jittered`.
 */
export function factorise(
  covariances: Float64Array,
  k: number,
  d: number,
  settings: MaximisationSettings,
): Factorisation {
  const factors = new Float64Array(covariances.length);
  const halfLogDets = new Float64Array(k);
  const jittered: number[] = [];
  const baseJitter = Math.max(
    settings.regCovar,
    1e-10 * settings.dataVariance,
    1e-10,
  );
  for (let c = 0; c < k; c++) {
    const ok =
      settings.covarianceType === 'full'
        ? factoriseFull(covariances, factors, halfLogDets, c, d, baseJitter)
        : factoriseDiag(covariances, factors, halfLogDets, c, d, baseJitter);
    if (!ok) jittered.push(c);
  }
  return { covariances, factors, halfLogDets, jittered };
}

/**
 * Writes the lower Cholesky factor of component c's covariance, adding
 * `jitter · 10^t` to the diagonal (t = 0, 1, …) while the factorisation
 * fails.
 *
 * @returns whether it succeeded without jitter.
 */
function factoriseFull(
  covariances: Float64Array,
  factors: Float64Array,
  halfLogDets: Float64Array,
  c: number,
  d: number,
  jitter: number,
): boolean {
  const start = c * d * d;
  for (let step = 0; step <= MAX_JITTER_STEPS; step++) {
    const decomposition = new CholeskyDecomposition(
      new Matrix(rowsOf(covariances.subarray(start, start + d * d), d)),
    );
    if (decomposition.isPositiveDefinite()) {
      const lower = decomposition.lowerTriangularMatrix;
      let half = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++)
          factors[start + i * d + j] = lower.get(i, j);
        half += Math.log(lower.get(i, i));
      }
      halfLogDets[c] = half;
      return step === 0;
    }
    const added = step === 0 ? jitter : jitter * 9 * 10 ** (step - 1);
    for (let j = 0; j < d; j++) covariances[start + j * d + j]! += added;
  }
  throw new Error(
    `covariance of component ${c} is not positive definite even with ` +
      `${jitter * 10 ** MAX_JITTER_STEPS} added to its diagonal`,
  );
}

function factoriseDiag(
  covariances: Float64Array,
  factors: Float64Array,
  halfLogDets: Float64Array,
  c: number,
  d: number,
  jitter: number,
): boolean {
  let ok = true;
  let half = 0;
  for (let j = 0; j < d; j++) {
    const p = c * d + j;
    if (!(covariances[p]! > 0)) {
      covariances[p] = jitter;
      ok = false;
    }
    factors[p] = Math.sqrt(covariances[p]!);
    half += Math.log(factors[p]!);
  }
  halfLogDets[c] = half;
  return ok;
}

function rowsOf(values: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, i) =>
    Array.from(values.subarray(i * d, (i + 1) * d)),
  );
}
