import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import { captureOutput, type CapturedOutput } from '../test-output.js';
import { runGrid, summariseStderr } from './runner.js';
import type { BenchCell, BenchRow } from './types.js';

describeWithData('runGrid with two workers', ['usps/usps.h5'], (data) => {
  const base: Omit<BenchCell, 'seed'> = {
    dataset: 'usps',
    dataPath: join(data, 'usps', 'usps.h5'),
    limit: 200,
    pcaComponents: 0,
    method: 'random',
    backend: 'cpu',
    runs: 1,
    epochs: 1,
    nInit: 1,
    silhouetteSampleSize: 100,
  };
  const seeds = [3, 1, 2];
  let grid: { rows: BenchRow[]; failures: string[] };
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    const cells = [
      ...seeds.map((seed) => ({ ...base, seed })),
      { ...base, seed: 4, dataPath: join(data, 'missing.h5') },
    ];
    grid = await runGrid(cells, output, 2);
  });

  it('keeps the order of the cells', () => {
    expect(grid.rows.map((row) => row.seed)).toEqual(seeds);
  });

  it('reports the failed cell', () => {
    expect(grid.failures).toHaveLength(1);
    expect(grid.failures[0]).toContain('seed 4');
  });

  it('numbers the progress lines', () => {
    const started = output.stderr.filter((line) => line.endsWith('…'));
    expect(started).toHaveLength(4);
    expect(output.stderr.some((line) => line.startsWith('[4/4]'))).toBe(true);
  });
});

describe('summariseStderr', () => {
  it('keeps the fixclust line before a stack', () => {
    const stderr = [
      'fixclust: unexpected error: Error: no such file',
      '    at open (node:internal/fs:1:1)',
      '    at load (file:///a.js:2:2)',
      '    at run (file:///b.js:3:3)',
    ].join('\n');
    expect(summariseStderr(stderr)).toBe(
      'fixclust: unexpected error: Error: no such file',
    );
  });

  it('falls back to the last lines', () => {
    const stderr = 'one\ntwo\nthree\nfour\n';
    expect(summariseStderr(stderr)).toBe('two | three | four');
  });

  it('names empty stderr', () => {
    expect(summariseStderr(' \n')).toBe('no output on stderr');
  });
});
