import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import { loadUserDataset, openUserDatasetStream } from './load-user-dataset.js';

/** A version 1.0 NPY file of little-endian float32 values, C order. */
function float32Npy(shape: number[], values: number[]): Uint8Array {
  const dict =
    `{'descr': '<f4', 'fortran_order': False, 'shape': ` +
    `(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const header = dict.padEnd(118 - 1, ' ') + '\n';
  const bytes = new Uint8Array(128 + 4 * values.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  view.setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  values.forEach((value, i) => view.setFloat32(128 + 4 * i, value, true));
  return bytes;
}

describe('loadUserDataset', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('reads CSV, TSV and TXT files', async () => {
    const files: [string, string][] = [
      ['a.csv', 'x,y,class\n1,2,a\n3,4,b\n'],
      ['b.TSV', 'x\ty\tclass\n1\t2\ta\n3\t4\tb\n'],
      ['c.txt', 'x;y;class\n1;2;a\n3;4;b\n'],
    ];
    for (const [name, text] of files) {
      const path = join(directory, name);
      await writeFile(path, text);
      const dataset = await loadUserDataset(path, { labelColumn: 'class' });
      expect(Array.from(dataset.x), name).toEqual([1, 2, 3, 4]);
      expect(dataset.classNames, name).toEqual(['a', 'b']);
    }
  });

  it('reads NPY files with labels', async () => {
    const dataPath = join(directory, 'x.npy');
    const labelsPath = join(directory, 'y.npy');
    await writeFile(dataPath, float32Npy([2, 2], [1, 2, 3, 4]));
    await writeFile(labelsPath, float32Npy([2], [5, 4]));
    const dataset = await loadUserDataset(dataPath, { labelsPath });
    expect(dataset.name).toBe('x');
    expect(Array.from(dataset.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(dataset.labels ?? [])).toEqual([1, 0]);
    expect(dataset.classNames).toEqual(['4', '5']);
  });

  it('rejects other extensions', async () => {
    const cases: [string, string][] = [
      [
        'data.xlsx',
        'extension .xlsx; supported extensions are .csv, .tsv, .txt, .npy; export the sheet as CSV',
      ],
      [
        'data.npz',
        'extension .npz; supported extensions are .csv, .tsv, .txt, .npy; save each array with numpy.save as .npy instead',
      ],
      ['data', 'no extension; supported extensions are .csv, .tsv, .txt, .npy'],
    ];
    for (const [name, message] of cases) {
      const path = join(directory, name);
      const error = await catchError(() => loadUserDataset(path));
      expect(error, name).toBeInstanceOf(InvalidParameterError);
      expect(error.message, name).toBe(`${path} has ${message}`);
    }
  });

  it('rejects options the reader ignores', async () => {
    const npy = join(directory, 'x.npy');
    const npyError = await catchError(() =>
      loadUserDataset(npy, { labelColumn: 2 }),
    );
    expect(npyError).toBeInstanceOf(InvalidParameterError);
    expect(npyError.message).toBe(
      `labelColumn does not apply to the NPY file ${npy}; CSV options ` +
        'apply to .csv, .tsv and .txt files only',
    );

    const csv = join(directory, 'x.csv');
    const csvError = await catchError(() =>
      loadUserDataset(csv, { labelsPath: 'y.npy' }),
    );
    expect(csvError).toBeInstanceOf(InvalidParameterError);
    expect(csvError.message).toBe(
      `labelsPath does not apply to the CSV file ${csv}; put the labels in ` +
        'a column of the CSV file and pass labelColumn',
    );
  });

  it('names a missing file', async () => {
    const path = join(directory, 'missing.csv');
    const error = await catchError(() => loadUserDataset(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(`CSV file ${path} not found`);
  });
});

describe('openUserDatasetStream', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('reads an NPY file and its labels in blocks', async () => {
    const path = join(directory, 'x.npy');
    const labelsPath = join(directory, 'y.npy');
    await writeFile(path, float32Npy([3, 2], [1, 2, 3, 4, 5, 6]));
    await writeFile(labelsPath, float32Npy([3], [1, 0, 1]));
    const stream = await openUserDatasetStream(path, {
      labelsPath,
      blockSize: 2,
    });
    try {
      expect([stream.nSamples, stream.nFeatures, stream.blockSize]).toEqual([
        3, 2, 2,
      ]);
      expect(Array.from(await stream.readRows(1, 2))).toEqual([3, 4, 5, 6]);
      expect(Array.from(stream.labels!)).toEqual([1, 0, 1]);
    } finally {
      await stream.close();
    }
  });

  it('reads a CSV file through its cache', async () => {
    const path = join(directory, 'data.tsv');
    await writeFile(path, 'a\tb\tclass\n1\t2\tx\n3\t4\ty\n');
    const stream = await openUserDatasetStream(path, {
      labelColumn: 'class',
      cacheDirectory: join(directory, 'cache'),
    });
    try {
      expect(Array.from(await stream.readRows(0, 2))).toEqual([1, 2, 3, 4]);
      expect(Array.from(stream.labels!)).toEqual([0, 1]);
    } finally {
      await stream.close();
    }
  });

  it('rejects options the reader ignores', async () => {
    const npy = join(directory, 'x.npy');
    await writeFile(npy, float32Npy([1, 1], [1]));
    const cached = await catchError(() =>
      openUserDatasetStream(npy, { cacheDirectory: directory }),
    );
    expect(cached).toBeInstanceOf(InvalidParameterError);
    expect(cached.message).toBe(
      `cacheDirectory does not apply to the NPY file ${npy}; CSV options ` +
        `apply to .csv, .tsv and .txt files only`,
    );
    const csv = join(directory, 'x.csv');
    await writeFile(csv, '1,2\n');
    const labels = await catchError(() =>
      openUserDatasetStream(csv, { labelsPath: npy }),
    );
    expect(labels.message).toContain('labelsPath does not apply to the CSV');
    const other = await catchError(() =>
      openUserDatasetStream(join(directory, 'x.parquet')),
    );
    expect(other.message).toContain('has extension .parquet');
  });
});
