import { InvalidDataError } from '@fixclust/core';

import { formatBytes } from '../files.js';
import { decodeDescr, type NpyElementType } from './npy-dtype.js';
import {
  LiteralSyntaxError,
  formatPythonLiteral,
  parsePythonLiteral,
  type PythonLiteral,
} from './python-literal.js';

/** The header of an NPY file, checked. */
export interface NpyHeader {
  /** The `descr` string, such as `<f4`. */
  descr: string;
  type: NpyElementType;
  /** Whether the values are stored column-major (first axis fastest). */
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the first data byte from the start of the file. */
  dataOffset: number;
}

/** The 6 bytes every NPY file starts with: 0x93 then `NUMPY`. */
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** The first bytes of a zip archive, such as an `.npz` file. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];
/** Maximum length of the header text quoted in a message. */
const MAX_QUOTED_HEADER = 160;

/**
 * Reads and checks the header of an NPY file: the magic string, the format
 * version (1.0, 2.0 or 3.0), the header length, and the header itself, a
 * Python dict literal with exactly the keys `descr`, `fortran_order` and
 * `shape`. The dict is parsed as data and never evaluated.
 *
 * @throws InvalidDataError naming the file for any problem, and naming the
 *   dtype when it is not a plain numeric type (object arrays, strings,
 *   structured types).
 */
export function readNpyHeader(bytes: Uint8Array, path: string): NpyHeader {
  checkMagic(bytes, path);
  const major = bytes[6] ?? 0;
  const minor = bytes[7] ?? 0;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new InvalidDataError(
      `NPY file ${path} has format version ${major}.${minor}; versions ` +
        `1.0, 2.0 and 3.0 are supported`,
      { path },
    );
  }

  const lengthBytes = major === 1 ? 2 : 4;
  const headerOffset = 8 + lengthBytes;
  if (bytes.length < headerOffset) throwTruncatedHeader(path, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength =
    major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = headerOffset + headerLength;
  if (dataOffset > bytes.length) throwTruncatedHeader(path, bytes.length);

  const text = decodeHeaderText(
    bytes.subarray(headerOffset, dataOffset),
    major,
    path,
  );
  const literal = parseHeaderLiteral(text, major, path);
  return { ...interpretHeader(literal, text, path), dataOffset };
}

/** Formats a shape as NumPy prints it: `()`, `(4,)`, `(2, 3)`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function checkMagic(bytes: Uint8Array, path: string): void {
  const found = bytes.subarray(0, NPY_MAGIC.length);
  if (NPY_MAGIC.every((byte, i) => found[i] === byte)) return;

  const isZip = ZIP_MAGIC.every((byte, i) => bytes[i] === byte);
  const hint = isZip
    ? '; it is a zip archive, such as an .npz file: save each array with ' +
      'numpy.save instead'
    : '';
  throw new InvalidDataError(
    `${path} is not an NPY file: invalid magic bytes ` +
      `${formatBytes(found) || '(none: the file is empty)'}, expected ` +
      `${formatBytes(NPY_MAGIC)} (\\x93NUMPY)${hint}`,
    { path },
  );
}

function throwTruncatedHeader(path: string, length: number): never {
  throw new InvalidDataError(
    `NPY file ${path} is truncated: its ${length} bytes end inside the ` +
      `header`,
    { path },
  );
}

/** Versions 1.0 and 2.0 store the header as Latin-1, 3.0 as UTF-8. */
function decodeHeaderText(
  bytes: Uint8Array,
  major: number,
  path: string,
): string {
  if (major < 3) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(
      'latin1',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InvalidDataError(
      `NPY file ${path} has an invalid header: format version 3.0 needs ` +
        `UTF-8 text`,
      { cause: error, path },
    );
  }
}

function parseHeaderLiteral(
  text: string,
  major: number,
  path: string,
): PythonLiteral {
  try {
    return parsePythonLiteral(text, major < 3);
  } catch (error) {
    if (!(error instanceof LiteralSyntaxError)) throw error;
    throw invalidHeader(
      path,
      `${error.message} at character ${error.offset + 1}`,
      text,
      error,
    );
  }
}

function interpretHeader(
  literal: PythonLiteral,
  text: string,
  path: string,
): Omit<NpyHeader, 'dataOffset'> {
  if (literal.kind !== 'dict') {
    throw invalidHeader(path, 'it is not a dict', text);
  }
  const keys = [...literal.entries.keys()];
  const missing = HEADER_KEYS.filter((key) => !literal.entries.has(key));
  const extra = keys.filter((key) => !HEADER_KEYS.includes(key));
  if (missing.length > 0 || extra.length > 0) {
    const problem =
      missing.length > 0
        ? `it lacks the key '${missing[0]}'`
        : `it has the unexpected key '${extra[0]}'`;
    throw invalidHeader(
      path,
      `${problem}; expected exactly ${HEADER_KEYS.map((key) => `'${key}'`).join(', ')}`,
      text,
    );
  }

  const fortranOrder = literal.entries.get('fortran_order');
  if (fortranOrder?.kind !== 'boolean') {
    throw invalidHeader(path, "'fortran_order' is not True or False", text);
  }
  const shape = readShape(literal.entries.get('shape'), text, path);
  const { descr, type } = readDescr(literal.entries.get('descr'), text, path);
  return { descr, type, fortranOrder: fortranOrder.value, shape };
}

function readShape(
  value: PythonLiteral | undefined,
  text: string,
  path: string,
): number[] {
  const items = value?.kind === 'tuple' ? value.items : undefined;
  const shape = items?.map((item) =>
    item.kind === 'integer' && item.value >= 0 ? item.value : -1,
  );
  if (shape === undefined || shape.includes(-1)) {
    throw invalidHeader(
      path,
      "'shape' is not a tuple of non-negative integers",
      text,
    );
  }
  return shape;
}

function readDescr(
  value: PythonLiteral | undefined,
  text: string,
  path: string,
): { descr: string; type: NpyElementType } {
  if (value?.kind === 'list' || value?.kind === 'tuple') {
    throw new InvalidDataError(
      `NPY file ${path} has the dtype ${formatPythonLiteral(value)}, a ` +
        `structured or sub-array type, which is not supported; save a ` +
        `plain numeric array, one field per column`,
      { path },
    );
  }
  if (value?.kind !== 'string') {
    throw invalidHeader(path, "'descr' is not a string", text);
  }

  const type = decodeDescr(value.value);
  if (typeof type !== 'string') return { descr: value.value, type };
  throw new InvalidDataError(
    `NPY file ${path} has dtype '${value.value}' (${type}), which is not ` +
      `supported; save a numeric array, such as x.astype(numpy.float32)`,
    { path },
  );
}

function invalidHeader(
  path: string,
  problem: string,
  text: string,
  cause?: unknown,
): InvalidDataError {
  const trimmed = text.trim();
  const excerpt =
    trimmed.length > MAX_QUOTED_HEADER
      ? `${trimmed.slice(0, MAX_QUOTED_HEADER)}…`
      : trimmed;
  return new InvalidDataError(
    `NPY file ${path} has an invalid header: ${problem}; the header is ` +
      `${JSON.stringify(excerpt)}, but should be a dict such as ` +
      `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}`,
    { cause, path },
  );
}
