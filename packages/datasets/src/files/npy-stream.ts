import { open, type FileHandle } from 'node:fs/promises';

import {
  assertIntegerInRange,
  assertRowRange,
  DEFAULT_BLOCK_ROWS,
  InvalidDataError,
  type StreamingDataset,
} from '@fixclust/core';

import { assertOptions, assertPath } from '../arguments.js';
import { fileError } from '../files.js';
import { elementReader, type NpyDtype } from './npy-dtype.js';
import { readNpyFileHeader } from './npy-file-header.js';
import type { NpyHeader } from './npy-header.js';
import { badDataShape, nonFiniteValue } from './npy.js';
import { readNpyLabelsInBlocks } from './npy-stream-labels.js';
import { datasetNameFromPath } from './user-dataset.js';

/** Options of {@link openNpyStream}. */
export interface NpyStreamOptions {
  /** Rows per block read. Default: `DEFAULT_BLOCK_ROWS` of core (4096). */
  blockSize?: number | undefined;
  /**
   * NPY file of class values, one per sample, read twice in blocks: the
   * labels take 4 bytes per sample. Default: no labels.
   */
  labelsPath?: string | undefined;
}

/** Keys of {@link NpyStreamOptions}. */
export const NPY_STREAM_OPTION_NAMES = [
  'blockSize',
  'labelsPath',
] as const satisfies ReadonlyArray<keyof NpyStreamOptions>;

/** A {@link StreamingDataset} that reads an NPY file in blocks of rows. */
export interface NpyStream extends StreamingDataset {
  /** The file read. */
  readonly path: string;
  /** Element type stored in the file; rows are converted to float32. */
  readonly dtype: NpyDtype;
  /** Original class value of each label, with `labelsPath`. */
  readonly classNames?: string[] | undefined;
}

/**
 * Opens an NPY file for reading in blocks of rows, without loading it: the
 * file stays open until `close` is called, and each read converts the
 * requested rows to float32 and checks that they are finite.
 *
 * The data array has one sample per row, as {@link loadNpyDataset} reads
 * it: n × d, or n × d1 × d2 × … flattened row-major.
 *
 * @throws InvalidDataError naming the file for any problem {@link parseNpy}
 *   reports in the header or the file length, for data with fewer than 2
 *   dimensions or no values, and for labels that are not one per sample.
 * A file stored in Fortran (column-major) order is read one stored column
 * of the block's rows at a time, `d` reads per block instead of one, and
 * gives the same rows as the full reader.
 *
 * @throws InvalidParameterError when `path` or `labelsPath` is not a
 *   string, `options` has an unknown key, or `blockSize` is not a positive
 *   integer.
 */
