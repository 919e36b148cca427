/**
 * Small data files written by the tests. Not part of the published build.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import h5wasm from 'h5wasm/node';

import { MNIST_FILES } from './mnist.js';

/**
 * Runs `action` and returns the error it threw.
 *
 * @throws Error when `action` throws nothing.
 */
export async function catchError(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected an error, but none was thrown');
}

/** Creates an empty folder under the system's temporary folder. */
export function createTempDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'fixclust-datasets-'));
}

/** Removes a folder made by {@link createTempDirectory}. */
export function removeTempDirectory(directory: string): Promise<void> {
  return rm(directory, { recursive: true, force: true });
}

/** Encodes a uint8 array as an IDX file (type code 0x08). */
export function encodeIdx(
  shape: readonly number[],
  values: ArrayLike<number>,
): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));

  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(Uint8Array.from(values), header.length);
  return bytes;
}

/** Pixels of `n` images of `rows` × `columns`: image i is filled with i. */
export function syntheticImages(
  n: number,
  rows = 28,
  columns = 28,
): Uint8Array {
  const pixels = new Uint8Array(n * rows * columns);
  for (let i = 0; i < n; i++) {
    pixels.fill(i, i * rows * columns, (i + 1) * rows * columns);
  }
  return pixels;
}

/** Sizes and contents of a synthetic MNIST folder. */
export interface MnistFixture {
  nTrain: number;
  nTest: number;
  /** Gzip the files and add `.gz` to their names. Default: false. */
  gzip?: boolean;
}

/**
 * Writes the four MNIST files into `directory`: training image i and test
 * image i are filled with the byte i, and their label is i mod 10.
 */
export async function writeMnistFolder(
  directory: string,
  fixture: MnistFixture,
): Promise<void> {
  const parts = [
    { files: MNIST_FILES.train, n: fixture.nTrain },
    { files: MNIST_FILES.test, n: fixture.nTest },
  ];
  for (const { files, n } of parts) {
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    await writeIdxFile(
      join(directory, files.images),
      encodeIdx([n, 28, 28], syntheticImages(n)),
      fixture.gzip ?? false,
    );
    await writeIdxFile(
      join(directory, files.labels),
      encodeIdx([n], labels),
      fixture.gzip ?? false,
    );
  }
}

async function writeIdxFile(
  path: string,
  bytes: Uint8Array,
  gzip: boolean,
): Promise<void> {
  if (gzip) await writeFile(`${path}.gz`, gzipSync(bytes));
  else await writeFile(path, bytes);
}

/** Contents of one group of a synthetic USPS file. */
export interface UspsGroupFixture {
  /** Pixels, `columns` per row. */
  data: Float32Array;
  /** Number of columns of `data`. Default: 256. */
  columns?: number;
  target: Int32Array;
}

/** Writes an HDF5 file with one group per entry of `groups`. */
export async function writeUspsFile(
  path: string,
  groups: Record<string, UspsGroupFixture>,
): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    for (const [name, group] of Object.entries(groups)) {
      const columns = group.columns ?? 256;
      const created = file.create_group(name);
      created.create_dataset({
        name: 'data',
        data: group.data,
        shape: [group.data.length / columns, columns],
        dtype: '<f',
      });
      created.create_dataset({
        name: 'target',
        data: group.target,
        dtype: '<i',
      });
    }
  } finally {
    file.close();
  }
}

/**
 * Creates a USPS group of `n` rows: row i is filled with i / n, and its label
 * is i mod 10.
 */
export function syntheticUspsGroup(n: number): UspsGroupFixture {
  const data = new Float32Array(n * 256);
  for (let i = 0; i < n; i++) data.fill(i / n, i * 256, (i + 1) * 256);
  const target = Int32Array.from({ length: n }, (_, i) => i % 10);
  return { data, target };
}
