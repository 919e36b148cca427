import { InvalidDataError, Random } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { daviesBouldinScore } from './davies-bouldin.js';
import type { FeatureMatrix } from './silhouette.js';

function column(values: readonly number[]): FeatureMatrix {
  return {
    x: Float32Array.from(values),
    nSamples: values.length,
    nFeatures: 1,
  };
}

describe('daviesBouldinScore', () => {
  it('scores two pairs on a line', () => {
    // Centroids 1 and 11, spreads 1 and 1: R = 2 / 10 for both.
    expect(
      daviesBouldinScore(column([0, 2, 10, 12]), [0, 0, 1, 1]),
    ).toBeCloseTo(0.2, 14);
  });

  it('takes the worst pair of each cluster', () => {
    // Centroids 1, 12, 30; spreads 1, 2, 0. R = 3/11, 3/11, 2/18.
    const score = daviesBouldinScore(column([0, 2, 10, 14, 30]), [
      'a',
      'a',
      'b',
      'b',
      'c',
    ]);
    expect(score).toBeCloseTo(65 / 297, 14);
  });

  it('uses Euclidean distance', () => {
    const x = Float32Array.of(0, 0, 0, 2, 3, 4, 3, 6);
    const data = { x, nSamples: 4, nFeatures: 2 };
    // Centroids (0, 1) and (3, 5), 5 apart; spreads 1 and 1.
    expect(daviesBouldinScore(data, [0, 0, 1, 1])).toBeCloseTo(0.4, 14);
  });

  it('ignores coinciding centroids', () => {
    // Clusters a and b share centroid 1; c is at 11.
    const score = daviesBouldinScore(
      column([0, 2, 1, 1, 10, 12]),
      [0, 0, 1, 1, 2, 2],
    );
    // R_a = (1 + 1)/10, R_b = (0 + 1)/10, R_c = (1 + 1)/10.
    expect(score).toBeCloseTo((0.2 + 0.1 + 0.2) / 3, 14);
  });

  it('returns 0 when every cluster is a point', () => {
    expect(daviesBouldinScore(column([1, 1, 4, 4]), [0, 0, 1, 1])).toBe(0);
  });

  it('does not depend on label names or order', () => {
    const random = new Random(3);
    const x = Float32Array.from({ length: 60 }, () => random.float());
    const labels = Array.from({ length: 30 }, () => random.int(3));
    const data = { x, nSamples: 30, nFeatures: 2 };
    expect(
      daviesBouldinScore(
        data,
        labels.map((l) => `k${2 - l}`),
      ),
    ).toBeCloseTo(daviesBouldinScore(data, labels), 12);
  });

  it('rejects one label or one label per sample', () => {
    expect(() => daviesBouldinScore(column([0, 1, 2]), [5, 5, 5])).toThrow(
      /Davies–Bouldin index needs between 2 and 2 distinct labels/,
    );
    expect(() => daviesBouldinScore(column([0, 1, 2]), [0, 1, 2])).toThrow(
      InvalidDataError,
    );
  });

  it('rejects mismatched labels and bad data', () => {
    expect(() => daviesBouldinScore(column([0, 1, 2]), [0, 1])).toThrow(
      /labels has 2 entries but data has 3 samples/,
    );
    expect(() =>
      daviesBouldinScore(column([0, Infinity, 2]), [0, 1, 1]),
    ).toThrow(/row 1, column 0/);
  });
});
