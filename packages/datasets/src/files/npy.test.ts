import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  InvalidDataError,
  InvalidParameterError,
  assertValidDataset,
} from '@fixclust/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import { loadNpy, loadNpyDataset, parseNpy } from './npy.js';

/** What {@link encodeNpy} writes. */
interface NpySpec {
  descr: string;
  shape: readonly number[];
  /** Values in row-major (C) order, for either memory order. */
  values: readonly (number | bigint)[];
  fortranOrder?: boolean;
  version?: 1 | 2 | 3;
  /** Header text to write in place of the usual dict. */
  header?: string;
}

const ALIGNMENT = 64;

/** Encodes an NPY file the way numpy.save lays it out. */
function encodeNpy(spec: NpySpec): Uint8Array {
  const version = spec.version ?? 1;
  const header = spec.header ?? formatHeader(spec);
  const lengthBytes = version === 1 ? 2 : 4;
  const prefix = 8 + lengthBytes;
  const encoder = new TextEncoder();
  const headerBytes = encoder.encode(header);
  const padding = ALIGNMENT - ((prefix + headerBytes.length + 1) % ALIGNMENT);
  const headerLength = headerBytes.length + padding + 1;
  const data = encodeValues(spec);

  const bytes = new Uint8Array(prefix + headerLength + data.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  bytes.set(headerBytes, prefix);
  bytes.fill(0x20, prefix + headerBytes.length, prefix + headerLength - 1);
  bytes[prefix + headerLength - 1] = 0x0a;
  bytes.set(data, prefix + headerLength);
  return bytes;
}

function formatHeader(spec: NpySpec): string {
  const shape =
    spec.shape.length === 1
      ? `(${spec.shape[0]},)`
      : `(${spec.shape.join(', ')})`;
  const order = spec.fortranOrder === true ? 'True' : 'False';
  return `{'descr': '${spec.descr}', 'fortran_order': ${order}, 'shape': ${shape}, }`;
}

function encodeValues(spec: NpySpec): Uint8Array {
  const code = spec.descr.slice(1);
  const little = spec.descr[0] !== '>';
  const size = Number(code.slice(1));
  const values = spec.fortranOrder
    ? toColumnMajor(spec.values, spec.shape)
    : spec.values;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => writeValue(view, i * size, code, value, little));
  return bytes;
}

function writeValue(
  view: DataView,
  offset: number,
  code: string,
  value: number | bigint,
  little: boolean,
): void {
  const n = Number(value);
  switch (code) {
    case 'b1':
    case 'u1':
      return view.setUint8(offset, n);
    case 'i1':
      return view.setInt8(offset, n);
    case 'i2':
      return view.setInt16(offset, n, little);
    case 'u2':
      return view.setUint16(offset, n, little);
    case 'i4':
      return view.setInt32(offset, n, little);
    case 'u4':
      return view.setUint32(offset, n, little);
    case 'i8':
      return view.setBigInt64(offset, BigInt(value), little);
    case 'u8':
      return view.setBigUint64(offset, BigInt(value), little);
    case 'f2':
      return view.setUint16(offset, toHalfBits(n), little);
    case 'f4':
      return view.setFloat32(offset, n, little);
    case 'f8':
      return view.setFloat64(offset, n, little);
    default:
      throw new Error(`encodeNpy cannot write ${code}`);
  }
}

/** Half-precision bits of a value float16 represents exactly, or ±Inf/NaN. */
function toHalfBits(value: number): number {
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (Number.isNaN(value)) return 0x7e00;
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude === 0) return sign;
  const exponent = Math.floor(Math.log2(magnitude));
  if (exponent < -14) return sign | Math.round(magnitude / 2 ** -24);
  const fraction = Math.round((magnitude / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}

function toColumnMajor<T>(values: readonly T[], shape: readonly number[]): T[] {
  const result: T[] = [];
  for (let stored = 0; stored < values.length; stored++) {
    let rest = stored;
    let rowMajor = 0;
    let stride = 1;
    const index = shape.map((size) => {
      const i = rest % size;
      rest = Math.floor(rest / size);
      return i;
    });
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      rowMajor += (index[axis] ?? 0) * stride;
      stride *= shape[axis] ?? 1;
    }
    result.push(values[rowMajor] as T);
  }
  return result;
}

