import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidParameterError, Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from './data.js';
import { pca } from './pca.js';
import { catchError, normalMatrix, toCsr } from './test-fixtures.js';

const N = 40;
const D = 5;

/** Correlated data: independent normals with distinct scales, mixed. */
function smallData(seed: number): DataMatrix {
  const random = new Random(seed);
  const z = normalMatrix(N, [3, -2, 0, 1, 5], [4, 2.5, 1.5, 0.8, 0.3], random);
  const mix = [
    [1, 0.2, 0, 0, 0.1],
    [0, 1, 0.3, 0, 0],
    [0.1, 0, 1, 0.2, 0],
    [0, 0, 0, 1, 0.4],
    [0.2, 0, 0, 0, 1],
  ];
  const x = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      let value = 0;
      for (let m = 0; m < D; m++) value += z[i * D + m]! * mix[m]![j]!;
      x[i * D + j] = value;
    }
  }
  return { x, nSamples: N, nFeatures: D };
}

/**
 * PCA of the same float32 values through an SVD of the centred matrix, in
 * float64. `pca` forms the scatter matrix in float32 on the backend, so
 * variances are compared to 1e-6 relative and unit vectors to 1e-6.
 */
function svdReference(data: DataMatrix) {
  const rows = Array.from({ length: N }, (_, i) =>
    Array.from(data.x.subarray(i * D, (i + 1) * D)),
  );
  const mean = Array.from(
    { length: D },
    (_, j) => rows.reduce((sum, row) => sum + row[j]!, 0) / N,
  );
  const centred = new Matrix(
    rows.map((row) => row.map((v, j) => v - mean[j]!)),
  );
  const svd = new SingularValueDecomposition(centred);
  const variances = svd.diagonal.map((s) => (s * s) / (N - 1));
  const total = variances.reduce((a, b) => a + b, 0);
  const axes = Array.from({ length: D }, (_, c) =>
    svd.rightSingularVectors.getColumn(c),
  );
  return { mean, variances, ratios: variances.map((v) => v / total), axes };
}

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('pca', () => {
  it('matches an SVD of the centred data', async () => {
    const data = smallData(1);
    const reference = svdReference(data);
    const result = await pca(data, { nComponents: 3 });
    for (let c = 0; c < 3; c++) {
      const variance = result.explainedVariance[c]!;
      expect(Math.abs(variance / reference.variances[c]! - 1)).toBeLessThan(
        1e-6,
      );
      expect(result.explainedVarianceRatio[c]).toBeCloseTo(
        reference.ratios[c]!,
        6,
      );
      const axis = reference.axes[c]!;
      const sign = Math.sign(
        axis.reduce((sum, v, j) => sum + v * result.components[c * D + j]!, 0),
      );
      for (let j = 0; j < D; j++) {
        expect(result.components[c * D + j]).toBeCloseTo(sign * axis[j]!, 6);
      }
    }
    for (let j = 0; j < D; j++) {
      expect(result.mean[j]).toBeCloseTo(reference.mean[j]!, 10);
    }
  });

  it('makes the largest coefficient positive', async () => {
    const result = await pca(smallData(2), { nComponents: D });
    for (let c = 0; c < D; c++) {
      const row = Array.from(result.components.subarray(c * D, (c + 1) * D));
      const largest = row.reduce((best, v) =>
        Math.abs(v) > Math.abs(best) ? v : best,
      );
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('reconstructs the data from all components', async () => {
    const data = smallData(3);
    const result = await pca(data, { nComponents: D });
    const scores = result.transform(data);
    expect(scores.nFeatures).toBe(D);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < D; j++) {
        let value = result.mean[j]!;
        for (let c = 0; c < D; c++) {
          value += scores.x[i * D + c]! * result.components[c * D + j]!;
        }
        expect(value).toBeCloseTo(data.x[i * D + j]!, 4);
      }
    }
    const ratioSum = result.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    expect(ratioSum).toBeCloseTo(1, 12);
  });

  it('gives CSR input the dense result', async () => {
    const data = smallData(4);
    data.x.fill(0, 0, 20);
    const dense = await pca(data, { nComponents: 2 });
    const sparse = await pca(toCsr(data), { nComponents: 2 });
    expect(Array.from(sparse.components)).toEqual(Array.from(dense.components));
  });

  it('warns about components without variance', async () => {
    const data: DataMatrix = {
      x: Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]),
      nSamples: 4,
      nFeatures: 3,
    };
    const result = await pca(data, { nComponents: 2 });
    expect(result.explainedVarianceRatio[0]).toBeCloseTo(1, 6);
    expect(result.warnings.map((w) => w.code)).toEqual([
      'zero-variance-components',
    ]);
  });

  it('leaks no tensors', async () => {
    const data = smallData(5);
    const before = tf.memory().numTensors;
    const result = await pca(data, { nComponents: 2 });
    result.transform(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects nComponents outside 1 … min(n, d)', async () => {
    const data = smallData(1);
    for (const nComponents of [0, 6, 1.5]) {
      const error = await catchError(() => pca(data, { nComponents }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        'nComponents must be an integer between 1 and ' +
          `min(nSamples, nFeatures) (5), got ${nComponents}`,
      );
    }
  });
});
