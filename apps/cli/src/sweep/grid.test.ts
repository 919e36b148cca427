import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidParameterError } from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BenchCell } from '../bench/types.js';
import { cellKey, expandGrid, readGridFile } from './grid.js';

const grid = {
  datasets: ['usps'],
  dataDir: '/data',
  methods: ['km50', 'kmeans'],
  seeds: [1, 2, 3],
  pca: [0, 20],
  backends: ['wasm'],
  runs: 1,
  epochs: 2,
};

describe('expandGrid', () => {
  it('crosses every list', async () => {
    const cells = await expandGrid(grid, 'grid.json');
    expect(cells).toHaveLength(2 * 2 * 3);
    expect(new Set(cells.map(cellKey)).size).toBe(cells.length);
  });

  it('fills in the defaults', async () => {
    const [cell] = await expandGrid(
      {
        datasets: ['usps'],
        dataDir: '/data',
        methods: ['km1'],
        backends: ['cpu'],
      },
      'grid.json',
    );
    expect(cell).toEqual({
      dataset: 'usps',
      dataPath: '/data/usps/usps.h5',
      pcaComponents: 0,
      method: 'km1',
      backend: 'cpu',
      seed: 1,
      epochs: 10,
      nInit: 10,
      limit: undefined,
      silhouetteSampleSize: 2000,
    });
  });

  it('leaves runs to the preset, as bench does', async () => {
    const [cell] = await expandGrid(
      { datasets: ['mnist'], methods: ['km-plus'], backends: ['cpu'] },
      'grid.json',
    );
    expect(cell!.runs).toBeUndefined();
  });

  it('keeps the key of a cell that sets runs', async () => {
    const [cell] = await expandGrid(
      { ...grid, seeds: [1], pca: [0], methods: ['km50'] },
      'grid.json',
    );
    expect(cellKey(cell!)).toBe(
      '735868bdc39decf752b621bb31e26fa93b8dfd097153139b8df237570f881bcf',
    );
  });

  it('rejects an unknown backend', async () => {
    const expansion = expandGrid(
      { ...grid, backends: ['wasm', 'nosuch'] },
      'grid.json',
    );
    await expect(expansion).rejects.toThrow(
      'grid file grid.json is invalid: grid.backends[1] is "nosuch"; ' +
        'expected one of native, webgpu, wasm, cpu',
    );
  });

  it('names dataDir when USPS has no folder', async () => {
    const saved = process.env['FIXCLUST_DATA'];
    delete process.env['FIXCLUST_DATA'];
    try {
      const { dataDir: _dataDir, ...rest } = grid;
      await expect(expandGrid(rest, 'grid.yaml')).rejects.toThrow(
        'grid file grid.yaml needs grid.dataDir for the usps data set',
      );
    } finally {
      if (saved !== undefined) process.env['FIXCLUST_DATA'] = saved;
    }
  });

  it('names an invalid entry and its value', async () => {
    const invalid = { ...grid, methods: ['km50', 'kmeans++'] };
    const expansion = expandGrid(invalid, 'grid.json');
    await expect(expansion).rejects.toThrow(InvalidParameterError);
    await expect(expansion).rejects.toThrow(
      'grid file grid.json is invalid: grid.methods[1] is "kmeans++"; ' +
        'expected one of random, kmeans, gmm, km1, km50, gmm1, cmm1, ' +
        'km-plus, km-plus-text',
    );
  });

  it('lists every problem on its own line', async () => {
    const { datasets: _datasets, ...rest } = grid;
    const invalid = { ...rest, seeds: [1, 'abc', -1], pca: [1.5], runs: 0 };
    const error = await expandGrid(invalid, 'grid.yaml').catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message.split('\n')).toEqual([
      'grid file grid.yaml is invalid:',
      '  grid.datasets is missing; expected a list of data sets (mnist, ' +
        'usps, 20news)',
      '  grid.seeds[1] is "abc"; expected an integer between 0 and 4294967295',
      '  grid.seeds[2] is -1; expected an integer between 0 and 4294967295',
      '  grid.pca[0] is 1.5; expected an integer at least 0',
      '  grid.runs is 0; expected an integer at least 1',
    ]);
  });

  it('names an unknown field', async () => {
    const expansion = expandGrid({ ...grid, epoch: 3 }, 'grid.json');
    await expect(expansion).rejects.toThrow(
      'grid.epoch is not a grid field; expected one of datasets, methods, ' +
        'seeds, pca, backends, dataDir, limit, runs, epochs, nInit, ' +
        'silhouetteSample',
    );
  });

  it('names a grid that is not a mapping', async () => {
    const expansion = expandGrid(['usps'], 'grid.json');
    await expect(expansion).rejects.toThrow(
      'grid file grid.json is invalid: grid is ["usps"]; expected a ' +
        'mapping of grid fields',
    );
  });

  it('counts the problems past ten', async () => {
    const seeds = Array.from({ length: 12 }, () => 'x');
    const expansion = expandGrid({ ...grid, seeds }, 'grid.json');
    await expect(expansion).rejects.toThrow(
      /grid\.seeds\[9\] is "x".*\n {2}and 2 more problems$/,
    );
  });
});

