import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { measureComputeFloor } from '@fixclust/backend-native';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import type { BenchRecord } from './report.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../bin/fixclust.js',
);

describeWithData('fixclust bench --quick', ['usps/usps.h5'], (data) => {
  let directory: string;
  let record: BenchRecord;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-bench-'));
    await promisify(execFile)(process.execPath, [
      binary,
      'bench',
      '--quick',
      '--limit',
      '400',
      '--methods',
      'random,kmeans,gmm,km50',
      '--data-dir',
      data,
      '--out',
      directory,
    ]);
    const json = await readFile(join(directory, 'benchmarks.json'), 'utf8');
    record = JSON.parse(json) as BenchRecord;
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes one row per cell and the init row', () => {
    // 2 feature sets × 4 methods, plus the init row of each km50 cell.
    expect(record.rows).toHaveLength(10);
    expect(record.failures).toEqual([]);
    const methods = record.rows.map((row) => `${row.features} ${row.method}`);
    expect(new Set(methods).size).toBe(10);
  });

  it('keeps every metric in range', () => {
    for (const row of record.rows) {
      const { purity, ari, nmi, accuracy } = row.metrics;
      for (const value of [purity, nmi, accuracy]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(ari).toBeGreaterThanOrEqual(-1);
      expect(ari).toBeLessThanOrEqual(1);
      expect(row.nonEmptyClusters).toBeLessThanOrEqual(row.nClusters);
      expect(row.fitSeconds).toBeGreaterThanOrEqual(0);
      expect(row.peakRssMiB).toBeGreaterThan(0);
      expect(row.nSamples).toBe(400);
    }
  });

  it('reports runs and spread for the deep preset', () => {
    const deep = record.rows.filter((row) => row.method === 'km50');
    expect(deep).toHaveLength(2);
    for (const row of deep) {
      expect(row.nRuns).toBe(2);
      expect(row.runsCollapsed).not.toBeNull();
      expect(row.runSpread).not.toBeNull();
      expect(row.epochSeconds).toBeGreaterThan(0);
    }
  });

  it('states the compute floor where the native addon is built', async () => {
    const deep = record.rows.find((row) => row.method === 'km50')!;
    let built = true;
    try {
      measureComputeFloor({
        widths: [20, 32, 10],
        batchSize: 128,
        nSamples: 1,
      });
    } catch {
      built = false;
    }
    if (!built) {
      expect(deep.floorSeconds).toBeNull();
      return;
    }
    for (const row of record.rows.filter((r) => r.method === 'km50')) {
      expect(row.floorSeconds).toBeGreaterThan(0);
      expect(row.floorSeconds!).toBeLessThan(row.epochSeconds!);
    }
  });

  it('writes the Markdown table and the CSV', async () => {
    const markdown = await readFile(join(directory, 'benchmarks.md'), 'utf8');
    expect(markdown).toContain('<!-- bench:start -->');
    expect(markdown).toMatch(/\| usps \| pca20 \| km50 \|/);
    const csv = await readFile(join(directory, 'benchmarks.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(11);
  });
});
