import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  InvalidDataError,
  InvalidParameterError,
  Random,
  streamBatches,
} from '@fixclust/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  catchError,
  createTempDirectory,
  removeTempDirectory,
} from '../test-fixtures.js';
import { loadNpyDataset } from './npy.js';
import { openNpyStream } from './npy-stream.js';
import { NpyRowWriter, encodeNpyHeader } from './npy-writer.js';

let directory: string;

beforeEach(async () => {
  directory = await createTempDirectory();
});

afterEach(async () => {
  await removeTempDirectory(directory);
});

/** Seeded values with a fractional part, `nSamples × nFeatures`. */
function randomMatrix(nSamples: number, nFeatures: number): Float32Array {
  const random = new Random(11);
  return Float32Array.from(
    { length: nSamples * nFeatures },
    () => random.float() * 20 - 10,
  );
}

/** Writes an NPY file of `descr` from an encoded header and data bytes. */
async function writeNpy(
  name: string,
  descr: string,
  shape: number[],
  data: Uint8Array,
  fortranOrder = false,
): Promise<string> {
  let header = Buffer.from(encodeNpyHeader(descr, shape));
  if (fortranOrder) {
    const text = header.toString('latin1').replace('False', 'True ');
    header = Buffer.from(text, 'latin1');
  }
  const path = join(directory, name);
  await writeFile(path, Buffer.concat([header, data]));
  return path;
}

async function writeFloat32(name: string, x: Float32Array, nFeatures: number) {
  const path = join(directory, name);
  const writer = await NpyRowWriter.create(path, nFeatures);
  await writer.append(x.subarray(0, 7 * nFeatures));
  await writer.append(x.subarray(7 * nFeatures));
  await writer.close();
  return path;
}

