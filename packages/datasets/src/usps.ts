import { join } from 'node:path';

import {
  InvalidDataError,
  InvalidParameterError,
  type Dataset,
} from '@fixclust/core';
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';

import {
  DIGIT_CLASSES,
  checkDigitLabels,
  concatenate,
  splitName,
  storedSplits,
  type DatasetSplit,
  type StoredSplit,
} from './digits.js';
import { assertOptions, assertPath } from './arguments.js';
import { statOrUndefined } from './files.js';
import { checkHdf5File, withHdf5File, type H5Module } from './hdf5.js';

/** Options of {@link loadUsps}. */
export interface UspsOptions {
  /** The HDF5 file `usps.h5`, or a folder that contains it. */
  path: string;
  /**
   * Part to load: `train` (7,291 digits), `test` (2,007) or `all` (both,
   * training digits first). Default: `all`.
   */
  split?: DatasetSplit;
}

/** File name looked for when {@link UspsOptions.path} is a folder. */
export const USPS_FILE_NAME = 'usps.h5';

/** Shape of one USPS image, and its number of pixels. */
const USPS_SAMPLE_SHAPE = [16, 16];
const USPS_FEATURES = 256;
const KIND = 'USPS file';

/** HDF5 datatype classes (H5T_class_t) that the loader accepts. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Pixels and labels of one group. */
interface UspsPart {
  x: Float32Array;
  labels: Int32Array;
}

/**
 * Loads the USPS handwritten digits from an HDF5 file with groups `train` and
 * `test`, each with datasets `data` (float, n × 256, one 16 × 16 image per
 * row) and `target` (n digit labels).
 *
 * Checks that the file exists, is HDF5 and is not truncated, and that each
 * group and dataset is present. `data` must be a 2-dimensional float array
 * of 256 columns with finite values. `target` must be 1-dimensional, as long
 * as `data`, and contain the digits 0 to 9 (as integers or floats). Float64
 * pixels are converted to float32, and pixel values are kept as stored, in
 * [0, 1] for the common `usps.h5`.
 *
 * @returns A data set named `usps` (`usps-train` or `usps-test` for one
 *   part), with `sampleShape` [16, 16] and `nClasses` 10.
 * @throws InvalidDataError naming the file and what is missing or malformed.
 * @throws InvalidParameterError when `options` is missing or has a key
 *   other than `path` and `split`, `path` is missing or not a string, or
 *   `split` is not `all`, `train` or `test`.
 */
export async function loadUsps(options: UspsOptions): Promise<Dataset> {
  assertOptions(options, ['path', 'split'], true);
  if (options.path === undefined) throw missingUspsPath();
  assertPath('path', options.path);
  const split = options.split ?? 'all';
  const groups = storedSplits(split);
  const path = await resolveUspsFile(options.path);
  await checkHdf5File(path, KIND);

  const parts = await withHdf5File(path, KIND, (file, h5) =>
    groups.map((group) => readUspsGroup(file, h5, group, path)),
  );
  const x = concatenate(parts.map((part) => part.x));
  const labels = concatenate(parts.map((part) => part.labels));
  return {
    name: splitName('usps', split),
    x,
    nSamples: labels.length,
    nFeatures: USPS_FEATURES,
    labels,
    nClasses: DIGIT_CLASSES,
    sampleShape: [...USPS_SAMPLE_SHAPE],
  };
}

/**
 * Builds the error for a USPS load without `path`, which has no bundled
 * copy to fall back on.
 */
export function missingUspsPath(): InvalidParameterError {
  return new InvalidParameterError(
    'path',
    undefined,
    `USPS has no bundled copy; pass path, the location of ` +
      `${USPS_FILE_NAME} or of the folder that contains it`,
  );
}

