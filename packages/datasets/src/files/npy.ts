import { InvalidDataError } from '@fixclust/core';

import { assertBytes, assertOptions, assertPath } from '../arguments.js';
import { readDataFile } from '../files.js';
import { encodeNumericClassLabels } from './class-labels.js';
import { elementReader, type NpyDtype } from './npy-dtype.js';
import { formatShape, readNpyHeader, type NpyHeader } from './npy-header.js';
import { datasetNameFromPath, type UserDataset } from './user-dataset.js';

/** An n-dimensional array read from an NPY file. */
export interface NpyArray {
  /** Element type stored in the file. */
  dtype: NpyDtype;
  /** The file's `descr` string, such as `<f4` or `>i8`. */
  descr: string;
  /** Size of each dimension, outermost first; `[]` for a scalar. */
  shape: number[];
  /** Whether the file stored the values column-major. */
  fortranOrder: boolean;
  /** Values as float32, row-major for either memory order of the file. */
  data: Float32Array;
}

/** Options of {@link loadNpyDataset}. */
export interface NpyDatasetOptions {
  /**
   * NPY file of class values, one per sample: a 1-dimensional array of any
   * numeric dtype. Default: no labels.
   */
  labelsPath?: string | undefined;
}

type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * Reads an NPY file (NumPy's `.npy` format, versions 1.0 to 3.0).
 *
 * @throws InvalidParameterError when `path` is not a string.
 * @throws InvalidDataError naming the file when it is missing or unreadable,
 *   or for any problem {@link parseNpy} reports.
 */
export async function loadNpy(path: string): Promise<NpyArray> {
  assertPath('path', path);
  return parseNpy(await readDataFile(path, 'NPY file'), path);
}

/**
 * Parses the bytes of an NPY file and converts its values to float32,
 * row-major.
 *
 * Reads the dtypes bool, int8 to int64, uint8 to uint64, float16, float32
 * and float64, little- or big-endian, stored in C or Fortran order.
 * Integers beyond 2^24 in magnitude round to the nearest float32. The
 * header is parsed as a Python literal and never evaluated, and object
 * arrays are never unpickled.
 *
 * @param bytes - Whole file contents.
 * @param path - File name for messages.
 * @throws InvalidParameterError when `bytes` is not a Uint8Array (a Node
 *   Buffer is one) or `path` is not a string.
 * @throws InvalidDataError naming the file for a wrong magic string, an
 *   unsupported version, or an invalid or truncated header.
 * @throws InvalidDataError naming the dtype when it is not numeric, such as
 *   an object array, strings or a structured type.
 * @throws InvalidDataError when the data is shorter (truncated) or longer
 *   than the shape needs, and for a NaN, an infinity or a value outside the
 *   float32 range, with
 *   its index.
 */
export function parseNpy(bytes: Uint8Array, path: string): NpyArray {
  assertBytes(bytes);
  assertPath('path', path);
  const { header, values } = decodeNpy(bytes, path, Float32Array);
  return {
    dtype: header.type.dtype,
    descr: header.descr,
    shape: header.shape,
    fortranOrder: header.fortranOrder,
    data: values,
  };
}

/**
 * Loads a data set from an NPY file of samples, and optionally an NPY file
 * of their class values.
 *
 * The data array has one sample per row: n × d, or n × d1 × d2 × … which is
 * flattened row-major to n × (d1 · d2 · …) with `sampleShape` [d1, d2, …].
 * Class values become `labels` 0 … C − 1 in ascending order of value, with
 * the values written in `classNames`.
 *
 * @param dataPath - NPY file of samples; the data set is named after it.
 * @throws InvalidParameterError when a path is not a string, or `options`
 *   has a key other than `labelsPath`.
 * @throws InvalidDataError naming the file for any problem {@link loadNpy}
 *   reports, for data with fewer than 2 dimensions or no values, for labels
 *   that are not 1-dimensional or not one per sample, and for 64-bit
 *   integer labels beyond 2^53 in magnitude, which a number cannot hold
 *   exactly.
 */
export async function loadNpyDataset(
  dataPath: string,
  options: NpyDatasetOptions = {},
): Promise<UserDataset> {
  assertPath('dataPath', dataPath);
  assertOptions(options, ['labelsPath']);
  if (options.labelsPath !== undefined) {
    assertPath('labelsPath', options.labelsPath);
  }
  const data = await loadNpy(dataPath);
  const { shape } = data;
  const nSamples = shape[0] ?? 0;
  const sampleShape = shape.slice(1);
  const nFeatures = sampleShape.reduce((product, size) => product * size, 1);
  if (shape.length < 2 || nSamples === 0 || nFeatures === 0) {
    throw badDataShape(dataPath, shape);
  }

  const dataset: UserDataset = {
    name: datasetNameFromPath(dataPath),
    x: data.data,
    nSamples,
    nFeatures,
  };
  if (shape.length > 2) dataset.sampleShape = sampleShape;
  if (options.labelsPath !== undefined) {
    const values = await loadNpyLabels(options.labelsPath, nSamples, dataPath);
    const { labels, classNames } = encodeNumericClassLabels(values);
    dataset.labels = labels;
    dataset.nClasses = classNames.length;
    dataset.classNames = classNames;
  }
  return dataset;
}

/**
 * Builds the error for a data array that is not one sample per row in 2
 * or more dimensions, none of them empty.
 */
export function badDataShape(
  path: string,
  shape: readonly number[],
): InvalidDataError {
  const hint =
    shape.length < 2
      ? 'pass a 1-dimensional array as labelsPath, or save one feature as ' +
        'x.reshape(-1, 1)'
      : 'pass at least one sample with at least one feature';
  return new InvalidDataError(
    `NPY file ${path} has shape ${formatShape(shape)}, but data needs one ` +
      `sample per row in 2 or more dimensions, none of them empty; ${hint}`,
    { path },
  );
}

/** Reads a 1-dimensional label array with exact values (float64). */
export async function loadNpyLabels(
  path: string,
  nSamples: number,
  dataPath: string,
): Promise<Float64Array> {
  const bytes = await readDataFile(path, 'NPY file');
  const { header, values } = decodeNpy(bytes, path, Float64Array);
  if (header.shape.length !== 1 || values.length !== nSamples) {
    throw new InvalidDataError(
      `NPY labels file ${path} has shape ${formatShape(header.shape)}, but ` +
        `the data file ${dataPath} has ${nSamples} samples; pass a ` +
        `1-dimensional array of ${nSamples} labels, such as y.ravel()`,
      { path },
    );
  }

  const is64Bit =
    header.type.dtype === 'int64' || header.type.dtype === 'uint64';
  const inexact = is64Bit
    ? values.findIndex((v) => !Number.isSafeInteger(v))
    : -1;
  if (inexact >= 0) {
    throw new InvalidDataError(
      `NPY labels file ${path} has a ${header.type.dtype} label beyond 2^53 ` +
        `at index ${inexact}, which would merge with its neighbours; ` +
        `renumber the classes from 0`,
      { path },
    );
  }
  return values;
}

/**
 * Reads the header and converts the values to `ArrayType`, row-major.
 *
 * @throws InvalidDataError as {@link parseNpy} describes.
 */
function decodeNpy<T extends FloatArrayConstructor>(
  bytes: Uint8Array,
  path: string,
  ArrayType: T,
): { header: NpyHeader; values: InstanceType<T> } {
  const header = readNpyHeader(bytes, path);
  const count = checkDataLength(bytes.length, header, path);
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + header.dataOffset,
    count * header.type.size,
  );

  const read = elementReader(header.type);
  const stored = new ArrayType(count) as InstanceType<T>;
  for (let i = 0; i < count; i++) {
    const value = read(view, i);
    stored[i] = value;
    if (!Number.isFinite(stored[i])) {
      throw nonFiniteValue(path, header, i, value, ArrayType);
    }
  }
  const values = header.fortranOrder
    ? toRowMajor(stored, header.shape)
    : stored;
  return { header, values };
}

