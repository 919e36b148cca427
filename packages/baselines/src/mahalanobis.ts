import type { MixtureParameters } from './mixture-estimation.js';

/**
 * Writes the squared Mahalanobis distance `(x − μ_c)ᵀ Σ_c⁻¹ (x − μ_c)` of
 * each of the first `rows` rows of `block` to component c into
 * `output[r * stride + c]`.
 *
 * For `full` covariances the distance is `|z|²`, where `L z = x − μ` is
 * solved by forward substitution with the lower Cholesky factor L. Rows go
 * four at a time, because four independent sums ran about twice as fast in
 * Node 20 as one chain of dependent additions.
 */
export function mahalanobisDistances(
  block: Float32Array,
  rows: number,
  parameters: MixtureParameters,
  component: number,
  output: Float64Array,
  stride: number,
): void {
  const d = parameters.nFeatures;
  if (parameters.covarianceType === 'diag') {
    for (let r = 0; r < rows; r++) {
      const distance = diagonalDistance(block, r * d, parameters, component);
      output[r * stride + component] = distance;
    }
    return;
  }
  const z = new Float64Array(4 * d);
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    forwardSubstituteFour(block, r * d, parameters, component, z);
    for (let q = 0; q < 4; q++) {
      output[(r + q) * stride + component] = squaredNorm(z, q * d, d);
    }
  }
  for (; r < rows; r++) {
    forwardSubstitute(block, r * d, parameters, component, z);
    output[r * stride + component] = squaredNorm(z, 0, d);
  }
}

/** Solves `L z = x − μ` for the row at `start`, into `z[0 … d − 1]`. */
function forwardSubstitute(
  block: Float32Array,
  start: number,
  parameters: MixtureParameters,
  component: number,
  z: Float64Array,
): void {
  const d = parameters.nFeatures;
  const mean = component * d;
  const L = parameters.factors;
  for (let j = 0; j < d; j++) {
    const lRow = component * d * d + j * d;
    let value = block[start + j]! - parameters.means[mean + j]!;
    for (let i = 0; i < j; i++) value -= L[lRow + i]! * z[i]!;
    z[j] = value / L[lRow + j]!;
  }
}

/**
 * Solves `L z = x − μ` for the four rows from `start`, row q into
 * `z[q d … q d + d − 1]`.
 */
function forwardSubstituteFour(
  block: Float32Array,
  start: number,
  parameters: MixtureParameters,
  component: number,
  z: Float64Array,
): void {
  const d = parameters.nFeatures;
  const mean = component * d;
  const L = parameters.factors;
  for (let j = 0; j < d; j++) {
    const lRow = component * d * d + j * d;
    const centre = parameters.means[mean + j]!;
    let v0 = block[start + j]! - centre;
    let v1 = block[start + d + j]! - centre;
    let v2 = block[start + 2 * d + j]! - centre;
    let v3 = block[start + 3 * d + j]! - centre;
    for (let i = 0; i < j; i++) {
      const l = L[lRow + i]!;
      v0 -= l * z[i]!;
      v1 -= l * z[d + i]!;
      v2 -= l * z[2 * d + i]!;
      v3 -= l * z[3 * d + i]!;
    }
    const diagonal = L[lRow + j]!;
    z[j] = v0 / diagonal;
    z[d + j] = v1 / diagonal;
    z[2 * d + j] = v2 / diagonal;
    z[3 * d + j] = v3 / diagonal;
  }
}

function diagonalDistance(
  block: Float32Array,
  start: number,
  parameters: MixtureParameters,
  component: number,
): number {
  const d = parameters.nFeatures;
  let total = 0;
  for (let j = 0; j < d; j++) {
    const p = component * d + j;
    const z =
      (block[start + j]! - parameters.means[p]!) / parameters.factors[p]!;
    total += z * z;
  }
  return total;
}

function squaredNorm(values: Float64Array, start: number, d: number): number {
  let total = 0;
  for (let j = start; j < start + d; j++) total += values[j]! ** 2;
  return total;
}