describe('cellKey', () => {
  const cell: BenchCell = {
    dataset: 'usps',
    dataPath: '/data/usps/usps.h5',
    pcaComponents: 0,
    method: 'km50',
    backend: 'wasm',
    seed: 1,
    runs: 1,
    epochs: 1,
    nInit: 1,
    silhouetteSampleSize: 200,
  };

  it('ignores field order', () => {
    const reordered = Object.fromEntries(
      Object.entries(cell).reverse(),
    ) as unknown as BenchCell;
    expect(cellKey(reordered)).toBe(cellKey(cell));
  });

  it('ignores undefined fields', () => {
    expect(cellKey({ ...cell, limit: undefined })).toBe(cellKey(cell));
  });

  it('changes with the seed', () => {
    expect(cellKey({ ...cell, seed: 2 })).not.toBe(cellKey(cell));
  });

  it('is a SHA-256 in hex', () => {
    expect(cellKey(cell)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('readGridFile', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-grid-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads YAML with a relative data folder', async () => {
    const path = join(directory, 'grid.yaml');
    const lines = [
      'datasets: [usps]',
      'dataDir: data',
      'methods: [km50]',
      'backends: [wasm]',
    ];
    await writeFile(path, lines.join('\n'));
    const [cell] = await readGridFile(path);
    expect(cell!.dataPath).toBe(join(directory, 'data', 'usps', 'usps.h5'));
  });

  it('rejects an empty data folder', async () => {
    const path = join(directory, 'empty-data-dir.json');
    await writeFile(path, JSON.stringify({ ...grid, dataDir: '' }));
    await expect(readGridFile(path)).rejects.toThrow(
      `grid file ${path} is invalid: grid.dataDir is ""; expected a folder ` +
        'path, not an empty string',
    );
  });

  it('reads JSON', async () => {
    const path = join(directory, 'grid.json');
    await writeFile(path, JSON.stringify(grid));
    expect(await readGridFile(path)).toHaveLength(12);
  });

  it('names a missing file', async () => {
    const path = join(directory, 'missing.json');
    await expect(readGridFile(path)).rejects.toThrow(/missing\.json/);
  });

  it('names the file and the bad values', async () => {
    const path = join(directory, 'bad-values.yaml');
    const lines = [
      'datasets: [usps, cifar10]',
      'methods: [km50]',
      'backends: [wasm]',
      'epochs: ten',
    ];
    await writeFile(path, lines.join('\n'));
    await expect(readGridFile(path)).rejects.toThrow(
      `grid file ${path} is invalid:\n` +
        '  grid.datasets[1] is "cifar10"; expected one of mnist, usps, ' +
        '20news\n' +
        '  grid.epochs is "ten"; expected an integer at least 1',
    );
  });

  it('names invalid JSON', async () => {
    const path = join(directory, 'broken.json');
    await writeFile(path, '{"datasets": [');
    await expect(readGridFile(path)).rejects.toThrow(/not valid JSON/);
    await expect(readGridFile(path)).rejects.not.toThrow(/\.yaml/);
  });

  it('hints at .yaml for a file with no extension', async () => {
    const path = join(directory, 'grid');
    await writeFile(path, 'datasets: [usps]\nmethods: [km50]\n');
    await expect(readGridFile(path)).rejects.toThrow(
      /not valid JSON: .*; name a YAML grid file \.yaml or \.yml$/,
    );
  });
});
