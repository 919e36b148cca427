import { wasmBackend } from '@fixclust/backend-wasm';
import {
  FixclustError,
  InvalidDataError,
  InvalidParameterError,
  Random,
} from '@fixclust/core';
import { adjustedRandIndex } from '@fixclust/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from './data.js';
import { gaussianMixture } from './gaussian-mixture.js';
import { CollapsedComponentError } from './mixture-collapse.js';
import { catchError, normalMatrix, toCsr } from './test-fixtures.js';

/** Two Gaussian blobs in 3 dimensions, 60 samples each, blob by blob. */
function twoBlobs(seed: number): DataMatrix & { labels: Int32Array } {
  const random = new Random(seed);
  const a = normalMatrix(60, [0, 0, 0], [1, 0.5, 2], random);
  const b = normalMatrix(60, [12, -8, 4], [0.5, 1, 1], random);
  const x = new Float32Array(360);
  x.set(a, 0);
  x.set(b, 180);
  const labels = Int32Array.from({ length: 120 }, (_, i) => (i < 60 ? 0 : 1));
  return { x, nSamples: 120, nFeatures: 3, labels };
}

/** Two blobs plus three copies of one far point. */
function withIdenticalPoints(): DataMatrix {
  const blobs = twoBlobs(3);
  const x = new Float32Array(blobs.x.length + 9);
  x.set(blobs.x);
  x.set([50, 50, 50, 50, 50, 50, 50, 50, 50], blobs.x.length);
  return { x, nSamples: 123, nFeatures: 3 };
}

/** Mean and population covariance (3 × 3, row-major) of 3-column data. */
function sampleMoments(data: DataMatrix) {
  const n = data.nSamples;
  const mean = [0, 0, 0];
  for (let p = 0; p < n * 3; p++) mean[p % 3]! += data.x[p]! / n;
  const covariance = new Array<number>(9).fill(0);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 9; p++) {
      const a = Math.floor(p / 3);
      const b = p % 3;
      covariance[p]! +=
        ((data.x[i * 3 + a]! - mean[a]!) * (data.x[i * 3 + b]! - mean[b]!)) / n;
    }
  }
  return { mean, covariance };
}

function determinant3(m: ArrayLike<number>): number {
  const at = (i: number, j: number) => m[i * 3 + j]!;
  return (
    at(0, 0) * (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1)) -
    at(0, 1) * (at(1, 0) * at(2, 2) - at(1, 2) * at(2, 0)) +
    at(0, 2) * (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0))
  );
}

