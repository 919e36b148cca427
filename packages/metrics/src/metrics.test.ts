import { InvalidDataError, Random } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import {
  adjustedRandIndex,
  clusteringAccuracy,
  contingencyTable,
  externalMetrics,
  normalizedMutualInfo,
  purity,
} from './index.js';

function randomLabels(random: Random, n: number, k: number): Int32Array {
  return Int32Array.from({ length: n }, () => random.int(k));
}

/** Number of unordered pairs, C(x, 2), as a float. */
function pairs(x: number): number {
  return (x * (x - 1)) / 2;
}

/**
 * ARI in Hubert & Arabie's form (index − expected) / (max − expected) over
 * unordered pairs, in plain float64, as an independent check.
 */
function hubertArabieAri(truth: Int32Array, pred: Int32Array): number {
  const table = contingencyTable(truth, pred);
  const sumCells = table.counts.reduce((sum, c) => sum + pairs(c), 0);
  const sumClasses = table.classSizes.reduce((sum, a) => sum + pairs(a), 0);
  const sumClusters = table.clusterSizes.reduce((sum, b) => sum + pairs(b), 0);
  const expected = (sumClasses * sumClusters) / pairs(truth.length);
  const max = (sumClasses + sumClusters) / 2;
  return (sumCells - expected) / (max - expected);
}

