import { open, type FileHandle } from 'node:fs/promises';

import {
  assertFiniteRows,
  assertIntegerInRange,
  assertRowRange,
  DEFAULT_BLOCK_ROWS,
  InvalidDataError,
  UnsupportedFeatureError,
  type StreamingDataset,
} from '@fixclust/core';

import { fileError } from '../files.js';
import { elementReader, type NpyDtype } from './npy-dtype.js';
import { readNpyFileHeader } from './npy-file-header.js';
import type { NpyHeader } from './npy-header.js';
import { badDataShape } from './npy.js';
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
 * @throws UnsupportedFeatureError for a file stored in Fortran order, whose
 *   rows are not contiguous.
 * @throws InvalidParameterError when `blockSize` is not a positive integer.
 */
export async function openNpyStream(
  path: string,
  options: NpyStreamOptions = {},
): Promise<NpyStream> {
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

    if (type.dtype === 'float32' && type.littleEndian && IS_LITTLE_ENDIAN) {
      const target = new Uint8Array(
        values.buffer,
        values.byteOffset,
        values.byteLength,
      );
      await this.readExactly(target, position);
    } else {
      const raw = new Uint8Array(count * rowBytes);
      await this.readExactly(raw, position);
      const read = elementReader(type);
      const view = new DataView(raw.buffer);
      for (let i = 0; i < values.length; i++) values[i] = read(view, i);
    }
    assertFiniteRows(
      values,
      this.nFeatures,
      start,
      `NPY file ${this.path}`,
      this.path,
    );
    return values;
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
  if (header.fortranOrder) {
    throw new UnsupportedFeatureError(
      `NPY file ${path} is stored in Fortran (column-major) order, so its ` +
        `rows cannot be read in blocks; save it with ` +
        `numpy.save(path, numpy.ascontiguousarray(x))`,
    );
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