function allFinite(values: Float64Array): boolean {
  return values.every(Number.isFinite);
}

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('gaussianMixture', () => {
  for (const covarianceType of ['full', 'diag'] as const) {
    it(`recovers two blobs (${covarianceType})`, async () => {
      const data = twoBlobs(1);
      const result = await gaussianMixture(data, {
        nComponents: 2,
        covarianceType,
        seed: 0,
      });
      expect(adjustedRandIndex(data.labels, result.labels)).toBe(1);
      expect(result.converged).toBe(true);
      expect(result.warnings).toEqual([]);
      expect(result.covariances).toHaveLength(
        covarianceType === 'full' ? 18 : 6,
      );
    });
  }

  it('returns probabilities that sum to 1', async () => {
    const data = twoBlobs(2);
    const result = await gaussianMixture(data, { nComponents: 3, seed: 1 });
    const proba = result.predictProba(data);
    expect(proba).toHaveLength(360);
    for (let i = 0; i < 120; i++) {
      const sum = proba[i * 3]! + proba[i * 3 + 1]! + proba[i * 3 + 2]!;
      expect(sum).toBeCloseTo(1, 12);
    }
    expect(Array.from(result.predict(data))).toEqual(Array.from(result.labels));
  });

  it('fits one full component exactly', async () => {
    const data = twoBlobs(4);
    const result = await gaussianMixture(data, { nComponents: 1, seed: 0 });
    const { mean, covariance } = sampleMoments(data);
    for (let j = 0; j < 3; j++) {
      expect(result.means[j]).toBeCloseTo(mean[j]!, 10);
    }
    for (let p = 0; p < 9; p++) {
      const expected = covariance[p]! + (p % 4 === 0 ? 1e-6 : 0);
      expect(result.covariances[p]).toBeCloseTo(expected, 10);
    }
    expect(result.weights[0]).toBeCloseTo(1, 12);

    // Mean log-density of a Gaussian at its maximum-likelihood estimate:
    // −(d log 2π + log|Σ| + d) / 2. regCovar shifts it by about 1e-6.
    const det = determinant3(result.covariances);
    const expected = -(3 * Math.log(2 * Math.PI) + Math.log(det) + 3) / 2;
    expect(result.lowerBound).toBeCloseTo(expected, 5);
  });

  it('stays finite on identical points', async () => {
    const result = await gaussianMixture(withIdenticalPoints(), {
      nComponents: 3,
      seed: 2,
    });
    expect(allFinite(result.means)).toBe(true);
    expect(allFinite(result.covariances)).toBe(true);
    expect(allFinite(result.weights)).toBe(true);
    expect(Number.isFinite(result.lowerBound)).toBe(true);
  });

  it('reports a collapse by index and size', async () => {
    const result = await gaussianMixture(withIdenticalPoints(), {
      nComponents: 3,
      seed: 2,
    });
    const collapsed = result.labels[122]!;
    expect(result.collapsedComponents).toHaveLength(1);
    const [entry] = result.collapsedComponents;
    expect(entry?.component).toBe(collapsed);
    expect(entry?.size).toBeCloseTo(3, 9);
    expect(entry?.reason).toBe('identical-samples');
    const warning = result.warnings.find(
      (w) => w.code === 'collapsed-component',
    );
    expect(warning?.message).toContain(
      `component ${collapsed} (3 samples) collapsed`,
    );
  });

  it('raises a collapse on request', async () => {
    const error = await catchError(() =>
      gaussianMixture(withIdenticalPoints(), {
        nComponents: 3,
        seed: 2,
        onCollapse: 'raise',
      }),
    );
    expect(error).toBeInstanceOf(CollapsedComponentError);
    expect(FixclustError.isInstance(error)).toBe(true);
    expect((error as CollapsedComponentError).size).toBeCloseTo(3, 9);
    expect(error.message).toMatch(/component \d \(3 samples\) collapsed/);
  });

  it('keeps a singular covariance finite without regCovar', async () => {
    const data: DataMatrix = {
      x: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
      nSamples: 6,
      nFeatures: 2,
    };
    const result = await gaussianMixture(data, {
      nComponents: 1,
      regCovar: 0,
      seed: 0,
    });
    expect(allFinite(result.covariances)).toBe(true);
    expect(result.collapsedComponents[0]?.reason).toBe('not-positive-definite');
  });

  it('gives CSR input the dense result', async () => {
    const data = twoBlobs(5);
    const options = {
      nComponents: 2,
      covarianceType: 'diag',
      seed: 3,
    } as const;
    const dense = await gaussianMixture(data, options);
    const sparse = await gaussianMixture(toCsr(data), options);
    expect(Array.from(sparse.labels)).toEqual(Array.from(dense.labels));
    expect(sparse.lowerBound).toBeCloseTo(dense.lowerBound, 10);
  });

  it('repeats the fit for the same seed', async () => {
    const data = twoBlobs(6);
    const options = { nComponents: 4, nInit: 2, seed: 0 } as const;
    const first = await gaussianMixture(data, options);
    const second = await gaussianMixture(data, options);
    expect(second.lowerBound).toBe(first.lowerBound);
    expect(Array.from(second.means)).toEqual(Array.from(first.means));
    expect(first.seed).toBe(0);
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const result = await gaussianMixture(twoBlobs(7), {
      nComponents: 2,
      seed: 1,
    });
    result.predict(twoBlobs(8));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects nComponents outside 1 … n', async () => {
    const data = twoBlobs(1);
    for (const nComponents of [0, 121, 2.5]) {
      const error = await catchError(() =>
        gaussianMixture(data, { nComponents }),
      );
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        'nComponents must be an integer between 1 and the number of ' +
          `samples (120), got ${nComponents}`,
      );
    }
  });

  it('rejects invalid data and options', async () => {
    const data = twoBlobs(1);
    data.x[7] = Infinity;
    const error = await catchError(() =>
      gaussianMixture(data, { nComponents: 2 }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/row 2, column 1/);
    for (const options of [
      { nComponents: 2, covarianceType: 'tied' as 'full' },
      { nComponents: 2, regCovar: -1 },
      { nComponents: 2, onCollapse: 'ignore' as 'warn' },
    ]) {
      const invalid = await catchError(() =>
        gaussianMixture(twoBlobs(1), options),
      );
      expect(invalid).toBeInstanceOf(InvalidParameterError);
    }
  });
});