describe('openNpyStream', () => {
  it('reads blocks equal to the full reader', async () => {
    const x = randomMatrix(53, 5);
    const path = await writeFloat32('x.npy', x, 5);
    const full = await loadNpyDataset(path);
    const stream = await openNpyStream(path, { blockSize: 8 });
    try {
      expect([stream.nSamples, stream.nFeatures]).toEqual([53, 5]);
      for (let start = 0; start < 53; start += 8) {
        const count = Math.min(8, 53 - start);
        const block = await stream.readRows(start, count);
        expect(block).toEqual(full.x.subarray(start * 5, (start + count) * 5));
      }
    } finally {
      await stream.close();
    }
  });

  it('streams every row once in shuffled batches', async () => {
    const x = randomMatrix(40, 3);
    const path = await writeFloat32('x.npy', x, 3);
    const stream = await openNpyStream(path, { blockSize: 6 });
    const seen: number[] = [];
    const options = { batchSize: 7, random: new Random(2) };
    for await (const batch of streamBatches(stream, options)) {
      for (let i = 0; i < batch.nRows; i++) seen.push(batch.x[i * 3]!);
    }
    await stream.close();
    const firsts = Array.from({ length: 40 }, (_, i) => x[i * 3]!);
    expect(seen.sort((a, b) => a - b)).toEqual(firsts.sort((a, b) => a - b));
  });

  it('converts big-endian float64 and images', async () => {
    const values = [1.5, -2, 3.25, 4, 5, 6, 7, 8];
    const data = new Uint8Array(values.length * 8);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat64(8 * i, v, false));
    const path = await writeNpy('image.npy', '>f8', [2, 2, 2], data);
    const stream = await openNpyStream(path);
    expect(stream.sampleShape).toEqual([2, 2]);
    expect(Array.from(await stream.readRows(1, 1))).toEqual([5, 6, 7, 8]);
    await stream.close();
  });

  it('reads labels in blocks', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(10, 2), 2);
    const labels = new Int32Array([3, 3, 7, 7, 7, 3, 9, 9, 3, 7]);
    const labelsPath = await writeNpy(
      'y.npy',
      '<i4',
      [10],
      new Uint8Array(labels.buffer),
    );
    const stream = await openNpyStream(path, { labelsPath });
    expect(Array.from(stream.labels!)).toEqual([0, 0, 1, 1, 1, 0, 2, 2, 0, 1]);
    expect(stream.classNames).toEqual(['3', '7', '9']);
    await stream.close();
  });

  it('reads labels as the full reader', async () => {
    const nSamples = 70_000;
    const path = await writeFloat32('x.npy', randomMatrix(nSamples, 1), 1);
    const random = new Random(4);
    const values = Float64Array.from({ length: nSamples }, () =>
      random.int(5) === 0 ? -0.5 : random.int(3) * 10,
    );
    const labelsPath = await writeNpy(
      'y.npy',
      '<f8',
      [nSamples],
      new Uint8Array(values.buffer),
    );
    const full = await loadNpyDataset(path, { labelsPath });
    const stream = await openNpyStream(path, { labelsPath });
    await stream.close();
    expect(stream.labels).toEqual(full.labels);
    expect(stream.classNames).toEqual(full.classNames);
    expect(stream.nClasses).toBe(4);
  });

  it('rejects labels of another length', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(10, 2), 2);
    const labelsPath = await writeNpy('y.npy', '<i4', [9], new Uint8Array(36));
    const error = await catchError(() => openNpyStream(path, { labelsPath }));
    expect(error.message).toBe(
      `NPY labels file ${labelsPath} has shape (9,), but the data file ` +
        `${path} has 10 samples; pass a 1-dimensional array of 10 labels, ` +
        `such as y.ravel()`,
    );
  });

  it('rejects a NaN label', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(3, 2), 2);
    const values = Float32Array.from([1, Number.NaN, 2]);
    const labelsPath = await writeNpy(
      'y.npy',
      '<f4',
      [3],
      new Uint8Array(values.buffer),
    );
    const error = await catchError(() => openNpyStream(path, { labelsPath }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('contains NaN at index 1');
  });

  it('rejects a non-finite value with its row', async () => {
    const x = randomMatrix(20, 4);
    x[13 * 4 + 2] = Number.NaN;
    const path = await writeFloat32('bad.npy', x, 4);
    const stream = await openNpyStream(path, { blockSize: 5 });
    await expect(stream.readRows(10, 5)).rejects.toThrow(
      `NPY file ${path} contains NaN at index [13, 2]; remove or impute ` +
        `non-finite values, and rescale values beyond 3.4e38, before ` +
        `clustering`,
    );
    await stream.close();
  });

  it.each([false, true])(
    'names a value beyond float32 as the full reader does (Fortran %s)',
    async (fortranOrder) => {
      const values = new Float64Array(6 * 2 * 3).fill(0.5);
      // Sample 4, position [1, 2]: stored at 4 + 6 · (1 + 2 · 2) in
      // Fortran order, at 4 · 6 + 1 · 3 + 2 in C order.
      values[fortranOrder ? 4 + 6 * (1 + 2 * 2) : 4 * 6 + 3 + 2] = 1e300;
      const path = await writeNpy(
        'big.npy',
        '<f8',
        [6, 2, 3],
        new Uint8Array(values.buffer),
        fortranOrder,
      );
      const full = await catchError(() => loadNpyDataset(path));
      const stream = await openNpyStream(path, { blockSize: 2 });
      try {
        const streamed = await catchError(() => stream.readRows(4, 2));
        expect(streamed.message).toBe(full.message);
        expect(streamed.message).toContain(
          '1e+300, outside the float32 range at index [4, 1, 2]',
        );
      } finally {
        await stream.close();
      }
    },
  );

  it('rejects a truncated file', async () => {
    const path = await writeNpy('short.npy', '<f4', [4, 2], new Uint8Array(28));
    const error = await catchError(() => openNpyStream(path));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('is truncated');
  });

  it.each([
    ['a matrix', [11, 3]],
    ['images', [9, 2, 3]],
  ])('reads %s in Fortran order as in C order', async (_, shape) => {
    const [n, ...sampleShape] = shape as [number, ...number[]];
    const width = sampleShape.reduce((a, b) => a * b, 1);
    const x = randomMatrix(n, width);
    // Fortran order: the sample index varies fastest, then the first
    // sample axis, and so on; x is row-major.
    const stored = new Float64Array(n * width);
    const [d1, d2 = 1] = sampleShape as [number, number?];
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d1; a++) {
        for (let b = 0; b < d2; b++) {
          stored[i + n * (a + d1 * b)] = x[i * width + a * d2 + b]!;
        }
      }
    }
    const path = await writeNpy(
      'f.npy',
      '<f8',
      shape,
      new Uint8Array(stored.buffer),
      true,
    );
    const full = await loadNpyDataset(path);
    expect(full.x).toEqual(x);
    const stream = await openNpyStream(path, { blockSize: 4 });
    try {
      for (let start = 0; start < n; start += 4) {
        const count = Math.min(4, n - start);
        const block = await stream.readRows(start, count);
        expect(block).toEqual(
          x.subarray(start * width, (start + count) * width),
        );
      }
    } finally {
      await stream.close();
    }
  });

  it('rejects a non-finite value in Fortran order with its row', async () => {
    const stored = new Float32Array(5 * 2).fill(1);
    // Row 3, column 1: stored at 3 + 5 · 1.
    stored[8] = Number.NaN;
    const path = await writeNpy(
      'f.npy',
      '<f4',
      [5, 2],
      new Uint8Array(stored.buffer),
      true,
    );
    const stream = await openNpyStream(path);
    try {
      const error = await catchError(() => stream.readRows(0, 5));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toContain('NaN at index [3, 1]');
    } finally {
      await stream.close();
    }
  });

  it('rejects a 1-dimensional array', async () => {
    const path = await writeNpy('v.npy', '<f4', [4], new Uint8Array(16));
    const error = await catchError(() => openNpyStream(path));
    expect(error.message).toContain('has shape (4,)');
  });

  it('rejects a missing file', async () => {
    const path = join(directory, 'missing.npy');
    const error = await catchError(() => openNpyStream(path));
    expect(error.message).toBe(`NPY file ${path} not found`);
  });

  it('rejects an invalid block size', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(10, 2), 2);
    const error = await catchError(() => openNpyStream(path, { blockSize: 0 }));
    expect(error).toBeInstanceOf(InvalidParameterError);
  });

  it('rejects reads after close', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(10, 2), 2);
    const stream = await openNpyStream(path);
    await stream.close();
    await expect(stream.readRows(0, 1)).rejects.toThrow('was closed');
  });

  it('rejects rows out of range', async () => {
    const path = await writeFloat32('x.npy', randomMatrix(10, 2), 2);
    const stream = await openNpyStream(path);
    await expect(stream.readRows(8, 3)).rejects.toThrow(
      'count must be an integer between 1 and the rows left after start 8 (2)',
    );
    await stream.close();
  });
});

describe('NpyRowWriter', () => {
  it('writes a file the full reader reads', async () => {
    const x = randomMatrix(9, 3);
    const path = await writeFloat32('w.npy', x, 3);
    const read = await loadNpyDataset(path);
    expect([read.nSamples, read.nFeatures]).toEqual([9, 3]);
    expect(read.x).toEqual(x);
  });

  it('rejects a partial row', async () => {
    const writer = await NpyRowWriter.create(join(directory, 'p.npy'), 3);
    await expect(writer.append(new Float32Array(4))).rejects.toThrow(
      'values has 4 values, which is not a whole number of rows of 3',
    );
    await writer.close();
  });
});
