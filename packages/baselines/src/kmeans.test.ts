import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { adjustedRandIndex } from '@fixclust/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { beforeAll, describe, expect, it } from 'vitest';

import { rowSource, type DataMatrix } from './data.js';
import { kmeans } from './kmeans.js';
import { runLloyd } from './lloyd.js';
import { blobs, catchError, toCsr } from './test-fixtures.js';

const THREE_BLOBS = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 5],
];

function matrix(rows: readonly (readonly number[])[]): DataMatrix {
  return {
    x: Float32Array.from(rows.flat()),
    nSamples: rows.length,
    nFeatures: rows[0]!.length,
  };
}

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('kmeans', () => {
  it('finds three separated blobs', async () => {
    const data = blobs(THREE_BLOBS, 40, 1);
    const result = await kmeans(data, { nClusters: 3, seed: 5 });
    expect(adjustedRandIndex(data.labels, result.labels)).toBe(1);
    expect(result.warnings).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.backend).toBe('wasm');
  });

  it('places centres at the blob means', async () => {
    const data = blobs(THREE_BLOBS, 40, 2);
    const result = await kmeans(data, { nClusters: 3, seed: 1 });
    for (let c = 0; c < 3; c++) {
      const members = [...result.labels.keys()].filter(
        (i) => result.labels[i] === c,
      );
      for (let j = 0; j < 3; j++) {
        const mean =
          members.reduce((sum, i) => sum + data.x[i * 3 + j]!, 0) /
          members.length;
        expect(result.centres[c * 3 + j]).toBeCloseTo(mean, 5);
      }
    }
  });

  it('warns about fewer distinct points than clusters', async () => {
    const data = matrix([
      [1, 2],
      [1, 2],
      [1, 2],
      [4, 6],
      [4, 6],
    ]);
    const result = await kmeans(data, { nClusters: 3, seed: 0 });
    const codes = result.warnings.map((w) => w.code);
    expect(codes).toContain('few-distinct-points');
    const warning = result.warnings.find(
      (w) => w.code === 'few-distinct-points',
    );
    expect(warning?.message).toMatch(/only 2 distinct points/);
    expect(result.centres.every(Number.isFinite)).toBe(true);
    expect(result.inertia).toBe(0);
  });

  it('repeats the fit for the same seed', async () => {
    const data = blobs(THREE_BLOBS, 30, 3, 12);
    const first = await kmeans(data, { nClusters: 4, nInit: 3, seed: 0 });
    const second = await kmeans(data, { nClusters: 4, nInit: 3, seed: 0 });
    expect(first.seed).toBe(0);
    expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
    expect(Array.from(second.centres)).toEqual(Array.from(first.centres));
    expect(second.inertias).toEqual(first.inertias);
  });

  it('draws different restarts from one seed', async () => {
    const data = blobs(THREE_BLOBS, 30, 3, 12);
    const result = await kmeans(data, { nClusters: 6, nInit: 4, seed: 9 });
    expect(new Set(result.inertias).size).toBeGreaterThan(1);
    expect(result.inertia).toBe(Math.min(...result.inertias));
    expect(result.inertias[result.bestInit]).toBe(result.inertia);
  });

  it('computes the inertia of nearby points exactly', async () => {
    const data = matrix([[-1.0001], [-0.9999], [0.9999], [1.0001]]);
    const result = await kmeans(data, { nClusters: 2, seed: 1 });
    const x = Array.from(data.x);
    const low = (x[0]! + x[1]!) / 2;
    const high = (x[2]! + x[3]!) / 2;
    const expected =
      (x[0]! - low) ** 2 +
      (x[1]! - low) ** 2 +
      (x[2]! - high) ** 2 +
      (x[3]! - high) ** 2;
    expect(expected).toBeCloseTo(4e-8, 10);
    expect(Math.abs(result.inertia - expected)).toBeLessThan(expected * 1e-6);
  });

  it('predicts the nearest centre for new rows', async () => {
    const data = blobs(THREE_BLOBS, 20, 4);
    const result = await kmeans(data, { nClusters: 3, seed: 2 });
    expect(Array.from(result.predict(data))).toEqual(Array.from(result.labels));
    const far = result.predict(matrix([[10.2, 0.1, -0.3]]));
    expect(far[0]).toBe(result.labels[20]);
  });

  it('gives CSR input the dense result', async () => {
    const data = blobs(THREE_BLOBS, 20, 5);
    const dense = await kmeans(data, { nClusters: 3, nInit: 2, seed: 7 });
    const sparse = await kmeans(toCsr(data), {
      nClusters: 3,
      nInit: 2,
      seed: 7,
    });
    expect(Array.from(sparse.labels)).toEqual(Array.from(dense.labels));
    expect(sparse.inertia).toBeCloseTo(dense.inertia, 6);
  });

  it('leaks no tensors', async () => {
    const data = blobs(THREE_BLOBS, 20, 6);
    const before = tf.memory().numTensors;
    const result = await kmeans(data, { nClusters: 3, nInit: 2, seed: 1 });
    result.predict(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects nClusters outside 1 … n', async () => {
    const data = matrix([[0], [1], [2]]);
    for (const nClusters of [0, 4, 1.5]) {
      const error = await catchError(() => kmeans(data, { nClusters }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        'nClusters must be an integer between 1 and the number of ' +
          `samples (3), got ${nClusters}`,
      );
    }
  });

  it('rejects non-finite data before tensor work', async () => {
    const data = matrix([
      [0, 1],
      [2, NaN],
    ]);
    const before = tf.memory().numTensors;
    const error = await catchError(() => kmeans(data, { nClusters: 1 }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/row 1, column 1/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects invalid options', async () => {
    const data = matrix([[0], [1]]);
    for (const options of [
      { nClusters: 1, nInit: 0 },
      { nClusters: 1, maxIterations: 0 },
      { nClusters: 1, tolerance: -1 },
      { nClusters: 1, seed: -1 },
    ]) {
      const error = await catchError(() => kmeans(data, options));
      expect(error).toBeInstanceOf(InvalidParameterError);
    }
  });

  it('rejects predict rows of another width', async () => {
    const result = await kmeans(matrix([[0], [1]]), { nClusters: 1 });
    const error = await catchError(() => result.predict(matrix([[0, 1]])));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toMatch(/2 features, but .* fitted on 1/);
  });
});

describe('runLloyd', () => {
  it('moves an empty cluster to the farthest sample', () => {
    const data = matrix([[0], [2], [10], [11]]);
    const source = rowSource(data);
    const prepared = {
      source,
      mean: new Float64Array([0]),
      rowNorms: Float64Array.from(data.x, (v) => v * v),
    };
    const outcome = runLloyd(prepared, Float64Array.from([1, 100, 10.5]), {
      nClusters: 3,
      maxIterations: 10,
      tolerance: 0,
    });
    expect(outcome.relocations).toEqual([{ iteration: 0, cluster: 1, row: 0 }]);
    expect(Array.from(outcome.centres)).toEqual([2, 0, 10.5]);
    expect(Array.from(outcome.labels)).toEqual([1, 0, 2, 2]);
  });

  it('matches ml-kmeans from the same centres', () => {
    const data = blobs(THREE_BLOBS, 50, 12, 14);
    const rows = Array.from({ length: data.nSamples }, (_, i) =>
      Array.from(data.x.subarray(i * 3, (i + 1) * 3)),
    );
    const start = [rows[0]!, rows[1]!, rows[2]!];
    const prepared = {
      source: rowSource(data),
      mean: new Float64Array(3),
      rowNorms: Float64Array.from(rows, (r) =>
        r.reduce((sum, v) => sum + v * v, 0),
      ),
    };
    const ours = runLloyd(prepared, Float64Array.from(start.flat()), {
      nClusters: 3,
      maxIterations: 300,
      tolerance: 0,
    });
    const reference = mlKmeans(rows, 3, {
      initialization: start,
      maxIterations: 300,
      tolerance: 0,
    });
    expect(ours.nIterations).toBeGreaterThan(2);
    expect(Array.from(ours.labels)).toEqual(reference.clusters);
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < 3; j++) {
        expect(ours.centres[c * 3 + j]).toBeCloseTo(
          reference.centroids[c]![j]!,
          10,
        );
      }
    }
  });
});