/**
 * Returns the number of elements, after checking that the file contains
 * exactly their bytes after the header.
 */
export function checkDataLength(
  fileLength: number,
  header: NpyHeader,
  path: string,
): number {
  const count = header.shape.reduce((product, size) => product * size, 1);
  const needed = count * header.type.size;
  const found = fileLength - header.dataOffset;
  if (Number.isSafeInteger(needed) && needed === found) return count;

  const shape = formatShape(header.shape);
  const problem =
    needed > found
      ? `is truncated: shape ${shape} of '${header.descr}' needs ${needed} ` +
        `data bytes, but the file has ${found}`
      : `has ${found - needed} bytes after the ${needed} data bytes of ` +
        `shape ${shape} of '${header.descr}'; save one array per file`;
  throw new InvalidDataError(`NPY file ${path} ${problem}`, { path });
}

/**
 * Builds the error for a value stored at `storedIndex` that is not finite
 * or does not fit in the array type it is read into, with its NumPy index.
 */
export function nonFiniteValue(
  path: string,
  header: NpyHeader,
  storedIndex: number,
  value: number,
  ArrayType: FloatArrayConstructor,
): InvalidDataError {
  const index = formatIndex(storedIndex, header.shape, header.fortranOrder);
  const problem = Number.isFinite(value)
    ? `${value}, outside the ${ArrayType === Float32Array ? 'float32' : 'float64'} range`
    : `${value}`;
  return new InvalidDataError(
    `NPY file ${path} contains ${problem} at index ${index}; remove or ` +
      `impute non-finite values, and rescale values beyond 3.4e38, before ` +
      `clustering`,
    { path },
  );
}

/** Formats the NumPy index of the element stored at `storedIndex`. */
function formatIndex(
  storedIndex: number,
  shape: readonly number[],
  fortranOrder: boolean,
): string {
  const index = new Array<number>(shape.length).fill(0);
  let rest = storedIndex;
  for (let k = 0; k < shape.length; k++) {
    const axis = fortranOrder ? k : shape.length - 1 - k;
    const size = shape[axis] ?? 1;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return `[${index.join(', ')}]`;
}

/** Reorders values stored column-major (first axis fastest) to row-major. */
function toRowMajor<A extends Float32Array | Float64Array>(
  stored: A,
  shape: readonly number[],
): A {
  const ndim = shape.length;
  const strides = new Array<number>(ndim).fill(1);
  for (let k = ndim - 2; k >= 0; k--) {
    strides[k] = (strides[k + 1] ?? 1) * (shape[k + 1] ?? 1);
  }

  const out = stored.slice() as A;
  const counter = new Array<number>(ndim).fill(0);
  let target = 0;
  for (let i = 0; i < stored.length; i++) {
    out[target] = stored[i] ?? 0;
    for (let k = 0; k < ndim; k++) {
      const stride = strides[k] ?? 1;
      counter[k] = (counter[k] ?? 0) + 1;
      target += stride;
      if ((counter[k] ?? 0) < (shape[k] ?? 1)) break;
      counter[k] = 0;
      target -= stride * (shape[k] ?? 1);
    }
  }
  return out;
}
