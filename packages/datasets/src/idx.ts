import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

import { InvalidDataError } from '@fixclust/core';

import { assertBytes, assertPath } from './arguments.js';
import { formatBytes, readDataFile } from './files.js';

const gunzipAsync = promisify(gunzip);

/** Element types of the IDX format, by their type code. */
const IDX_TYPES = {
  0x08: { name: 'uint8', size: 1 },
  0x09: { name: 'int8', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;

type IdxTypeCode = keyof typeof IDX_TYPES;

/** Name of an IDX element type. */
export type IdxType = (typeof IDX_TYPES)[IdxTypeCode]['name'];

/** Typed array of the values of an {@link IdxArray}. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** An n-dimensional array read from an IDX file, row-major. */
export interface IdxArray {
  /** Element type declared by the file's type code. */
  type: IdxType;
  /** Size of each dimension, outermost first. */
  shape: number[];
  /** The values in native byte order, `shape` multiplied out in length. */
  data: IdxData;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads an IDX file, plain or gzip-compressed (detected by its first two
 * bytes, 1f 8b).
 *
 * @param path - File to read.
 * @throws InvalidParameterError when `path` is not a string.
 * @throws InvalidDataError naming the file when it is missing or unreadable,
 *   when its gzip stream is corrupt, or for any problem {@link parseIdx}
 *   reports.
 */
export async function readIdx(path: string): Promise<IdxArray> {
  assertPath('path', path);
  const bytes = await readDataFile(path, 'IDX file');
  if (!isGzip(bytes)) return parseIdx(bytes, path);

  let inflated: Buffer;
  try {
    inflated = await gunzipAsync(bytes);
  } catch (error) {
    throw new InvalidDataError(
      `IDX file ${path} is gzip-compressed but its gzip stream is corrupt ` +
        `(${(error as Error).message}); download or decompress it again`,
      { cause: error, path },
    );
  }
  return parseIdx(inflated, path);
}

/**
 * Parses the bytes of an uncompressed IDX file.
 *
 * The layout is: two zero bytes, a type code (0x08 uint8, 0x09 int8,
 * 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64), the number of
 * dimensions, one big-endian uint32 size per dimension, then the values in
 * big-endian order.
 *
 * @param bytes - Whole file contents.
 * @param path - File name used in error messages.
 * @throws InvalidParameterError when `bytes` is not a Uint8Array (a Node
 *   Buffer is one) or `path` is not a string.
 * @throws InvalidDataError naming `path` when the magic number or type code
 *   is invalid, or when the data is shorter (truncated) or longer than the
 *   header declares.
 */
export function parseIdx(bytes: Uint8Array, path: string): IdxArray {
  assertBytes(bytes);
  assertPath('path', path);
  const code = checkMagic(bytes, path);
  const type = IDX_TYPES[code];
  const shape = parseShape(bytes, path);
  const headerLength = 4 + 4 * shape.length;
  const count = shape.reduce((product, size) => product * size, 1);

  const expected = count * type.size;
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    const problem =
      actual < expected ? 'is truncated' : 'has trailing bytes after the data';
    throw new InvalidDataError(
      `IDX file ${path} ${problem}: its header declares ` +
        `${shape.join(' × ')} ${type.name} values, which need ` +
        `${expected} bytes of data, but the file has ${actual} bytes ` +
        `after the ${headerLength}-byte header`,
      { path },
    );
  }

  const data = decodeValues(bytes, headerLength, count, code);
  return { type: type.name, shape, data };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Checks the first four bytes and returns the type code. */
function checkMagic(bytes: Uint8Array, path: string): IdxTypeCode {
  const found = formatBytes(bytes.subarray(0, 4));
  const expected =
    'expected 00 00, a type code (08, 09, 0b, 0c, 0d or 0e) and the ' +
    'number of dimensions';
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const hint = isGzip(bytes)
      ? '; the bytes are gzip-compressed, so read the file with readIdx'
      : '';
    throw new InvalidDataError(
      `${path} is not an IDX file: invalid magic number ${found}, ` +
        `${expected}${hint}`,
      { path },
    );
  }

  const code = bytes[2] as number;
  if (!(code in IDX_TYPES)) {
    throw new InvalidDataError(
      `IDX file ${path} has the unknown type code ` +
        `${formatBytes([code])} in its magic number ${found}, ${expected}`,
      { path },
    );
  }
  return code as IdxTypeCode;
}

/** Reads the number of dimensions and the big-endian dimension sizes. */
function parseShape(bytes: Uint8Array, path: string): number[] {
  const rank = bytes[3] as number;
  const headerLength = 4 + 4 * rank;
  if (rank === 0) {
    throw new InvalidDataError(
      `IDX file ${path} declares 0 dimensions; expected at least 1`,
      { path },
    );
  }
  if (bytes.length < headerLength) {
    throw new InvalidDataError(
      `IDX file ${path} is truncated: its header declares ${rank} ` +
        `dimensions, which need a ${headerLength}-byte header, but the file ` +
        `has ${bytes.length} bytes`,
      { path },
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, headerLength);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    shape.push(view.getUint32(4 + 4 * axis, false));
  }
  return shape;
}

/** Copies `count` big-endian values starting at `offset` into a new array. */
function decodeValues(
  bytes: Uint8Array,
  offset: number,
  count: number,
  code: IdxTypeCode,
): IdxData {
  // A Node Buffer's slice() returns a view, so slice a plain typed-array
  // view instead: that copies, detaching the result from the file's bytes.
  const start = bytes.byteOffset + offset;
  if (code === 0x08) return new Uint8Array(bytes.buffer, start, count).slice();
  if (code === 0x09) return new Int8Array(bytes.buffer, start, count).slice();

  const view = new DataView(bytes.buffer, start);
  switch (code) {
    case 0x0b:
      return Int16Array.from({ length: count }, (_, i) =>
        view.getInt16(2 * i, false),
      );
    case 0x0c:
      return Int32Array.from({ length: count }, (_, i) =>
        view.getInt32(4 * i, false),
      );
    case 0x0d:
      return Float32Array.from({ length: count }, (_, i) =>
        view.getFloat32(4 * i, false),
      );
    case 0x0e:
      return Float64Array.from({ length: count }, (_, i) =>
        view.getFloat64(8 * i, false),
      );
  }
}
