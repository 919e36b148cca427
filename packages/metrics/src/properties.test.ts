import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  adjustedRandIndex,
  clusteringAccuracy,
  normalizedMutualInfo,
  purity,
  type Labels,
} from './index.js';

type Metric = (labelsTrue: Labels, labelsPred: Labels) => number;

const METRICS: [string, Metric][] = [
  ['purity', purity],
  ['adjustedRandIndex', adjustedRandIndex],
  ['normalizedMutualInfo', normalizedMutualInfo],
  ['clusteringAccuracy', clusteringAccuracy],
];

const MAX_CLASSES = 6;
const MAX_CLUSTERS = 8;

/** Agreement required where only the summation order differs. */
const DIGITS = 12;

/** A class labeling and a clustering of the same 1 to 80 samples. */
const labelings = fc.integer({ min: 1, max: 80 }).chain((n) =>
  fc.record({
    truth: fc.array(fc.integer({ min: 0, max: MAX_CLASSES - 1 }), {
      minLength: n,
      maxLength: n,
    }),
    pred: fc.array(fc.integer({ min: 0, max: MAX_CLUSTERS - 1 }), {
      minLength: n,
      maxLength: n,
    }),
  }),
);

function permutationOf(size: number): fc.Arbitrary<number[]> {
  const ids = Array.from({ length: size }, (_, i) => i);
  return fc.shuffledSubarray(ids, { minLength: size, maxLength: size });
}

/** Labelings with a sample order to apply to both arrays. */
const reorderedLabelings = labelings.chain((pair) =>
  fc.record({
    truth: fc.constant(pair.truth),
    pred: fc.constant(pair.pred),
    order: permutationOf(pair.truth.length),
  }),
);

describe.each(METRICS)('%s', (_, metric) => {
  it('is invariant to permuting cluster ids', () => {
    fc.assert(
      fc.property(labelings, permutationOf(MAX_CLUSTERS), (pair, perm) => {
        const renamed = pair.pred.map((id) => perm[id] as number);
        const expected = metric(pair.truth, pair.pred);
        expect(metric(pair.truth, renamed)).toBeCloseTo(expected, DIGITS);
      }),
    );
  });

  it('is invariant to renaming classes', () => {
    fc.assert(
      fc.property(labelings, permutationOf(MAX_CLASSES), (pair, perm) => {
        const renamed = pair.truth.map((id) => `class ${perm[id]}`);
        const expected = metric(pair.truth, pair.pred);
        expect(metric(renamed, pair.pred)).toBeCloseTo(expected, DIGITS);
      }),
    );
  });

  it('is invariant to reordering samples', () => {
    fc.assert(
      fc.property(reorderedLabelings, ({ truth, pred, order }) => {
        const truthReordered = order.map((s) => truth[s] as number);
        const predReordered = order.map((s) => pred[s] as number);
        const expected = metric(truth, pred);
        const actual = metric(truthReordered, predReordered);
        expect(actual).toBeCloseTo(expected, DIGITS);
      }),
    );
  });

  // NMI divides two sums of logarithms, so it can land an ulp or two below 1.
  it('gives 1 for a perfect labeling', () => {
    fc.assert(
      fc.property(labelings, permutationOf(MAX_CLASSES), (pair, perm) => {
        const renamed = pair.truth.map((id) => perm[id] as number);
        expect(metric(pair.truth, renamed)).toBeCloseTo(1, DIGITS);
      }),
    );
  });
});

describe('bounds', () => {
  it.each([
    ['purity', purity],
    ['normalizedMutualInfo', normalizedMutualInfo],
    ['clusteringAccuracy', clusteringAccuracy],
  ] as [string, Metric][])('%s lies in [0, 1]', (_, metric) => {
    fc.assert(
      fc.property(labelings, ({ truth, pred }) => {
        const value = metric(truth, pred);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('adjustedRandIndex lies in [-0.5, 1]', () => {
    fc.assert(
      fc.property(labelings, ({ truth, pred }) => {
        const value = adjustedRandIndex(truth, pred);
        expect(value).toBeGreaterThanOrEqual(-0.5);
        expect(value).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('accuracy is at most purity', () => {
    fc.assert(
      fc.property(labelings, ({ truth, pred }) => {
        const accuracy = clusteringAccuracy(truth, pred);
        expect(accuracy).toBeLessThanOrEqual(purity(truth, pred));
      }),
    );
  });
});

describe('symmetry', () => {
  it.each([
    ['adjustedRandIndex', adjustedRandIndex],
    ['normalizedMutualInfo', normalizedMutualInfo],
    ['clusteringAccuracy', clusteringAccuracy],
  ] as [string, Metric][])('%s is symmetric', (_, metric) => {
    fc.assert(
      fc.property(labelings, ({ truth, pred }) => {
        const forward = metric(truth, pred);
        expect(metric(pred, truth)).toBeCloseTo(forward, DIGITS);
      }),
    );
  });
});