describe('contingencyTable', () => {
  it('orders labels by first appearance', () => {
    const table = contingencyTable(['b', 'a', 'b', 'c'], [9, 9, -1, -1]);
    expect(table.classes).toEqual(['b', 'a', 'c']);
    expect(table.clusters).toEqual([9, -1]);
  });

  it('counts class and cluster pairs', () => {
    const table = contingencyTable(['b', 'a', 'b', 'c'], [9, 9, -1, -1]);
    expect(Array.from(table.counts)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(Array.from(table.classSizes)).toEqual([2, 1, 1]);
    expect(Array.from(table.clusterSizes)).toEqual([2, 2]);
    expect(table.nSamples).toBe(4);
  });

  it('keeps 1 and "1" apart', () => {
    const table = contingencyTable([1, '1', 1], [0, 0, 0]);
    expect(table.classes).toEqual([1, '1']);
  });
});

describe('hand cases', () => {
  // Classes cat {a: 2}, dog {a: 1, b: 1}, bird {b: 1}.
  const animals = ['cat', 'cat', 'dog', 'dog', 'bird'];
  const letters = ['a', 'a', 'a', 'b', 'b'];

  it('string labels, purity', () => {
    expect(purity(animals, letters)).toBe(0.6);
  });

  it('string labels, accuracy', () => {
    expect(clusteringAccuracy(animals, letters)).toBe(0.6);
  });

  it('string labels, ARI', () => {
    // Unordered pairs: index 1, expected 2 · 4 / 10, max (2 + 4) / 2.
    expect(adjustedRandIndex(animals, letters)).toBeCloseTo(1 / 11, 15);
  });

  it('string labels, same as integer ids', () => {
    const truth = [0, 0, 1, 1, 2];
    const pred = [0, 0, 0, 1, 1];
    expect(externalMetrics(animals, letters)).toEqual(
      externalMetrics(truth, pred),
    );
  });

  it('negative and non-contiguous ids', () => {
    const truth = [-5, -5, 10, 10, 300, 300];
    const pred = [7, 7, -1, -1, -1, 1000];
    expect(externalMetrics(truth, pred)).toEqual(
      externalMetrics([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 1, 2]),
    );
  });

  it('typed arrays, same as plain arrays', () => {
    const truth = [3, 3, 1, 1, 2, 0];
    const pred = [0, 1, 1, 1, 2, 2];
    expect(
      externalMetrics(Int32Array.from(truth), Float64Array.from(pred)),
    ).toEqual(externalMetrics(truth, pred));
  });

  it('one class and one cluster', () => {
    expect(externalMetrics([4, 4, 4], ['x', 'x', 'x'])).toEqual({
      purity: 1,
      ari: 1,
      nmi: 1,
      accuracy: 1,
    });
  });

  it('one class, many clusters', () => {
    expect(normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });
});

describe('random labels at n = 70,000', () => {
  const n = 70_000;
  const random = new Random(20_240_501);
  const truth = randomLabels(random, n, 10);
  const pred = randomLabels(random, n, 10);

  it('keeps every metric in range', () => {
    const metrics = externalMetrics(truth, pred);
    for (const value of Object.values(metrics)) {
      expect(value).toBeGreaterThanOrEqual(-0.5);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('ARI is near 0', () => {
    expect(Math.abs(adjustedRandIndex(truth, pred))).toBeLessThan(1e-3);
  });

  it('NMI is near 0', () => {
    expect(normalizedMutualInfo(truth, pred)).toBeLessThan(1e-3);
  });

  it('ARI agrees with the float form', () => {
    const noisy = truth.map((label, i) => (i % 3 === 0 ? label : 0));
    const expected = hubertArabieAri(truth, noisy);
    expect(adjustedRandIndex(truth, noisy)).toBeCloseTo(expected, 12);
  });
});

describe('input checks', () => {
  it('rejects a length mismatch', () => {
    expect(() => purity([0, 1, 2], [0, 1])).toThrow(InvalidDataError);
  });

  it('names both lengths', () => {
    expect(() => purity([0, 1, 2], [0, 1])).toThrow(
      'labelsTrue has 3 labels but labelsPred has 2',
    );
  });

  it('rejects empty input', () => {
    expect(() => adjustedRandIndex([], [])).toThrow(InvalidDataError);
  });

  it('rejects NaN, naming the index', () => {
    expect(() => externalMetrics([0, 1, 2], [0, 0, NaN])).toThrow(
      'labelsPred[2] is NaN',
    );
  });

  it('rejects Infinity in labelsTrue', () => {
    expect(() => externalMetrics([0, Infinity], [0, 0])).toThrow(
      'labelsTrue[1] is Infinity',
    );
  });

  it('rejects a missing entry', () => {
    const holes = [0, undefined, 1] as unknown as number[];
    expect(() => normalizedMutualInfo(holes, [0, 0, 0])).toThrow(
      'labelsTrue[1] is undefined',
    );
  });

  it('rejects a bigint', () => {
    const values = [0, 1n] as unknown as number[];
    expect(() => clusteringAccuracy([0, 0], values)).toThrow(
      'labelsPred[1] is a value of type bigint',
    );
  });
});

describe('hard label cases', () => {
  it('handles huge non-contiguous labels', () => {
    const metrics = externalMetrics([0, 0, 1, 1], [0, 0, 1e9, 1e9]);
    expect(metrics.accuracy).toBe(1);
    expect(metrics.purity).toBe(1);
  });

  it.each([
    [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 1, 1], 4 / 6, 4 / 6],
    [[0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 5], 2 / 6, 1],
    [[0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1], 4 / 6, 5 / 6],
  ])('scores %j against %j', (truth, pred, accuracy, purityValue) => {
    const metrics = externalMetrics(truth, pred);
    expect(metrics.accuracy).toBeCloseTo(accuracy, 12);
    expect(metrics.purity).toBeCloseTo(purityValue, 12);
  });

  it('gives NMI 0 for one cluster against two', () => {
    expect(normalizedMutualInfo([0, 0, 0, 0], [0, 0, 1, 1])).toBe(0);
  });

  it('keeps ARI near 0 for 1,000,000 independent labels', () => {
    const random = new Random(77);
    const n = 1_000_000;
    const truth = new Int32Array(n).map(() => random.int(10));
    const pred = new Int32Array(n).map(() => random.int(10));
    expect(Math.abs(adjustedRandIndex(truth, pred))).toBeLessThan(1e-3);
    expect(adjustedRandIndex(truth, truth)).toBe(1);
  });
});