export async function openNpyStream(
  path: string,
  options: NpyStreamOptions = {},
): Promise<NpyStream> {
  assertPath('path', path);
  assertOptions(options, NPY_STREAM_OPTION_NAMES);
  if (options.labelsPath !== undefined) {
    assertPath('labelsPath', options.labelsPath);
  }
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_ROWS;
  assertIntegerInRange('blockSize', blockSize, 1);
  const handle = await openFile(path);
  try {
    const header = await readHeader(handle, path);
    const labelled = await readLabels(options, header.shape[0]!, path);
    return new NpyBlockReader(handle, path, header, blockSize, labelled);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface Labelled {
  labels?: Int32Array;
  nClasses?: number;
  classNames?: string[];
}

class NpyBlockReader implements NpyStream {
  readonly name: string;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly sampleShape: readonly number[] | undefined;
  readonly dtype: NpyDtype;
  readonly labels: Int32Array | undefined;
  readonly nClasses: number | undefined;
  readonly classNames: string[] | undefined;
  private closed = false;
  /** Row-major feature of each stored column, for a Fortran-order file. */
  private columnOrder: Int32Array | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly header: NpyHeader,
    readonly blockSize: number,
    labelled: Labelled,
  ) {
    const shape = header.shape;
    this.name = datasetNameFromPath(path);
    this.nSamples = shape[0]!;
    this.nFeatures = shape.slice(1).reduce((a, b) => a * b, 1);
    this.sampleShape = shape.length > 2 ? shape.slice(1) : undefined;
    this.dtype = header.type.dtype;
    this.labels = labelled.labels;
    this.nClasses = labelled.nClasses;
    this.classNames = labelled.classNames;
  }

  async readRows(
    start: number,
    count: number,
    into?: Float32Array,
  ): Promise<Float32Array> {
    assertRowRange(this, start, count, into);
    if (this.closed) {
      throw new InvalidDataError(
        `NPY file ${this.path} was closed; open it again to read rows`,
        { path: this.path },
      );
    }
    const values =
      into?.subarray(0, count * this.nFeatures) ??
      new Float32Array(count * this.nFeatures);
    const { type, dataOffset } = this.header;
    const rowBytes = this.nFeatures * type.size;
    const position = dataOffset + start * rowBytes;

    if (this.header.fortranOrder) {
      await this.readColumnMajor(start, count, values);
    } else if (
      type.dtype === 'float32' &&
      type.littleEndian &&
      IS_LITTLE_ENDIAN
    ) {
      const target = new Uint8Array(
        values.buffer,
        values.byteOffset,
        values.byteLength,
      );
      await this.readExactly(target, position);
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          throw this.badValue(start * this.nFeatures + i, values[i]!);
        }
      }
    } else {
      const raw = new Uint8Array(count * rowBytes);
      await this.readExactly(raw, position);
      const read = elementReader(type);
      const view = new DataView(raw.buffer);
      for (let i = 0; i < values.length; i++) {
        const value = read(view, i);
        values[i] = value;
        if (!Number.isFinite(values[i])) {
          throw this.badValue(start * this.nFeatures + i, value);
        }
      }
    }
    return values;
  }

  /**
   * Builds the error for `value`, stored at `storedIndex`, that is not
   * finite or does not fit in float32, with the full reader's message.
   */
  private badValue(storedIndex: number, value: number): InvalidDataError {
    return nonFiniteValue(
      this.path,
      this.header,
      storedIndex,
      value,
      Float32Array,
    );
  }

  /**
   * Reads rows `start … start + count - 1` of a Fortran-order file into
   * `values`, row-major. In that order the first axis varies fastest, so
   * each stored column is one feature of consecutive rows: one read
   * per feature, written to that feature's row-major position.
   */
  private async readColumnMajor(
    start: number,
    count: number,
    values: Float32Array,
  ): Promise<void> {
    const { type, dataOffset } = this.header;
    const columns = (this.columnOrder ??= fortranColumns(this.header.shape));
    const raw = new Uint8Array(count * type.size);
    const view = new DataView(raw.buffer);
    const read = elementReader(type);
    const width = this.nFeatures;
    for (let stored = 0; stored < width; stored++) {
      const offset = (stored * this.nSamples + start) * type.size;
      await this.readExactly(raw, dataOffset + offset);
      const feature = columns[stored]!;
      for (let row = 0; row < count; row++) {
        const value = read(view, row);
        const at = row * width + feature;
        values[at] = value;
        if (!Number.isFinite(values[at])) {
          throw this.badValue(stored * this.nSamples + start + row, value);
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async readExactly(target: Uint8Array, position: number) {
    let filled = 0;
    try {
      while (filled < target.length) {
        const { bytesRead } = await this.handle.read(
          target,
          filled,
          target.length - filled,
          position + filled,
        );
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } catch (error) {
      throw fileError(error, this.path, 'NPY file');
    }
    if (filled < target.length) {
      throw new InvalidDataError(
        `NPY file ${this.path} ended after ${position + filled} bytes ` +
          `while reading rows; it was truncated after it was opened`,
        { path: this.path },
      );
    }
  }
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * For an array of `shape` stored in Fortran order, returns the row-major
 * feature index of each stored column: column c is the sample axis at the
 * sample position whose indices, first axis fastest, count to c.
 */
function fortranColumns(shape: readonly number[]): Int32Array {
  const sampleShape = shape.slice(1);
  const count = sampleShape.reduce((a, b) => a * b, 1);
  const columns = new Int32Array(count);
  const index = new Array<number>(sampleShape.length).fill(0);
  for (let column = 0; column < count; column++) {
    let feature = 0;
    for (let axis = 0; axis < sampleShape.length; axis++) {
      feature = feature * sampleShape[axis]! + index[axis]!;
    }
    columns[column] = feature;
    // The next position in Fortran order: the first index varies fastest.
    for (let axis = 0; axis < sampleShape.length; axis++) {
      index[axis] = index[axis]! + 1;
      if (index[axis]! < sampleShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return columns;
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw fileError(error, path, 'NPY file');
  }
}

/**
 * Reads and checks the header, the data shape and the file length.
 *
 * @throws as {@link openNpyStream} describes.
 */
async function readHeader(
  handle: FileHandle,
  path: string,
): Promise<NpyHeader> {
  const header = await readNpyFileHeader(handle, path);
  const { shape } = header;
  const nSamples = shape[0] ?? 0;
  const nFeatures = shape.slice(1).reduce((a, b) => a * b, 1);
  if (shape.length < 2 || nSamples === 0 || nFeatures === 0) {
    throw badDataShape(path, shape);
  }
  return header;
}

async function readLabels(
  options: NpyStreamOptions,
  nSamples: number,
  path: string,
): Promise<Labelled> {
  if (options.labelsPath === undefined) return {};
  const { labels, classNames } = await readNpyLabelsInBlocks(
    options.labelsPath,
    nSamples,
    path,
  );
  return { labels, nClasses: classNames.length, classNames };
}
