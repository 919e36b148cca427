import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidParameterError, Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// tfjs's gradient functions, which this file's tf.grad calls need.
import './gradients.js';
import { variableFeaturesTerm } from './losses.js';
import { FixedRepresentativeClustering } from './model.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

function matrix(rows: number[][]) {
  return {
    x: Float32Array.from(rows.flat()),
    nSamples: rows.length,
    nFeatures: rows[0]!.length,
  };
}

/** Standard normal rows from a seeded generator (Box–Muller). */
function normalRows(seed: number, n: number, d: number): number[][] {
  const random = new Random(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => {
      const u = 1 - random.float();
      return (
        Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.float())
      );
    }),
  );
}

const quick = { nRuns: 1, epochs: 3, seed: 1 };

describe('input checks', () => {
  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('names %s at row 2, column 1', async (value, name) => {
    const rows = normalRows(1, 6, 2);
    rows[2]![1] = value;
    let epochs = 0;
    const model = new FixedRepresentativeClustering({ nClusters: 2, ...quick });
    await expect(
      model.fit(matrix(rows), { onEpochEnd: () => (epochs += 1) }),
    ).rejects.toThrow(`data contains ${name} at row 2, column 1`);
    expect(epochs).toBe(0);
  });

  it('rejects k = 5 for 3 samples before any tensor work', async () => {
    const before = tf.memory().numTensors;
    const model = new FixedRepresentativeClustering({ nClusters: 5, ...quick });
    await expect(model.fit(matrix(normalRows(1, 3, 2)))).rejects.toThrow(
      'nClusters must be an integer between 1 and the number of samples (3), got 5',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('numerics', () => {
  it('stays finite with constant columns', async () => {
    const rows = normalRows(2, 100, 5).map((row) => {
      row[2] = 0;
      row[4] = 7;
      return row;
    });
    const result = await new FixedRepresentativeClustering({
      nClusters: 2,
      ...quick,
      epochs: 5,
    }).fit(matrix(rows));
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
    expect(result.labels.every((l) => l === 0 || l === 1)).toBe(true);
  });

  it.each([10, 1000])(
    'stops with a warning at learning rate %s',
    async (learningRate) => {
      const result = await new FixedRepresentativeClustering({
        nClusters: 3,
        nRuns: 2,
        epochs: 5,
        learningRate,
        lambda: 50,
        seed: 1,
      }).fit(matrix(normalRows(3, 200, 10)));
      for (const run of result.runs) {
        expect(run.epochLosses.every(Number.isFinite)).toBe(true);
      }
      const warnings = result.warnings.filter(
        (w) => w.code === 'non-finite-loss',
      );
      for (const warning of warnings) {
        expect(warning.message).toMatch(/in epoch \d+ with learning rate/);
        expect(warning.message).toContain(String(learningRate));
      }
      expect(result.labels.every((l) => l >= 0 && l < 3)).toBe(true);
    },
  );
});

describe('non-finite loss', () => {
  it('keeps the initial weights when no epoch completes', async () => {
    // lambda is beyond float32's range, so the first loss is -Infinity.
    const result = await new FixedRepresentativeClustering({
      nClusters: 3,
      lambda: 1e300,
      ...quick,
    }).fit(matrix(normalRows(7, 60, 4)));
    const warning = result.warnings.find((w) => w.code === 'non-finite-loss');
    expect(warning?.message).toContain(
      'no epoch completed, so it keeps its initial weights',
    );
    expect(result.runs[0]!.epochLosses).toEqual([]);
    expect(Array.from(result.labels)).toEqual(Array.from(result.initLabels));
  });
});

describe('degenerate clusterings', () => {
  it('warns of 2 distinct points for k = 3', async () => {
    const rows = [
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
      [1, 1],
      [1, 1],
    ];
    const result = await new FixedRepresentativeClustering({
      nClusters: 3,
      ...quick,
    }).fit(matrix(rows));
    const warning = result.warnings.find(
      (w) => w.code === 'few-distinct-points',
    );
    expect(warning?.message).toContain(
      'the data has only 2 distinct points for 3 clusters, so at least 1 cluster must stay empty',
    );
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
  });

  it('warns of 1 distinct point for identical rows', async () => {
    const rows = Array.from({ length: 5 }, () => [1, 2, 3]);
    const result = await new FixedRepresentativeClustering({
      nClusters: 3,
      ...quick,
    }).fit(matrix(rows));
    expect(result.warnings.map((w) => w.message).join(' ')).toContain(
      'the data has only 1 distinct point for',
    );
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
  });

  it('keeps the spread gradient finite at zero spread', () => {
    const y = tf.fill([5, 3], 1);
    const grad = tf.grad((t: tf.Tensor) =>
      variableFeaturesTerm(t as tf.Tensor2D, 50),
    )(y);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([y, grad]);
  });

  it('finds two well-separated blobs', async () => {
    const random = new Random(4);
    const rows = Array.from({ length: 200 }, (_, i) => {
      const centre = i < 100 ? 0 : 10;
      return [0, 1].map(() => centre + (random.float() - 0.5));
    });
    const result = await new FixedRepresentativeClustering({
      nClusters: 2,
      nRuns: 2,
      epochs: 30,
      learningRate: 0.01,
      seed: 1,
    }).fit(matrix(rows));
    const first = result.labels.slice(0, 100);
    const second = result.labels.slice(100);
    const agree =
      first.filter((l) => l === first[0]).length +
      second.filter((l) => l !== first[0]).length;
    expect(agree / 200).toBeGreaterThanOrEqual(0.99);
    for (const size of result.clusterSizes) {
      expect(size).toBeGreaterThanOrEqual(80);
      expect(size).toBeLessThanOrEqual(120);
    }
  });

  it('reports the collapse with lambda 0 and k = 4', async () => {
    const random = new Random(5);
    const rows = Array.from({ length: 200 }, (_, i) => {
      const centre = i < 100 ? 0 : 10;
      return [0, 1].map(() => centre + (random.float() - 0.5));
    });
    const result = await new FixedRepresentativeClustering({
      nClusters: 4,
      lambda: 0,
      nRuns: 2,
      epochs: 5,
      seed: 1,
    }).fit(matrix(rows));
    expect(result.warnings.map((w) => w.code)).toContain('collapse');
    expect(result.emptyClusters.length).toBeGreaterThan(0);
  });

  it('trains on 257 samples with batches of 256', async () => {
    const result = await new FixedRepresentativeClustering({
      nClusters: 3,
      batchSize: 256,
      ...quick,
    }).fit(matrix(normalRows(6, 257, 4)));
    expect(result.labels).toHaveLength(257);
    expect(result.runs[0]!.epochLosses.every(Number.isFinite)).toBe(true);
  });

  it('labels one sample with k = 1', async () => {
    const result = await new FixedRepresentativeClustering({
      nClusters: 1,
      ...quick,
    }).fit(matrix([[1, 2, 3]]));
    expect(Array.from(result.labels)).toEqual([0]);
  });

  it('rejects one sample with k = 2', async () => {
    const model = new FixedRepresentativeClustering({ nClusters: 2, ...quick });
    await expect(model.fit(matrix([[1, 2, 3]]))).rejects.toBeInstanceOf(
      InvalidParameterError,
    );
  });
});
