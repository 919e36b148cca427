import { open, type FileHandle } from 'node:fs/promises';

import {
  assertIntegerInRange,
  describeValue,
  InvalidParameterError,
} from '@fixclust/core';

import { assertPath } from '../arguments.js';
import { fileError } from '../files.js';
import { formatShape } from './npy-header.js';

/**
 * Bytes of the header that {@link NpyRowWriter} writes: NumPy aligns the
 * data to 64 bytes, and 128 leaves room for any row count up to 2^53.
 */
const WRITER_HEADER_BYTES = 128;

/** A NumPy type string: byte order, kind letter, size, optional unit. */
const NPY_DESCR = /^[<>|=]?[A-Za-z][A-Za-z0-9]*(\[[A-Za-z0-9]+\])?$/;

/**
 * Encodes an NPY format 1.0 header of a C-order array, padded with spaces
 * so that the data starts at `totalBytes` (a multiple of 64).
 *
 * @param descr - NumPy type string, such as `<f4` or `<i4`.
 * @param shape - size of each dimension, integers of at least 0.
 * @throws InvalidParameterError when `descr` is not a type string, `shape`
 * not an array of sizes, or the header does not fit `totalBytes`.
 */
export function encodeNpyHeader(
  descr: string,
  shape: readonly number[],
  totalBytes = WRITER_HEADER_BYTES,
): Uint8Array {
  assertHeaderArguments(descr, shape);
  const dict =
    `{'descr': '${descr}', 'fortran_order': False, ` +
    `'shape': ${formatShape(shape)}, }`;
  const headerLength = totalBytes - 10;
  if (dict.length + 1 > headerLength || totalBytes % 64 !== 0) {
    throw new InvalidParameterError(
      'totalBytes',
      totalBytes,
      `an NPY header of ${totalBytes} bytes cannot contain ${dict}; pass a ` +
        `larger multiple of 64`,
    );
  }

  const bytes = new Uint8Array(totalBytes);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, headerLength, true);
  const text = dict.padEnd(headerLength - 1, ' ') + '\n';
  bytes.set(new TextEncoder().encode(text), 10);
  return bytes;
}

function assertHeaderArguments(descr: unknown, shape: unknown): void {
  if (typeof descr !== 'string' || !NPY_DESCR.test(descr)) {
    throw new InvalidParameterError(
      'descr',
      descr,
      `descr must be a NumPy type string such as '<f4' or '<i4', got ` +
        describeValue(descr),
    );
  }
  if (!Array.isArray(shape)) {
    throw new InvalidParameterError(
      'shape',
      shape,
      `shape must be an array of dimension sizes such as [100, 784], got ` +
        describeValue(shape),
    );
  }
  shape.forEach((size: unknown, i) => {
    assertIntegerInRange(`shape[${i}]`, size as number, 0);
  });
}

/**
 * Writes a 2-dimensional float32 NPY file one batch of rows at a time, so
 * the rows never need to be in memory together. The header is written
 * again with the final row count by {@link NpyRowWriter.close}.
 */
export class NpyRowWriter {
  private rows = 0;
  private position = WRITER_HEADER_BYTES;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly nFeatures: number,
  ) {}

  /**
   * Creates (or truncates) the file at `path`.
   *
   * @throws InvalidParameterError when `path` is not a string or
   *   `nFeatures` is not a positive integer.
   * @throws InvalidDataError naming the file when it cannot be created.
   */
  static async create(path: string, nFeatures: number): Promise<NpyRowWriter> {
    assertPath('path', path);
    assertIntegerInRange('nFeatures', nFeatures, 1);
    try {
      const handle = await open(path, 'w');
      const writer = new NpyRowWriter(handle, path, nFeatures);
      await writer.writeHeader();
      return writer;
    } catch (error) {
      throw fileError(error, path, 'NPY file');
    }
  }

  /** Number of rows written so far. */
  get nRows(): number {
    return this.rows;
  }

  /**
   * Appends whole rows: `values.length` must be a multiple of `nFeatures`.
   *
   * @throws InvalidParameterError for a partial row.
   */
  async append(values: Float32Array): Promise<void> {
    if (values.length % this.nFeatures !== 0) {
      throw new InvalidParameterError(
        'values',
        values.length,
        `values has ${values.length} values, which is not a whole number ` +
          `of rows of ${this.nFeatures} features`,
      );
    }
    const bytes = littleEndianBytes(values);
    await this.write(bytes, this.position);
    this.position += bytes.length;
    this.rows += values.length / this.nFeatures;
  }

  /** Writes the header with the final shape and closes the file. */
  async close(): Promise<void> {
    try {
      await this.writeHeader();
    } finally {
      await this.handle.close();
    }
  }

  private writeHeader(): Promise<void> {
    const shape = [this.rows, this.nFeatures];
    return this.write(encodeNpyHeader('<f4', shape), 0);
  }

  private async write(bytes: Uint8Array, position: number): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const result = await this.handle.write(
        bytes,
        written,
        bytes.length - written,
        position + written,
      );
      written += result.bytesWritten;
    }
  }
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Returns the bytes of `values` as little-endian float32. */
function littleEndianBytes(values: Float32Array): Uint8Array {
  if (IS_LITTLE_ENDIAN) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(4 * i, value, true));
  return bytes;
}
