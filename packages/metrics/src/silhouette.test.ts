import {
  InvalidDataError,
  InvalidParameterError,
  Random,
} from '@fixclust/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { silhouetteScore, type FeatureMatrix } from './silhouette.js';

function column(values: readonly number[]): FeatureMatrix {
  return {
    x: Float32Array.from(values),
    nSamples: values.length,
    nFeatures: 1,
  };
}

/**
 * Computes the silhouette straight from its definition: every s(i) from
 * the full list of distances, 0 for singletons and when a = b = 0.
 */
function definitionSilhouette(data: FeatureMatrix, labels: number[]): number {
  const { nSamples: n, nFeatures: d } = data;
  const distance = (i: number, k: number) =>
    Math.hypot(
      ...Array.from(
        { length: d },
        (_, j) => data.x[i * d + j]! - data.x[k * d + j]!,
      ),
    );
  const clusters = [...new Set(labels)];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const meanTo = (c: number) => {
      const others = labels
        .map((l, k) => [l, k] as const)
        .filter(([l, k]) => l === c && k !== i);
      return others.reduce((s, [, k]) => s + distance(i, k), 0) / others.length;
    };
    if (labels.filter((l) => l === labels[i]).length === 1) continue;
    const a = meanTo(labels[i]!);
    const b = Math.min(...clusters.filter((c) => c !== labels[i]).map(meanTo));
    if (Math.max(a, b) > 0) total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

function randomData(random: Random, n: number, d: number): FeatureMatrix {
  const x = Float32Array.from({ length: n * d }, () => random.float() * 10);
  return { x, nSamples: n, nFeatures: d };
}

describe('silhouetteScore', () => {
  it('scores two pairs on a line', () => {
    const result = silhouetteScore(column([0, 1, 5, 6]), [0, 0, 1, 1]);
    // s = 4.5/5.5, 3.5/4.5, 3.5/4.5, 4.5/5.5: mean (9/11 + 7/9) / 2.
    expect(result.score).toBeCloseTo(79 / 99, 14);
    expect(result.sampleSize).toBe(4);
    expect(result.seed).toBeUndefined();
  });

  it('gives a singleton 0', () => {
    const result = silhouetteScore(column([0, 1, 10]), ['a', 'a', 'b']);
    // s = 9/10, 8/9 and 0 for the singleton.
    expect(result.score).toBeCloseTo((0.9 + 8 / 9) / 3, 14);
  });

  it('uses Euclidean distance', () => {
    const x = Float32Array.of(0, 0, 3, 4, 0, 1, 3, 5);
    const result = silhouetteScore(
      { x, nSamples: 4, nFeatures: 2 },
      [0, 1, 0, 1],
    );
    // a = 1 for every point. (0, 0) and (3, 5) are 5 and √34 from the
    // other cluster; (0, 1) and (3, 4) are 5 and √18 from it.
    const far = (5 + Math.sqrt(34)) / 2;
    const near = (5 + Math.sqrt(18)) / 2;
    const expected = (2 * (1 - 1 / far) + 2 * (1 - 1 / near)) / 4;
    expect(result.score).toBeCloseTo(expected, 14);
  });

  it('scores identical points in two clusters 0', () => {
    const result = silhouetteScore(column([2, 2, 2, 2]), [0, 0, 1, 1]);
    expect(result.score).toBe(0);
  });

  it('matches the definition on random data', () => {
    const random = new Random(4);
    for (let trial = 0; trial < 5; trial++) {
      const data = randomData(random, 30, 3);
      const labels = Array.from({ length: 30 }, () => random.int(4));
      expect(silhouetteScore(data, labels).score).toBeCloseTo(
        definitionSilhouette(data, labels),
        12,
      );
    }
  });

  it('repeats a sampled score for a seed', () => {
    const random = new Random(8);
    const data = randomData(random, 300, 2);
    const labels = Array.from({ length: 300 }, () => random.int(3));
    const first = silhouetteScore(data, labels, { sampleSize: 50, seed: 0 });
    const second = silhouetteScore(data, labels, { sampleSize: 50, seed: 0 });
    const other = silhouetteScore(data, labels, { sampleSize: 50, seed: 1 });
    expect(first).toEqual({ score: second.score, sampleSize: 50, seed: 0 });
    expect(other.score).not.toBe(first.score);
  });

  it('scores the rows Random(seed).sample draws', () => {
    const random = new Random(9);
    const data = randomData(random, 200, 3);
    const labels = Array.from({ length: 200 }, () => random.int(3));
    const rows = new Random(5).sample(200, 40);
    const subset = {
      x: Float32Array.from(
        Array.from(rows).flatMap((r) => [...data.x.subarray(r * 3, r * 3 + 3)]),
      ),
      nSamples: 40,
      nFeatures: 3,
    };
    const sampled = silhouetteScore(data, labels, { sampleSize: 40, seed: 5 });
    expect(sampled.score).toBeCloseTo(
      definitionSilhouette(
        subset,
        Array.from(rows, (r) => labels[r]!),
      ),
      12,
    );
  });

  it('samples 10,000 rows by default above that', () => {
    const n = 10_050;
    const data = column(Array.from({ length: n }, (_, i) => i % 7));
    const labels = Array.from({ length: n }, (_, i) => (i % 7 < 3 ? 0 : 1));
    const result = silhouetteScore(data, labels, { seed: 2 });
    expect(result.sampleSize).toBe(10_000);
    expect(result.seed).toBe(2);
  });

  it('stays in [−1, 1] and ignores label names', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.integer({ min: 0, max: 3 }),
          ),
          {
            minLength: 3,
            maxLength: 25,
          },
        ),
        (points) => {
          const labels = points.map(([, l]) => l);
          const k = new Set(labels).size;
          if (k < 2 || k > points.length - 1) return;
          const data = column(points.map(([v]) => v));
          const score = silhouetteScore(data, labels).score;
          const renamed = silhouetteScore(
            data,
            labels.map((l) => `c${3 - l}`),
          );
          expect(score).toBeGreaterThanOrEqual(-1);
          expect(score).toBeLessThanOrEqual(1);
          expect(renamed.score).toBeCloseTo(score, 12);
        },
      ),
    );
  });

  it('rejects one label or one label per sample', () => {
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 0, 0])).toThrow(
      InvalidDataError,
    );
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 1, 2])).toThrow(
      /between 2 and 2 distinct labels .* got 3/,
    );
  });

  it('rejects mismatched labels and bad data', () => {
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 1])).toThrow(
      InvalidDataError,
    );
    expect(() => silhouetteScore(column([0, NaN, 2]), [0, 1, 1])).toThrow(
      /row 1, column 0/,
    );
  });

  it('rejects a CSR matrix with advice', () => {
    const csr = {
      format: 'csr' as const,
      nRows: 3,
      nCols: 2,
      indptr: Int32Array.from([0, 1, 2, 3]),
      indices: Int32Array.from([0, 1, 0]),
      data: Float32Array.from([1, 2, 3]),
    };
    const data = { x: csr, nSamples: 3, nFeatures: 2 };
    const score = () =>
      silhouetteScore(data as unknown as FeatureMatrix, [0, 1, 1]);
    expect(score).toThrow(InvalidDataError);
    expect(score).toThrow(
      'data.x is a CSR matrix, but this measure reads dense rows; pass ' +
        "dense features instead: the output of a fitted model's transform",
    );
    expect(score).not.toThrow(/Float32Array\.from/);
    expect(() =>
      silhouetteScore(csr as unknown as FeatureMatrix, [0, 1, 1]),
    ).toThrow(/^data is a CSR matrix/);
  });

  it('rejects invalid sample sizes and seeds', () => {
    const data = column([0, 1, 2, 3]);
    for (const sampleSize of [1, 5, 2.5]) {
      expect(() => silhouetteScore(data, [0, 0, 1, 1], { sampleSize })).toThrow(
        InvalidParameterError,
      );
    }
    expect(() => silhouetteScore(data, [0, 0, 1, 1], { seed: -1 })).toThrow(
      InvalidParameterError,
    );
  });
});
