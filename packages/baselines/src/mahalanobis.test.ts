import { Random } from '@fixclust/core';
import { CholeskyDecomposition, inverse, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { mahalanobisDistances } from './mahalanobis.js';
import type { MixtureParameters } from './mixture-estimation.js';

const D = 5;
const ROWS = 7;

/** Creates one full-covariance component with Σ = A Aᵀ + I, A random. */
function fullComponent(random: Random) {
  const a = Matrix.from1DArray(
    D,
    D,
    Array.from({ length: D * D }, () => random.float() - 0.5),
  );
  const covariance = a.mmul(a.transpose()).add(Matrix.eye(D));
  const lower = new CholeskyDecomposition(covariance).lowerTriangularMatrix;
  const mean = Array.from({ length: D }, () => random.float());
  const parameters: MixtureParameters = {
    covarianceType: 'full',
    nComponents: 1,
    nFeatures: D,
    weights: Float64Array.of(1),
    means: Float64Array.from(mean),
    covariances: Float64Array.from(covariance.to1DArray()),
    factors: Float64Array.from(lower.to1DArray()),
    halfLogDets: Float64Array.of(0),
  };
  return { parameters, covariance, mean };
}

describe('mahalanobisDistances', () => {
  it('matches the inverse covariance (full)', () => {
    const random = new Random(3);
    const { parameters, covariance, mean } = fullComponent(random);
    const block = Float32Array.from({ length: ROWS * D }, () => random.float());
    const output = new Float64Array(ROWS);
    mahalanobisDistances(block, ROWS, parameters, 0, output, 1);

    const precision = inverse(covariance);
    for (let r = 0; r < ROWS; r++) {
      const diff = Matrix.rowVector(
        Array.from({ length: D }, (_, j) => block[r * D + j]! - mean[j]!),
      );
      const expected = diff.mmul(precision).mmul(diff.transpose()).get(0, 0);
      expect(output[r]).toBeCloseTo(expected, 10);
    }
  });

  it('divides by the variances (diag)', () => {
    const parameters: MixtureParameters = {
      covarianceType: 'diag',
      nComponents: 2,
      nFeatures: 2,
      weights: Float64Array.of(0.5, 0.5),
      means: Float64Array.of(0, 0, 1, 2),
      covariances: Float64Array.of(1, 1, 4, 0.25),
      factors: Float64Array.of(1, 1, 2, 0.5),
      halfLogDets: Float64Array.of(0, 0),
    };
    const output = new Float64Array(2);
    mahalanobisDistances(Float32Array.of(3, 4), 1, parameters, 1, output, 2);
    // ((3 − 1) / 2)² + ((4 − 2) / 0.5)² = 1 + 16.
    expect(output[1]).toBeCloseTo(17, 12);
    expect(output[0]).toBe(0);
  });
});
