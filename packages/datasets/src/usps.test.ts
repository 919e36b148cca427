import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { InvalidDataError, type Dataset } from '@fixclust/core';
import h5wasm from 'h5wasm/node';
import {
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
  syntheticUspsGroup,
  writeUspsFile,
} from './test-fixtures.js';
import { loadUsps } from './usps.js';

const TRAIN_COUNTS = [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644];
const TEST_COUNTS = [359, 264, 198, 166, 200, 160, 170, 147, 166, 177];

function countLabels(labels: Int32Array | undefined): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels ?? []) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

describe('loadUsps', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
    path = join(directory, 'usps.h5');
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await removeTempDirectory(directory);
  });

  it('loads train then test', async () => {
    await writeUspsFile(path, {
      train: syntheticUspsGroup(4),
      test: syntheticUspsGroup(3),
    });
    const dataset = await loadUsps({ path });

    expect(dataset.name).toBe('usps');
    expect(dataset.nSamples).toBe(7);
    expect(dataset.nFeatures).toBe(256);
    expect(dataset.x).toHaveLength(7 * 256);
    expect(dataset.sampleShape).toEqual([16, 16]);
    expect(dataset.nClasses).toBe(10);
    expect(Array.from(dataset.labels ?? [])).toEqual([0, 1, 2, 3, 0, 1, 2]);
    expect(dataset.x[256]).toBe(0.25);
    expect(dataset.x[6 * 256 + 255]).toBeCloseTo(2 / 3, 6);
  });

  it('finds usps.h5 in a folder', async () => {
    await writeUspsFile(path, {
      train: syntheticUspsGroup(4),
      test: syntheticUspsGroup(3),
    });
    const dataset = await loadUsps({ path: directory });
    expect(dataset.nSamples).toBe(7);
  });

  it('loads one split', async () => {
    await writeUspsFile(path, {
      train: syntheticUspsGroup(4),
      test: syntheticUspsGroup(3),
    });
    const train = await loadUsps({ path, split: 'train' });
    const test = await loadUsps({ path, split: 'test' });

    expect(train.name).toBe('usps-train');
    expect(train.nSamples).toBe(4);
    expect(test.name).toBe('usps-test');
    expect(test.nSamples).toBe(3);
    expect(test.x[256]).toBeCloseTo(1 / 3, 6);
  });

  it('names the file and the missing group', async () => {
    await writeUspsFile(path, { test: syntheticUspsGroup(3) });

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).path).toBe(path);
    expect(error.message).toContain(`USPS file ${path} has no`);
    expect(error.message).toContain('/train');
  });

  it('loads the test group alone', async () => {
    await writeUspsFile(path, { test: syntheticUspsGroup(3) });
    const dataset = await loadUsps({ path, split: 'test' });
    expect(dataset.nSamples).toBe(3);
  });

  it('rejects a file that is not HDF5', async () => {
    await writeFile(path, 'label,pixel0\n3,0.5\n');

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`USPS file ${path} is not an HDF5 file`);
    expect(error.message).toContain('6c 61 62 65');
  });

  it('names a truncated file', async () => {
    await writeUspsFile(path, {
      train: syntheticUspsGroup(40),
      test: syntheticUspsGroup(30),
    });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 5000));

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`USPS file ${path} is truncated`);
    expect(error.message).toContain(`declares ${bytes.length} bytes`);
    expect(error.message).toContain('the file has 5000 bytes');
  });

  it('names a missing file', async () => {
    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`USPS file ${path} not found`);
  });

  it('names a folder without usps.h5', async () => {
    const error = await catchError(() => loadUsps({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`USPS folder ${directory} has no file`);
  });

  it('rejects data without 256 columns', async () => {
    const group = { ...syntheticUspsGroup(4), columns: 128 };
    await writeUspsFile(path, { train: group, test: syntheticUspsGroup(3) });

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${path} dataset /train/data`);
    expect(error.message).toContain('shape (8, 128)');
  });

  it('rejects targets of another length', async () => {
    const group = syntheticUspsGroup(4);
    group.target = group.target.subarray(0, 3);
    await writeUspsFile(path, { train: group, test: syntheticUspsGroup(3) });

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${path} dataset /train/target`);
    expect(error.message).toContain('shape (3); expected 4 labels');
  });

  it('rejects a label above 9', async () => {
    const group = syntheticUspsGroup(3);
    group.target[2] = 11;
    await writeUspsFile(path, { train: syntheticUspsGroup(4), test: group });

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${path} dataset /test/target`);
    expect(error.message).toContain('label 11 at index 2');
  });

  it('rejects non-finite pixels', async () => {
    const group = syntheticUspsGroup(3);
    group.data[256 + 5] = Number.NaN;
    await writeUspsFile(path, { train: syntheticUspsGroup(4), test: group });

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('NaN at row 1, column 5');
  });

  it('names a missing dataset', async () => {
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'w');
    file.create_group('train').create_dataset({
      name: 'data',
      data: new Float32Array(256),
      shape: [1, 256],
      dtype: '<f',
    });
    file.close();

    const error = await catchError(() => loadUsps({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${path} has no dataset /train/target`);
  });

  it('closes the file on success and failure', async () => {
    await writeUspsFile(path, { test: syntheticUspsGroup(3) });
    const close = vi.spyOn(h5wasm.File.prototype, 'close');

    await loadUsps({ path, split: 'test' });
    expect(close).toHaveBeenCalledTimes(1);
    await expect(loadUsps({ path })).rejects.toThrow(InvalidDataError);
    expect(close).toHaveBeenCalledTimes(2);
  });
});