/** Returns `path`, or `path/usps.h5` when `path` is a folder. */
async function resolveUspsFile(path: string): Promise<string> {
  const stats = await statOrUndefined(path, KIND);
  if (stats === undefined) {
    throw new InvalidDataError(
      `${KIND} ${path} not found; pass the path to ${USPS_FILE_NAME} or to ` +
        `the folder that contains it`,
      { path },
    );
  }
  if (!stats.isDirectory()) return path;

  const file = join(path, USPS_FILE_NAME);
  if ((await statOrUndefined(file, KIND))?.isFile() !== true) {
    throw new InvalidDataError(
      `USPS folder ${path} has no file ${USPS_FILE_NAME}; pass the path to ` +
        `${USPS_FILE_NAME} or to the folder that contains it`,
      { path: file },
    );
  }
  return file;
}

function readUspsGroup(
  file: H5File,
  h5wasm: H5Module,
  group: StoredSplit,
  path: string,
): UspsPart {
  const entity = file.get(group);
  if (!(entity instanceof h5wasm.Group)) {
    const found =
      entity === null ? 'nothing' : 'an HDF5 object that is not a group';
    throw new InvalidDataError(
      `${KIND} ${path} has ${found} at /${group}; expected groups train ` +
        `and test, each with datasets data and target`,
      { path },
    );
  }

  const x = readPixels(getDataset(h5wasm, entity, 'data', path), path);
  const target = getDataset(h5wasm, entity, 'target', path);
  const labels = readTargets(target, x.length / USPS_FEATURES, path);
  return { x, labels };
}

function getDataset(
  h5wasm: H5Module,
  group: InstanceType<H5Module['Group']>,
  name: string,
  path: string,
): H5Dataset {
  const entity = group.get(name);
  if (entity instanceof h5wasm.Dataset) return entity;
  throw new InvalidDataError(
    `${KIND} ${path} has no dataset ${group.path}/${name}; expected groups ` +
      `train and test, each with datasets data and target`,
    { path },
  );
}

/** Reads an n × 256 float dataset as float32 and checks it is finite. */
function readPixels(dataset: H5Dataset, path: string): Float32Array {
  const { shape, type } = dataset.metadata;
  const source = `${KIND} ${path} dataset ${dataset.path}`;
  const columns = USPS_FEATURES;
  if (type !== H5T_FLOAT || shape?.length !== 2 || shape[1] !== columns) {
    throw new InvalidDataError(
      `${source} has shape ${describeShape(shape)} of ${typeName(type)}; ` +
        `expected a float array of n rows × ${columns} columns`,
      { path },
    );
  }

  const values = dataset.value;
  const x =
    values instanceof Float32Array
      ? values
      : Float32Array.from(values as ArrayLike<number>);
  const bad = x.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new InvalidDataError(
      `${source} contains ${x[bad]} at row ${Math.floor(bad / columns)}, ` +
        `column ${bad % columns}; expected finite pixel values`,
      { path },
    );
  }
  return x;
}

/** Reads a 1-dimensional label dataset of `nSamples` digits as int32. */
function readTargets(
  dataset: H5Dataset,
  nSamples: number,
  path: string,
): Int32Array {
  const { shape, type } = dataset.metadata;
  const source = `${KIND} ${path} dataset ${dataset.path}`;
  if (type !== H5T_INTEGER && type !== H5T_FLOAT) {
    throw new InvalidDataError(
      `${source} contains ${typeName(type)}; expected integer labels`,
      { path },
    );
  }
  if (shape?.length !== 1 || shape[0] !== nSamples) {
    throw new InvalidDataError(
      `${source} has shape ${describeShape(shape)}; expected ${nSamples} ` +
        `labels, one per row of the data beside it`,
      { path },
    );
  }

  const values = Array.from(
    dataset.value as ArrayLike<number | bigint>,
    Number,
  );
  checkDigitLabels(values, source, path);
  return Int32Array.from(values);
}

function typeName(type: number): string {
  if (type === H5T_INTEGER) return 'integers';
  if (type === H5T_FLOAT) return 'floats';
  return `values of HDF5 datatype class ${type}`;
}

function describeShape(shape: number[] | null): string {
  return shape === null ? 'none' : `(${shape.join(', ')})`;
}
