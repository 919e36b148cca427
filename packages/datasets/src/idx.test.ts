import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { InvalidDataError } from '@fixclust/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseIdx, readIdx } from './idx.js';
import {
  catchError,
  createTempDirectory,
  encodeIdx,
  removeTempDirectory,
} from './test-fixtures.js';

describe('parseIdx', () => {
  it('parses uint8 arrays', () => {
    const array = parseIdx(encodeIdx([2, 3], [1, 2, 3, 4, 5, 255]), 'a');
    expect(array.type).toBe('uint8');
    expect(array.shape).toEqual([2, 3]);
    expect(Array.from(array.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('parses big-endian int16', () => {
    const bytes = Uint8Array.from([
      0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 1, 2,
    ]);
    const array = parseIdx(bytes, 'a');
    expect(array.type).toBe('int16');
    expect(array.data).toBeInstanceOf(Int16Array);
    expect(Array.from(array.data)).toEqual([-2, 258]);
  });

  it('parses big-endian float32', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    bytes.set([0, 0, 0x0d, 1, 0, 0, 0, 2]);
    view.setFloat32(8, 1.5, false);
    view.setFloat32(12, -0.25, false);
    const array = parseIdx(bytes, 'a');
    expect(array.type).toBe('float32');
    expect(Array.from(array.data)).toEqual([1.5, -0.25]);
  });

  it('parses int8 and float64', () => {
    const int8 = parseIdx(
      Uint8Array.from([0, 0, 0x09, 1, 0, 0, 0, 1, 0xff]),
      'a',
    );
    expect(Array.from(int8.data)).toEqual([-1]);

    const bytes = new Uint8Array(16);
    bytes.set([0, 0, 0x0e, 1, 0, 0, 0, 1]);
    new DataView(bytes.buffer).setFloat64(8, Math.PI, false);
    expect(Array.from(parseIdx(bytes, 'a').data)).toEqual([Math.PI]);
  });

  it('reads a Buffer at an offset', () => {
    const idx = Uint8Array.from([0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x7f]);
    const padded = Buffer.concat([Buffer.from([9, 9, 9]), idx]);
    const array = parseIdx(padded.subarray(3), 'a');
    expect(array.data).toBeInstanceOf(Int8Array);
    expect(Array.from(array.data)).toEqual([-1, 127]);

    padded.fill(0);
    expect(Array.from(array.data)).toEqual([-1, 127]);
  });

  it('rejects a wrong magic number', () => {
    const bytes = encodeIdx([1], [7]);
    bytes[0] = 0x12;
    expect(() => parseIdx(bytes, 'digits.idx')).toThrow(InvalidDataError);
    expect(() => parseIdx(bytes, 'digits.idx')).toThrow(
      /digits\.idx is not an IDX file: invalid magic number 12 00 08 01, expected 00 00/,
    );
  });

  it('hints at gzip for compressed bytes', () => {
    const bytes = gzipSync(encodeIdx([1], [7]));
    expect(() => parseIdx(bytes, 'a.gz')).toThrow(/gzip-compressed.*readIdx/);
  });

  it('rejects an unknown type code', () => {
    const bytes = encodeIdx([1], [7]);
    bytes[2] = 0x07;
    expect(() => parseIdx(bytes, 'a')).toThrow(/unknown type code 07/);
  });

  it('rejects truncated data', () => {
    const bytes = encodeIdx([3, 2], [1, 2, 3, 4, 5, 6]).subarray(0, 14);
    expect(() => parseIdx(bytes, 'short.idx')).toThrow(
      'IDX file short.idx is truncated: its header declares 3 × 2 uint8 ' +
        'values, which need 6 bytes of data, but the file has 2 bytes ' +
        'after the 12-byte header',
    );
  });

  it('rejects a truncated header', () => {
    const bytes = encodeIdx([3, 2], []).subarray(0, 9);
    expect(() => parseIdx(bytes, 'a')).toThrow(/truncated.*12-byte header/);
  });

  it('rejects trailing bytes', () => {
    const bytes = encodeIdx([2], [1, 2, 3]);
    expect(() => parseIdx(bytes, 'a')).toThrow(/trailing bytes/);
  });

  it('rejects zero dimensions', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 0]), 'a')).toThrow(
      /0 dimensions/,
    );
  });

  it('rejects an empty file', () => {
    expect(() => parseIdx(new Uint8Array(0), 'empty')).toThrow(
      /empty is not an IDX file/,
    );
  });
});

describe('readIdx', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await createTempDirectory();
  });

  afterEach(async () => {
    await removeTempDirectory(directory);
  });

  it('reads plain and gzipped files alike', async () => {
    const bytes = encodeIdx([2, 2], [0, 1, 2, 3]);
    const plain = join(directory, 'plain');
    const gzipped = join(directory, 'plain.gz');
    await writeFile(plain, bytes);
    await writeFile(gzipped, gzipSync(bytes));

    const fromPlain = await readIdx(plain);
    const fromGzip = await readIdx(gzipped);
    expect(fromGzip.shape).toEqual([2, 2]);
    expect(Array.from(fromGzip.data)).toEqual(Array.from(fromPlain.data));
  });

  it('names the file of a truncated gzip', async () => {
    const path = join(directory, 'truncated.gz');
    const bytes = encodeIdx([100], new Uint8Array(100).fill(3));
    await writeFile(path, gzipSync(bytes.subarray(0, 50)));

    const error = await catchError(() => readIdx(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('truncated');
    expect(error.message).toContain('need 100 bytes');
    expect(error.message).toContain('has 42 bytes');
  });

  it('names the file of a corrupt gzip stream', async () => {
    const path = join(directory, 'corrupt.gz');
    const compressed = gzipSync(encodeIdx([100], new Uint8Array(100)));
    compressed.fill(0xaa, 10, compressed.length - 8);
    await writeFile(path, compressed);

    const error = await catchError(() => readIdx(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain(path);
    expect(error.message).toContain('gzip stream is corrupt');
  });

  it('names a missing file', async () => {
    const path = join(directory, 'absent');
    const error = await catchError(() => readIdx(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(`IDX file ${path} not found`);
  });

  it('rejects a folder', async () => {
    await expect(readIdx(directory)).rejects.toThrow(/is a folder/);
  });
});
