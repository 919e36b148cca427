import { describe, expect, it } from 'vitest';

import { clusterWarnings, summariseClusters } from './clusters.js';
import { InvalidDataError, InvalidParameterError } from './errors.js';

describe('summariseClusters', () => {
  it('counts sizes and lists empty clusters', () => {
    const summary = summariseClusters([0, 0, 2, 2, 0], 4);
    expect(summary.sizes).toEqual([3, 0, 2, 0]);
    expect(summary.emptyClusters).toEqual([1, 3]);
  });

  it('flags fewer than half non-empty', () => {
    expect(summariseClusters([0, 0, 1, 1], 5).collapsed).toBe(true);
  });

  it('flags one cluster above half when k >= 4', () => {
    expect(summariseClusters([0, 0, 0, 1, 2, 3, 0], 4).collapsed).toBe(true);
  });

  it('allows a large cluster when k < 4', () => {
    expect(summariseClusters([0, 0, 0, 1, 2], 3).collapsed).toBe(false);
  });

  it('rejects missing labels', () => {
    expect(() => summariseClusters(null as unknown as number[], 3)).toThrow(
      InvalidParameterError,
    );
    expect(() => summariseClusters(null as unknown as number[], 3)).toThrow(
      'labels must be an array or typed array of cluster indices, got null',
    );
  });

  it('rejects a string cluster count', () => {
    expect(() => summariseClusters([0, 1], '2' as unknown as number)).toThrow(
      'nClusters must be an integer at least 1, got the string "2"',
    );
  });

  it('rejects a label out of range', () => {
    expect(() => summariseClusters([0, 3, 1], 3)).toThrow(InvalidDataError);
    expect(() => summariseClusters([0, 3, 1], 3)).toThrow(
      'labels[1] is 3, but a label must be an integer from 0 to 2 for 3 ' +
        'clusters',
    );
  });

  it('passes balanced clusters', () => {
    const summary = summariseClusters([0, 1, 2, 3, 0, 1, 2, 3], 4);
    expect(summary.collapsed).toBe(false);
    expect(clusterWarnings(summary)).toEqual([]);
  });
});

describe('clusterWarnings', () => {
  it('reports empty clusters and the collapse', () => {
    const warnings = clusterWarnings(summariseClusters([0, 0, 0, 1], 4));
    expect(warnings.map((w) => w.code)).toEqual(['empty-clusters', 'collapse']);
    expect(warnings[0]!.message).toContain(
      '2 of 4 clusters received no samples (2, 3)',
    );
    expect(warnings[1]!.message).toContain('the largest holds 3 of 4 samples');
  });
});
