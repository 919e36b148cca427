import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { clusteringAccuracy, contingencyTable, purity } from './index.js';

/**
 * Finds the largest matched count over every one-to-one matching of rows
 * to columns by exhaustive search, leaving any row unmatched where that
 * helps. Exponential, so only for tables of a few rows.
 */
function bruteForceMatched(
  counts: Float64Array,
  nRows: number,
  nColumns: number,
  row = 0,
  used: boolean[] = Array<boolean>(nColumns).fill(false),
): number {
  if (row === nRows) return 0;

  let best = bruteForceMatched(counts, nRows, nColumns, row + 1, used);
  for (let j = 0; j < nColumns; j++) {
    if (used[j]) continue;
    used[j] = true;
    const rest = bruteForceMatched(counts, nRows, nColumns, row + 1, used);
    best = Math.max(best, (counts[row * nColumns + j] as number) + rest);
    used[j] = false;
  }
  return best;
}

function labelingsWith(
  nClasses: number,
  nClusters: number,
): fc.Arbitrary<{ truth: number[]; pred: number[] }> {
  return fc.integer({ min: 1, max: 60 }).chain((n) =>
    fc.record({
      truth: fc.array(fc.integer({ min: 0, max: nClasses - 1 }), {
        minLength: n,
        maxLength: n,
      }),
      pred: fc.array(fc.integer({ min: 0, max: nClusters - 1 }), {
        minLength: n,
        maxLength: n,
      }),
    }),
  );
}

describe('clusteringAccuracy', () => {
  it.each([
    ['more clusters than classes', 3, 6],
    ['fewer clusters than classes', 6, 3],
    ['as many clusters as classes', 5, 5],
  ])('matches exhaustive search, %s', (_, nClasses, nClusters) => {
    fc.assert(
      fc.property(labelingsWith(nClasses, nClusters), ({ truth, pred }) => {
        const table = contingencyTable(truth, pred);
        const matched = bruteForceMatched(
          table.counts,
          table.classes.length,
          table.clusters.length,
        );
        expect(clusteringAccuracy(truth, pred)).toBe(matched / truth.length);
      }),
    );
  });

  it('leaves extra clusters unmatched, 3 classes and 5 clusters', () => {
    const truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const pred = [0, 0, 1, 1, 2, 2, 3, 4, 4, 4];
    // Clusters 0 and 1 each contain two samples of class 0, but only one of
    // them can be matched to class 0.
    expect(clusteringAccuracy(truth, pred)).toBe(0.7);
    expect(purity(truth, pred)).toBe(1);
  });

  it('leaves extra classes unmatched, 5 classes and 2 clusters', () => {
    const truth = [0, 0, 0, 0, 1, 2, 3, 4];
    const pred = [0, 0, 1, 1, 0, 1, 1, 1];
    // Class 0 is the largest class in both clusters, so one cluster must be
    // matched to a class of which it contains a single sample.
    expect(clusteringAccuracy(truth, pred)).toBe(3 / 8);
    expect(purity(truth, pred)).toBe(0.5);
  });

  it('matches one class per cluster at n = 70,000', () => {
    const n = 70_000;
    const truth = Int32Array.from({ length: n }, (_, i) => i % 10);
    const pred = Int32Array.from({ length: n }, (_, i) => i);
    // Every cluster is a singleton, so each of the 10 classes matches one.
    expect(clusteringAccuracy(truth, pred)).toBe(10 / n);
  });
});
