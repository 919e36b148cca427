import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import {
  adjustedRandIndex,
  clusteringAccuracy,
  externalMetrics,
  normalizedMutualInfo,
  purity,
} from './index.js';

/** One labeling pair of the scikit-learn fixture, with its metrics. */
interface ReferenceCase {
  name: string;
  labels_true: (number | string)[];
  labels_pred: (number | string)[];
  purity: number;
  ari: number;
  nmi: number;
  accuracy: number;
}

// Relative to the data folder, as describeWithData resolves it.
const FIXTURE = '../fixtures/metrics.json';

/** Decimal digits that must agree: |actual - expected| < 5e-10. */
const DIGITS = 9;

const METRICS = [
  ['purity', purity],
  ['ari', adjustedRandIndex],
  ['nmi', normalizedMutualInfo],
  ['accuracy', clusteringAccuracy],
] as const;

function readCases(directory: string): ReferenceCase[] {
  const path = resolve(directory, FIXTURE);
  // The suite is collected even when it is skipped for a missing file.
  if (!existsSync(path)) return [];
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as {
    cases: ReferenceCase[];
  };
  return fixture.cases;
}

describeWithData('scikit-learn 1.2 reference values', [FIXTURE], (dir) => {
  const cases = readCases(dir);

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$name', (c) => {
    for (const [key, metric] of METRICS) {
      const actual = metric(c.labels_true, c.labels_pred);
      expect.soft(actual, key).toBeCloseTo(c[key], DIGITS);
    }
  });

  describe('externalMetrics', () => {
    it.each(cases)('$name', (c) => {
      const { labels_true: truth, labels_pred: pred } = c;
      expect(externalMetrics(truth, pred)).toEqual({
        purity: purity(truth, pred),
        ari: adjustedRandIndex(truth, pred),
        nmi: normalizedMutualInfo(truth, pred),
        accuracy: clusteringAccuracy(truth, pred),
      });
    });
  });
});
