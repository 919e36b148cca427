import { InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { randomLabels } from './random-labels.js';
import { catchError } from './test-fixtures.js';

describe('randomLabels', () => {
  it('draws labels in range', () => {
    const result = randomLabels(1000, { nClusters: 7, seed: 3 });
    expect(result.labels).toHaveLength(1000);
    expect(result.labels.every((l) => l >= 0 && l < 7)).toBe(true);
    expect(result.nClusters).toBe(7);
  });

  it('draws clusters uniformly', () => {
    const n = 100_000;
    const { labels } = randomLabels(n, { nClusters: 4, seed: 11 });
    const counts = [0, 0, 0, 0];
    for (const label of labels) counts[label]! += 1;
    // Chi-square statistic with 3 degrees of freedom; 16.27 is its 0.999
    // quantile.
    const chiSquare = counts.reduce(
      (sum, c) => sum + (c - n / 4) ** 2 / (n / 4),
      0,
    );
    expect(chiSquare).toBeLessThan(16.27);
  });

  it('repeats labels for the same seed, 0 included', () => {
    const first = randomLabels(50, { nClusters: 3, seed: 0 });
    const second = randomLabels(50, { nClusters: 3, seed: 0 });
    const other = randomLabels(50, { nClusters: 3, seed: 1 });
    expect(first.seed).toBe(0);
    expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
    expect(Array.from(other.labels)).not.toEqual(Array.from(first.labels));
  });

  it('stores a drawn seed', () => {
    const result = randomLabels(20, { nClusters: 2 });
    const again = randomLabels(20, { nClusters: 2, seed: result.seed });
    expect(Array.from(again.labels)).toEqual(Array.from(result.labels));
  });

  it('warns about empty clusters', () => {
    for (let seed = 0; seed < 20; seed++) {
      const result = randomLabels(3, { nClusters: 3, seed });
      const used = new Set(result.labels).size;
      expect(result.warnings.length).toBe(used < 3 ? 1 : 0);
    }
  });

  it('rejects nClusters outside 1 … n', async () => {
    for (const nClusters of [0, 11, 2.5]) {
      const error = await catchError(() => randomLabels(10, { nClusters }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        'nClusters must be an integer between 1 and the number of ' +
          `samples (10), got ${nClusters}`,
      );
    }
  });

  it('rejects invalid sample counts and seeds', async () => {
    const noSamples = await catchError(() => randomLabels(0, { nClusters: 1 }));
    expect(noSamples).toBeInstanceOf(InvalidParameterError);
    const badSeed = await catchError(() =>
      randomLabels(5, { nClusters: 1, seed: 1.5 }),
    );
    expect(badSeed).toBeInstanceOf(InvalidParameterError);
  });
});