describeWithData('loadUsps on the real file', ['usps/usps.h5'], (data) => {
  const path = join(data, 'usps', 'usps.h5');
  let dataset: Dataset;

  beforeAll(async () => {
    dataset = await loadUsps({ path });
  });

  it('has 9,298 digits of 256 pixels', () => {
    expect(dataset.nSamples).toBe(9298);
    expect(dataset.nFeatures).toBe(256);
    expect(dataset.x).toHaveLength(9298 * 256);
    expect(dataset.labels).toHaveLength(9298);
    expect(dataset.sampleShape).toEqual([16, 16]);
  });

  it('has pixels in [0, 1]', () => {
    let min = Infinity;
    let max = -Infinity;
    for (const value of dataset.x) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.5);
  });

  it('has the published label counts', () => {
    const expected = TRAIN_COUNTS.map(
      (n, digit) => n + (TEST_COUNTS[digit] ?? 0),
    );
    expect(countLabels(dataset.labels)).toEqual(expected);
  });

  it('loads the splits separately', async () => {
    const train = await loadUsps({ path, split: 'train' });
    const test = await loadUsps({ path, split: 'test' });
    expect(countLabels(train.labels)).toEqual(TRAIN_COUNTS);
    expect(countLabels(test.labels)).toEqual(TEST_COUNTS);
    expect(test.x).toEqual(dataset.x.slice(7291 * 256));
  });

  it('names a truncated copy', async () => {
    const directory = await createTempDirectory();
    try {
      const copy = join(directory, 'usps.h5');
      await writeFile(copy, (await readFile(path)).subarray(0, 1_000_000));

      const error = await catchError(() => loadUsps({ path: copy }));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toContain(`USPS file ${copy} is truncated`);
      expect(error.message).toContain('declares 2913522 bytes');
    } finally {
      await removeTempDirectory(directory);
    }
  });

  it('names a copy corrupted in the middle', async () => {
    const directory = await createTempDirectory();
    try {
      const copy = join(directory, 'usps.h5');
      const bytes = await readFile(path);
      bytes.fill(0x5a, 1_000_000, 1_200_000);
      await writeFile(copy, bytes);

      const error = await catchError(() => loadUsps({ path: copy }));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toContain(
        `USPS file ${copy} could not be read by the HDF5 library`,
      );
    } finally {
      await removeTempDirectory(directory);
    }
  });
});