/** A 2 × 3 matrix that every numeric dtype represents exactly. */
const MATRIX = [0, 1, 2, 3, 4, 100];
const MATRIX_SHAPE = [2, 3];

/** Type codes with the byte orders NumPy writes for them. */
const BYTE_ORDERS: Record<string, string[]> = {
  i1: ['|'],
  u1: ['|'],
  i2: ['<', '>'],
  u2: ['<', '>'],
  i4: ['<', '>'],
  u4: ['<', '>'],
  i8: ['<', '>'],
  u8: ['<', '>'],
  f2: ['<', '>'],
  f4: ['<', '>'],
  f8: ['<', '>'],
};

const MATRIX_CASES = Object.entries(BYTE_ORDERS).flatMap(([code, orders]) =>
  orders.flatMap((order) =>
    [false, true].map((fortranOrder) => ({
      descr: `${order}${code}`,
      fortranOrder,
    })),
  ),
);

function npyError(bytes: Uint8Array, path = 'x.npy'): Error {
  try {
    parseNpy(bytes, path);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('parseNpy threw no error');
}

function withHeader(header: string, version: 1 | 2 | 3 = 1): Uint8Array {
  return encodeNpy({ descr: '<f4', shape: [0], values: [], header, version });
}

describe('parseNpy', () => {
  it.each(MATRIX_CASES)(
    'reads $descr, Fortran order $fortranOrder',
    ({ descr, fortranOrder }) => {
      const bytes = encodeNpy({
        descr,
        shape: MATRIX_SHAPE,
        values: MATRIX,
        fortranOrder,
      });
      const array = parseNpy(bytes, 'matrix.npy');
      expect(array.descr).toBe(descr);
      expect(array.shape).toEqual(MATRIX_SHAPE);
      expect(array.fortranOrder).toBe(fortranOrder);
      expect(array.data).toEqual(Float32Array.from(MATRIX));
    },
  );

  it('covers every dtype', () => {
    const dtypes = new Set(
      MATRIX_CASES.map(
        ({ descr }) =>
          parseNpy(encodeNpy({ descr, shape: [1], values: [1] }), 'a.npy')
            .dtype,
      ),
    );
    expect(dtypes.size).toBe(11);
  });

  it('reads bool as 0 and 1', () => {
    const bytes = encodeNpy({ descr: '|b1', shape: [3], values: [1, 0, 7] });
    const array = parseNpy(bytes, 'a.npy');
    expect(array.dtype).toBe('bool');
    expect(Array.from(array.data)).toEqual([1, 0, 1]);
  });

  it('reads bool in Fortran order', () => {
    const bytes = encodeNpy({
      descr: '|b1',
      shape: [2, 2],
      values: [1, 1, 0, 0],
      fortranOrder: true,
    });
    expect(Array.from(parseNpy(bytes, 'a.npy').data)).toEqual([1, 1, 0, 0]);
  });

  it('reads uint8 without wrap-around', () => {
    const values = [0, 255, 1, 254];
    const bytes = encodeNpy({ descr: '|u1', shape: [4, 1], values });
    expect(Array.from(parseNpy(bytes, 'a.npy').data)).toEqual(values);
  });

  it('reads extreme integers', () => {
    const cases: [string, bigint][] = [
      ['|i1', -128n],
      ['|i1', 127n],
      ['<u2', 65535n],
      ['>i2', -32768n],
      ['<i4', -2147483648n],
      ['>u4', 4294967295n],
      ['<i8', -(2n ** 63n)],
      ['>i8', 2n ** 63n - 1n],
      ['<u8', 2n ** 64n - 1n],
    ];
    for (const [descr, value] of cases) {
      const bytes = encodeNpy({ descr, shape: [1], values: [value] });
      const [read] = parseNpy(bytes, 'a.npy').data;
      expect(read, descr).toBe(Math.fround(Number(value)));
    }
  });

  it('reads float16 fractions and subnormals', () => {
    const values = [0.5, -1.5, 65504, -0.25, 2 ** -24, 2 ** -14];
    for (const descr of ['<f2', '>f2']) {
      const bytes = encodeNpy({ descr, shape: [6], values });
      expect(Array.from(parseNpy(bytes, 'a.npy').data)).toEqual(values);
    }
  });

  it('reorders 3-D Fortran arrays', () => {
    const values = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    const bytes = encodeNpy({
      descr: '<f8',
      shape: [2, 3, 4],
      values,
      fortranOrder: true,
    });
    const array = parseNpy(bytes, 'a.npy');
    expect(array.shape).toEqual([2, 3, 4]);
    expect(Array.from(array.data)).toEqual(values);
  });

  it('reads a scalar and an empty array', () => {
    const scalar = encodeNpy({ descr: '<f4', shape: [], values: [3.5] });
    expect(parseNpy(scalar, 'a.npy').shape).toEqual([]);
    expect(Array.from(parseNpy(scalar, 'a.npy').data)).toEqual([3.5]);

    const empty = encodeNpy({ descr: '<f4', shape: [0, 3], values: [] });
    expect(parseNpy(empty, 'a.npy').shape).toEqual([0, 3]);
    expect(parseNpy(empty, 'a.npy').data).toHaveLength(0);
  });

  it('reads versions 2.0 and 3.0', () => {
    for (const version of [2, 3] as const) {
      const bytes = encodeNpy({
        descr: '>i4',
        shape: MATRIX_SHAPE,
        values: MATRIX,
        version,
      });
      expect(parseNpy(bytes, 'a.npy').data).toEqual(Float32Array.from(MATRIX));
    }
  });

  it('accepts Python 2 long integers in version 1.0', () => {
    const header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L), }";
    const bytes = encodeNpy({
      descr: '<f4',
      shape: [2, 1],
      values: [1, 2],
      header,
    });
    expect(parseNpy(bytes, 'a.npy').shape).toEqual([2, 1]);

    const v3 = encodeNpy({
      descr: '<f4',
      shape: [2, 1],
      values: [1, 2],
      header,
      version: 3,
    });
    expect(npyError(v3).message).toMatch(/invalid header: only integers/);
  });

  it('reads a Buffer at an offset', () => {
    const npy = encodeNpy({ descr: '>i2', shape: [2], values: [-2, 300] });
    const padded = Buffer.concat([Buffer.from([9, 9, 9]), npy]);
    const array = parseNpy(padded.subarray(3), 'a.npy');
    expect(Array.from(array.data)).toEqual([-2, 300]);
  });

  it('rejects object arrays, naming the dtype', () => {
    const bytes = withHeader(
      "{'descr': '|O', 'fortran_order': False, 'shape': (0,), }",
    );
    const error = npyError(bytes, 'objects.npy');
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(
      /^NPY file objects\.npy has dtype '\|O' \(Python objects; object arrays are never unpickled\), which is not supported/,
    );
  });

  it('rejects structured dtypes, naming them', () => {
    const bytes = withHeader(
      "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (0,), }",
    );
    expect(npyError(bytes).message).toMatch(
      /dtype \[\('a', '<f4'\), \('b', '<i4'\)\], a structured or sub-array type, which is not supported/,
    );
  });

  it('rejects other unsupported dtypes', () => {
    const cases: [string, RegExp][] = [
      ['<U2', /'<U2' \(Unicode strings\)/],
      ['|S3', /'\|S3' \(byte strings\)/],
      ['<c16', /'<c16' \(complex numbers\)/],
      ['<M8[D]', /'<M8\[D\]' \(dates and times\)/],
      ['|f4', /'\|f4' \(float32 without a byte order\)/],
      ['=f4', /'=f4' \(not one of bool, int8.*with a byte order < or >\)/],
      ['<f3', /'<f3' \(not one of/],
    ];
    for (const [descr, message] of cases) {
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (0,), }`;
      const error = npyError(withHeader(header));
      expect(error, descr).toBeInstanceOf(InvalidDataError);
      expect(error.message, descr).toMatch(message);
    }
  });

  it('rejects truncated data', () => {
    const bytes = encodeNpy({ descr: '<f8', shape: [2, 3], values: MATRIX });
    const error = npyError(bytes.subarray(0, bytes.length - 5), 'cut.npy');
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      "NPY file cut.npy is truncated: shape (2, 3) of '<f8' needs 48 data " +
        'bytes, but the file has 43',
    );
  });

  it('rejects bytes after the data', () => {
    const bytes = encodeNpy({ descr: '|u1', shape: [2], values: [1, 2] });
    const longer = Buffer.concat([bytes, Buffer.from([0])]);
    expect(npyError(longer).message).toMatch(
      /has 1 bytes after the 2 data bytes of shape \(2,\) of '\|u1'/,
    );
  });

  it('rejects a wrong magic string', () => {
    const bytes = encodeNpy({ descr: '|u1', shape: [1], values: [1] });
    bytes[1] = 0x6e;
    expect(npyError(bytes, 'a.npy').message).toMatch(
      /^a\.npy is not an NPY file: invalid magic bytes 93 6e 55 4d 50 59, expected 93 4e 55 4d 50 59/,
    );
    expect(npyError(new Uint8Array(0)).message).toMatch(/the file is empty/);
  });

  it('hints at npz archives', () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    expect(npyError(zip).message).toMatch(/zip archive, such as an \.npz/);
  });

  it('rejects unsupported versions', () => {
    for (const [major, minor] of [
      [4, 0],
      [1, 1],
      [0, 0],
    ]) {
      const bytes = encodeNpy({ descr: '|u1', shape: [1], values: [1] });
      bytes[6] = major ?? 0;
      bytes[7] = minor ?? 0;
      expect(npyError(bytes).message).toMatch(
        new RegExp(`format version ${major}\\.${minor}; versions 1\\.0`),
      );
    }
  });

  it('rejects a header longer than the file', () => {
    const bytes = encodeNpy({ descr: '|u1', shape: [1], values: [1] });
    expect(npyError(bytes.subarray(0, 40)).message).toMatch(
      /truncated: its 40 bytes end inside the header/,
    );
    expect(npyError(bytes.subarray(0, 9)).message).toMatch(
      /truncated: its 9 bytes end inside the header/,
    );
  });

  it('rejects a header that is code', () => {
    const headers = [
      "__import__('os')",
      "{'descr': __import__('os').system('echo hi'), 'fortran_order': False, 'shape': (0,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), **x}",
      "{'descr': '<f4', 'fortran_order': not 0, 'shape': (0,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1 + 1,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }; import os",
    ];
    for (const header of headers) {
      const error = npyError(withHeader(header), 'evil.npy');
      expect(error, header).toBeInstanceOf(InvalidDataError);
      expect(error.message, header).toMatch(
        /^NPY file evil\.npy has an invalid header: /,
      );
    }
    expect(npyError(withHeader("__import__('os')")).message).toMatch(
      /invalid header: unexpected name __import__; only True, False and None are allowed at character 1;/,
    );
  });

  it('rejects headers of the wrong structure', () => {
    const cases: [string, RegExp][] = [
      ['[1, 2]', /it is not a dict/],
      ["{'descr': '<f4', 'shape': (0,)}", /lacks the key 'fortran_order'/],
      [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'x': 1}",
        /unexpected key 'x'/,
      ],
      [
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (0,)}",
        /duplicate key 'descr'/,
      ],
      [
        "{'descr': '<f4', 'fortran_order': False, 'shape': [0]}",
        /'shape' is not a tuple of non-negative integers/,
      ],
      [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
        /'shape' is not a tuple of non-negative integers/,
      ],
      [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (0)}",
        /'shape' is not a tuple of non-negative integers/,
      ],
      [
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}",
        /only integers are allowed/,
      ],
      [
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (0,)}",
        /'fortran_order' is not True or False/,
      ],
      [
        "{'descr': 4, 'fortran_order': False, 'shape': (0,)}",
        /'descr' is not a string/,
      ],
      ["{'descr': '<f4", /unterminated string/],
      [`${'['.repeat(40)}${']'.repeat(40)}`, /nested deeper than 32/],
    ];
    for (const [header, message] of cases) {
      const error = npyError(withHeader(header));
      expect(error, header).toBeInstanceOf(InvalidDataError);
      expect(error.message, header).toMatch(message);
    }
  });

  it('rejects invalid UTF-8 in a version 3.0 header', () => {
    const bytes = withHeader(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }",
      3,
    );
    bytes[13] = 0xff;
    expect(npyError(bytes).message).toMatch(/version 3\.0 needs UTF-8/);
  });

  it('rejects a shape that overflows', () => {
    const header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    expect(npyError(withHeader(header)).message).toMatch(/is truncated/);
  });

  it('rejects non-finite values with their index', () => {
    const nan = encodeNpy({
      descr: '<f4',
      shape: [2, 2],
      values: [1, 2, NaN, 4],
    });
    expect(npyError(nan, 'nan.npy').message).toMatch(
      /^NPY file nan\.npy contains NaN at index \[1, 0\]; remove or impute/,
    );

    const fortran = encodeNpy({
      descr: '>f2',
      shape: [2, 2],
      values: [1, -Infinity, 3, 4],
      fortranOrder: true,
    });
    expect(npyError(fortran).message).toMatch(
      /contains -Infinity at index \[0, 1\]/,
    );
  });

  it('rejects float64 values beyond float32', () => {
    const bytes = encodeNpy({
      descr: '<f8',
      shape: [1, 2],
      values: [1, -1e39],
    });
    expect(npyError(bytes).message).toMatch(
      /contains -1e\+39, outside the float32 range at index \[0, 1\]/,
    );
  });
});

describe('loadNpy', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('reads a file', async () => {
    const path = join(directory, 'a.npy');
    await writeFile(
      path,
      encodeNpy({ descr: '<i2', shape: [3], values: [1, -2, 3] }),
    );
    const array = await loadNpy(path);
    expect(array.dtype).toBe('int16');
    expect(Array.from(array.data)).toEqual([1, -2, 3]);
  });

  it('names a missing file', async () => {
    const path = join(directory, 'missing.npy');
    const error = await catchError(() => loadNpy(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(`NPY file ${path} not found`);
  });
});

describe('loadNpyDataset', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  async function write(name: string, spec: NpySpec): Promise<string> {
    const path = join(directory, name);
    await writeFile(path, encodeNpy(spec));
    return path;
  }

  it('pairs data with labels', async () => {
    const dataPath = await write('points.npy', {
      descr: '<f4',
      shape: [4, 2],
      values: [0, 0, 0, 1, 5, 5, 5, 6],
    });
    const labelsPath = await write('labels.npy', {
      descr: '<i8',
      shape: [4],
      values: [7, 3, 7, 3],
    });
    const dataset = await loadNpyDataset(dataPath, { labelsPath });
    assertValidDataset(dataset);
    expect(dataset.name).toBe('points');
    expect(dataset.nSamples).toBe(4);
    expect(dataset.nFeatures).toBe(2);
    expect(Array.from(dataset.labels ?? [])).toEqual([1, 0, 1, 0]);
    expect(dataset.classNames).toEqual(['3', '7']);
    expect(dataset.nClasses).toBe(2);
    expect(dataset.sampleShape).toBeUndefined();
  });

  it('sorts float class values', async () => {
    const dataPath = await write('x.npy', {
      descr: '|u1',
      shape: [3, 1],
      values: [1, 2, 3],
    });
    const labelsPath = await write('y.npy', {
      descr: '>f8',
      shape: [3],
      values: [0.5, -1, 0.5],
    });
    const dataset = await loadNpyDataset(dataPath, { labelsPath });
    expect(Array.from(dataset.labels ?? [])).toEqual([1, 0, 1]);
    expect(dataset.classNames).toEqual(['-1', '0.5']);
  });

  it('reads a uint8 column without wrap-around', async () => {
    const path = await write('bytes.npy', {
      descr: '|u1',
      shape: [4, 1],
      values: [0, 255, 1, 254],
    });
    const dataset = await loadNpyDataset(path);
    expect(dataset.x).toEqual(Float32Array.from([0, 255, 1, 254]));
    expect(dataset.labels).toBeUndefined();
  });

  it('flattens images', async () => {
    const values = Array.from({ length: 12 }, (_, i) => i);
    const path = await write('images.npy', {
      descr: '<f4',
      shape: [2, 3, 2],
      values,
      fortranOrder: true,
    });
    const dataset = await loadNpyDataset(path);
    expect(dataset.nSamples).toBe(2);
    expect(dataset.nFeatures).toBe(6);
    expect(dataset.sampleShape).toEqual([3, 2]);
    expect(Array.from(dataset.x)).toEqual(values);
  });

  it('rejects 1-D and empty data', async () => {
    const shapes: [number[], string][] = [
      [[3], '(3,)'],
      [[], '()'],
      [[0, 2], '(0, 2)'],
      [[2, 0], '(2, 0)'],
    ];
    for (const [shape, shown] of shapes) {
      const count = shape.reduce((a, b) => a * b, 1);
      const path = await write('x.npy', {
        descr: '<f4',
        shape,
        values: new Array<number>(count).fill(1),
      });
      const error = await catchError(() => loadNpyDataset(path));
      expect(error, shown).toBeInstanceOf(InvalidDataError);
      expect(error.message, shown).toContain(
        `has shape ${shown}, but data needs`,
      );
    }
  });

  it('rejects labels of the wrong shape', async () => {
    const dataPath = await write('x.npy', {
      descr: '<f4',
      shape: [2, 1],
      values: [1, 2],
    });
    const cases: [number[], string][] = [
      [[3], '(3,)'],
      [[2, 1], '(2, 1)'],
    ];
    for (const [shape, shown] of cases) {
      const labelsPath = await write('y.npy', {
        descr: '<i4',
        shape,
        values: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0),
      });
      const error = await catchError(() =>
        loadNpyDataset(dataPath, { labelsPath }),
      );
      expect(error, shown).toBeInstanceOf(InvalidDataError);
      expect(error.message, shown).toBe(
        `NPY labels file ${labelsPath} has shape ${shown}, but the data file ` +
          `${dataPath} has 2 samples; pass a 1-dimensional array of 2 labels, ` +
          `such as y.ravel()`,
      );
    }
  });

  it('rejects int64 labels beyond 2^53', async () => {
    const dataPath = await write('x.npy', {
      descr: '<f4',
      shape: [2, 1],
      values: [1, 2],
    });
    const labelsPath = await write('y.npy', {
      descr: '<i8',
      shape: [2],
      values: [0n, 2n ** 53n + 1n],
    });
    const error = await catchError(() =>
      loadNpyDataset(dataPath, { labelsPath }),
    );
    expect(error.message).toMatch(/int64 label beyond 2\^53 at index 1/);
  });

  it('names a malformed labels file', async () => {
    const dataPath = await write('x.npy', {
      descr: '<f4',
      shape: [2, 1],
      values: [1, 2],
    });
    const labelsPath = join(directory, 'y.npy');
    await writeFile(labelsPath, 'not npy');
    const error = await catchError(() =>
      loadNpyDataset(dataPath, { labelsPath }),
    );
    expect(error.message).toMatch(
      new RegExp(`^${labelsPath.replace(/[.]/g, '\\.')} is not an NPY file`),
    );
  });
});

const FUZZ_CODES = Object.keys(BYTE_ORDERS).concat('b1');

/** A valid NPY file with values each dtype holds. */
const validNpy = fc
  .record({
    code: fc.constantFrom(...FUZZ_CODES),
    bigEndian: fc.boolean(),
    fortranOrder: fc.boolean(),
    version: fc.constantFrom(1, 2, 3),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    let order = spec.bigEndian ? '>' : '<';
    if (spec.code.endsWith('1')) order = '|';
    const max = spec.code === 'b1' ? 1 : 100;
    const min = spec.code.startsWith('u') || spec.code === 'b1' ? 0 : -100;
    return fc
      .array(fc.integer({ min, max }), { minLength: count, maxLength: count })
      .map((values) => ({
        descr: `${order}${spec.code}`,
        shape: spec.shape,
        values,
        fortranOrder: spec.fortranOrder,
        version: spec.version as 1 | 2 | 3,
      }));
  });

/** Bytes to replace, a length to cut the file to, and bytes to append. */
interface Mutation {
  replacements: [number, number][];
  cut: number | null;
  appended: Uint8Array;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  replacements: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
    maxLength: 4,
  }),
  cut: fc.option(fc.nat()),
  appended: fc.uint8Array({ maxLength: 4 }),
});

function mutate(
  bytes: Uint8Array,
  { replacements, cut, appended }: Mutation,
): Uint8Array {
  const copy = Uint8Array.from(bytes);
  for (const [position, value] of replacements) {
    copy[position % Math.max(copy.length, 1)] = value;
  }
  const truncated =
    cut === null ? copy : copy.subarray(0, cut % (copy.length + 1));
  return Buffer.concat([truncated, appended]);
}

/** Parses with parseNpy, checking the result or the error class. */
function parseOrOwnError(bytes: Uint8Array): void {
  let array;
  try {
    array = parseNpy(bytes, 'fuzz.npy');
  } catch (error) {
    expect(
      error instanceof InvalidDataError ||
        error instanceof InvalidParameterError,
    ).toBe(true);
    return;
  }
  const count = array.shape.reduce((a, b) => a * b, 1);
  expect(array.data).toHaveLength(count);
  expect(array.data.every(Number.isFinite)).toBe(true);
}

describe('parseNpy fuzz', () => {
  it('reads valid files exactly', () => {
    fc.assert(
      fc.property(validNpy, (spec) => {
        const array = parseNpy(encodeNpy(spec), 'fuzz.npy');
        expect(array.shape).toEqual(spec.shape);
        expect(Array.from(array.data)).toEqual(spec.values);
      }),
      { numRuns: 300 },
    );
  });

  it('survives mutated files', () => {
    fc.assert(
      fc.property(validNpy, mutation, (spec, change) => {
        parseOrOwnError(mutate(encodeNpy(spec), change));
      }),
      { numRuns: 1000 },
    );
  });

  it('survives random bytes after the magic', () => {
    const magic = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (tail, prefixed) => {
          parseOrOwnError(prefixed ? Buffer.concat([magic, tail]) : tail);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('survives random headers', () => {
    const pieces = fc.constantFrom(
      "'descr'",
      "'fortran_order'",
      "'shape'",
      "'<f4'",
      "'|O'",
      'True',
      'False',
      'None',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      ' ',
      '1',
      '-1',
      '2L',
      '0x1',
      '1.5',
      "'",
      '"',
      '\\',
      '\\x4',
      'é',
      '__import__',
      '\n',
      '1e3',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 30 }),
        fc.constantFrom(1, 2, 3),
        (parts, version) => {
          parseOrOwnError(withHeader(parts.join(''), version as 1 | 2 | 3));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
