import { open, type FileHandle } from 'node:fs/promises';

import { InvalidDataError } from '@fixclust/core';

import { fileError } from '../files.js';
import type { ClassLabels } from './class-labels.js';
import { elementReader, type ElementReader } from './npy-dtype.js';
import { readNpyFileHeader } from './npy-file-header.js';
import { formatShape, type NpyHeader } from './npy-header.js';

/** Label values decoded per read. */
const LABEL_BLOCK = 65536;

/**
 * Reads a 1-dimensional NPY file of class values in blocks and encodes
 * them as labels 0 … C − 1, classes in ascending numeric order with their
 * values written by `String`: the labels and class names that
 * `loadNpyDataset` gives. The file is read twice, first for the distinct
 * values and then for the labels, so memory holds the labels (4 bytes per
 * sample), the distinct values and one block.
 *
 * @param dataPath - The data file, for messages.
 * @throws InvalidDataError naming the file when it is not 1-dimensional
 *   with `nSamples` values, for a non-finite value, for a 64-bit integer
 *   beyond 2^53, and for any problem of its header.
 */
export async function readNpyLabelsInBlocks(
  path: string,
  nSamples: number,
  dataPath: string,
): Promise<ClassLabels> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path, 'NPY file');
  }
  try {
    const header = await readNpyFileHeader(handle, path);
    checkLabelShape(header, nSamples, path, dataPath);

    const distinct = new Set<number>();
    await forEachValue(handle, header, path, (value) => distinct.add(value));
    const classes = [...distinct].sort((a, b) => a - b);
    const index = new Map(classes.map((value, label) => [value, label]));
    const labels = new Int32Array(nSamples);
    await forEachValue(handle, header, path, (value, i) => {
      labels[i] = index.get(value)!;
    });
    return { labels, classNames: classes.map(String) };
  } finally {
    await handle.close();
  }
}

function checkLabelShape(
  header: NpyHeader,
  nSamples: number,
  path: string,
  dataPath: string,
): void {
  if (header.shape.length === 1 && header.shape[0] === nSamples) return;
  throw new InvalidDataError(
    `NPY labels file ${path} has shape ${formatShape(header.shape)}, but ` +
      `the data file ${dataPath} has ${nSamples} samples; pass a ` +
      `1-dimensional array of ${nSamples} labels, such as y.ravel()`,
    { path },
  );
}

/**
 * Calls `action` with each value of the file and its index, in order,
 * after checking that the value is finite and, for 64-bit integers, exact.
 */
async function forEachValue(
  handle: FileHandle,
  header: NpyHeader,
  path: string,
  action: (value: number, index: number) => void,
): Promise<void> {
  const count = header.shape[0]!;
  const size = header.type.size;
  const read = elementReader(header.type);
  const bytes = new Uint8Array(Math.min(count, LABEL_BLOCK) * size);
  const view = new DataView(bytes.buffer);
  for (let start = 0; start < count; start += LABEL_BLOCK) {
    const n = Math.min(LABEL_BLOCK, count - start);
    await readBlock(handle, bytes.subarray(0, n * size), path, {
      position: header.dataOffset + start * size,
    });
    for (let i = 0; i < n; i++) {
      const value = checkedValue(read, view, i, header, path, start + i);
      action(value, start + i);
    }
  }
}

function checkedValue(
  read: ElementReader,
  view: DataView,
  i: number,
  header: NpyHeader,
  path: string,
  index: number,
): number {
  const value = read(view, i);
  if (!Number.isFinite(value)) {
    throw new InvalidDataError(
      `NPY labels file ${path} contains ${value} at index ${index}; pass ` +
        `finite class values`,
      { path },
    );
  }
  const dtype = header.type.dtype;
  const is64Bit = dtype === 'int64' || dtype === 'uint64';
  if (is64Bit && !Number.isSafeInteger(value)) {
    throw new InvalidDataError(
      `NPY labels file ${path} has a ${dtype} label beyond 2^53 at index ` +
        `${index}, which would merge with its neighbours; renumber the ` +
        `classes from 0`,
      { path },
    );
  }
  return value;
}

async function readBlock(
  handle: FileHandle,
  target: Uint8Array,
  path: string,
  { position }: { position: number },
): Promise<void> {
  let filled = 0;
  try {
    while (filled < target.length) {
      const { bytesRead } = await handle.read(
        target,
        filled,
        target.length - filled,
        position + filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw fileError(error, path, 'NPY file');
  }
  if (filled < target.length) {
    throw new InvalidDataError(
      `NPY labels file ${path} ended after ${position + filled} bytes; it ` +
        `was truncated while it was read`,
      { path },
    );
  }
}
