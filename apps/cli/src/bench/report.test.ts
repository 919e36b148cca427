import { describe, expect, it } from 'vitest';

import { toMarkdown, type BenchRecord } from './report.js';
import type { BenchRow } from './types.js';

const metrics = { purity: 0.5, ari: 0.2, nmi: 0.4, accuracy: 0.45 };

function row(overrides: Partial<BenchRow>): BenchRow {
  return {
    dataset: 'usps',
    nSamples: 100,
    nFeatures: 256,
    features: 'raw',
    method: 'km1',
    seed: 1,
    metrics,
    silhouette: 0.1,
    daviesBouldin: 2,
    silhouetteSampleSize: 100,
    nClusters: 10,
    nonEmptyClusters: 1,
    runsCollapsed: 2,
    nRuns: 2,
    runSpread: { mean: metrics, sd: metrics },
    fitSeconds: 1.5,
    epochSeconds: 0.2,
    floorSeconds: 0.05,
    predictRowsPerSecond: 1000,
    peakRssMiB: 200,
    backend: { name: 'wasm', version: '4.22.0', threads: 1 },
    warnings: [],
    ...overrides,
  };
}

function record(rows: BenchRow[]): BenchRecord {
  return {
    schemaVersion: 1,
    command: 'fixclust bench',
    date: '2026-12-04',
    machine: { cpu: 'test', cores: 2, memoryGiB: 24, node: 'v20' },
    rows,
    failures: [],
  };
}

describe('toMarkdown', () => {
  it('shows a dash for undefined measures', () => {
    // A collapsed clustering has no silhouette; JSON turns NaN into null.
    const text = toMarkdown(
      record([row({ silhouette: null, daviesBouldin: null })]),
    );
    expect(text).toMatch(/\| 0\.450 \(0\.450 ± 0\.450\) \| — \| — \| 1\/10 \|/);
  });

  it('states the epoch as a multiple of its floor', () => {
    expect(toMarkdown(record([row({})]))).toContain(
      '| 0.200 | 4.0× of 0.050 s |',
    );
    expect(toMarkdown(record([row({ floorSeconds: null })]))).toContain(
      '| 0.200 | — |',
    );
  });

  it('shows runs collapsed out of runs', () => {
    expect(toMarkdown(record([row({})]))).toContain('| 2/2 |');
  });
});
