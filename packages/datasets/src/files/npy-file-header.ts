import type { FileHandle } from 'node:fs/promises';

import { readNpyHeader, type NpyHeader } from './npy-header.js';
import { checkDataLength } from './npy.js';

/** Bytes enough for the fixed part of any NPY header. */
const PREAMBLE_BYTES = 12;

/**
 * Reads the header of an open NPY file and checks it and the file length.
 *
 * @throws InvalidDataError naming the file for any problem
 *   {@link readNpyHeader} reports, and for a truncated or too long file.
 */
export async function readNpyFileHeader(
  handle: FileHandle,
  path: string,
): Promise<NpyHeader> {
  const { size } = await handle.stat();
  const preamble = await readPrefix(handle, Math.min(size, PREAMBLE_BYTES));
  const major = preamble[6] ?? 0;
  const view = new DataView(preamble.buffer);
  let length = size;
  if (preamble.length === PREAMBLE_BYTES && major >= 1 && major <= 3) {
    const headerLength =
      major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
    length = Math.min(size, (major === 1 ? 10 : 12) + headerLength);
  }
  const bytes = await readPrefix(handle, Math.min(length, size));
  const header = readNpyHeader(bytes, path);
  checkDataLength(size, header, path);
  return header;
}

/** Reads up to `length` bytes from the start of the file. */
export async function readPrefix(
  handle: FileHandle,
  length: number,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(
      bytes,
      filled,
      length - filled,
      filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
}
