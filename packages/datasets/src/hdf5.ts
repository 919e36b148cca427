import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';

import { InvalidDataError } from '@fixclust/core';
import type { File as H5File } from 'h5wasm/node';

/** The h5wasm module, passed to readers for its `Group` and `Dataset` classes. */
export type H5Module = typeof import('h5wasm/node').default;

import { fileError, formatBytes } from './files.js';

/** The eight bytes that start an HDF5 superblock. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes read from the start of a superblock: enough for its EOF field. */
const SUPERBLOCK_PREFIX = 64;

/**
 * Checks that `path` is an HDF5 file that is not shorter than its superblock
 * declares, so that the HDF5 library is not asked to open a file it would
 * reject.
 *
 * The superblock starts with the HDF5 signature at byte 0, 512, 1024, 2048
 * or a later power of two. A file smaller than the end-of-file address in
 * the superblock is rejected, as the HDF5 library (2.0.0 in h5wasm 0.10.3)
 * rejects it with "truncated file".
 *
 * @throws InvalidDataError naming the file when it is unreadable, has no
 *   HDF5 signature (showing the bytes found at byte 0) or is truncated.
 */
export async function checkHdf5File(path: string, kind: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path, kind);
  }

  try {
    const { size } = await handle.stat();
    const superblock = await findSuperblock(handle, size);
    if (superblock === undefined) {
      const first = await readAt(handle, 0, HDF5_SIGNATURE.length);
      throw new InvalidDataError(
        `${kind} ${path} is not an HDF5 file: its first bytes are ` +
          `${formatBytes(first)}, and the HDF5 signature ` +
          `${formatBytes(HDF5_SIGNATURE)} is not at byte 0, 512 or a later ` +
          `power of two`,
        { path },
      );
    }

    const storedEnd = endOfFileAddress(superblock);
    if (storedEnd !== undefined && size < storedEnd) {
      throw new InvalidDataError(
        `${kind} ${path} is truncated: its HDF5 superblock declares ` +
          `${storedEnd} bytes, but the file has ${size} bytes`,
        { path },
      );
    }
  } finally {
    await handle.close();
  }
}

/** Returns the first bytes of the superblock, or `undefined` if none. */
async function findSuperblock(
  handle: FileHandle,
  size: number,
): Promise<Uint8Array | undefined> {
  for (let offset = 0; offset < size; offset = Math.max(512, 2 * offset)) {
    const bytes = await readAt(handle, offset, SUPERBLOCK_PREFIX);
    if (HDF5_SIGNATURE.every((byte, i) => bytes[i] === byte)) return bytes;
  }
  return undefined;
}

/**
 * Reads the end-of-file address of a superblock, or returns `undefined` for a
 * layout this reader does not know.
 *
 * Superblock versions 0 and 1 store it after 24 or 28 bytes of fixed fields
 * and two addresses (base, free-space info). Versions 2 and 3 store it after
 * 12 bytes and two addresses (base, superblock extension). Addresses are
 * little-endian, and their size is stored at byte 13 (versions 0 and 1) or 9.
 *
 * NOTE: the layouts of versions 0, 2 and 3 were checked against files
 * written by HDF5; the version 1 layout follows the format specification and
 * has not been run.
 */
function endOfFileAddress(superblock: Uint8Array): number | undefined {
  const version = superblock[8];
  const layouts: Record<number, { sizeAt: number; fixed: number }> = {
    0: { sizeAt: 13, fixed: 24 },
    1: { sizeAt: 13, fixed: 28 },
    2: { sizeAt: 9, fixed: 12 },
    3: { sizeAt: 9, fixed: 12 },
  };
  const layout = version === undefined ? undefined : layouts[version];
  if (layout === undefined) return undefined;

  const offsetSize = superblock[layout.sizeAt] as number;
  const position = layout.fixed + 2 * offsetSize;
  if (![2, 4, 8].includes(offsetSize)) return undefined;
  if (position + offsetSize > superblock.length) return undefined;

  let address = 0;
  for (let i = offsetSize - 1; i >= 0; i--) {
    address = address * 256 + (superblock[position + i] as number);
  }
  return address;
}

/**
 * Opens an HDF5 file read-only with h5wasm, passes it and the h5wasm module
 * to `read`, and closes
 * it whether or not `read` throws.
 *
 * h5wasm's Node build reads the host file system directly (Emscripten
 * NODERAWFS), so no copy of the file is written to a virtual file system.
 *
 * @throws InvalidDataError naming the file when the HDF5 library cannot
 *   open or read it, such as a file corrupted in the middle.
 */
export async function withHdf5File<T>(
  path: string,
  kind: string,
  read: (file: H5File, h5: H5Module) => T,
): Promise<T> {
  // Loaded on first use, so importing this package does not start h5wasm.
  const { default: h5wasm } = await import('h5wasm/node');
  const module = await h5wasm.ready;
  // The HDF5 library prints its errors and carries on with whatever the
  // failed call left in memory. Its throwing handler turns each failure
  // into an exception instead. The handler is process-wide, so it is on
  // only while this synchronous read runs.
  module.activate_throwing_error_handler();
  try {
    const file = new h5wasm.File(resolve(path), 'r');
    if (file.file_id < 0n) throw new Error('H5Fopen returned no file');
    try {
      return read(file, h5wasm);
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof InvalidDataError) throw error;
    throw new InvalidDataError(
      `${kind} ${path} could not be read by the HDF5 library (` +
        `${firstHdf5Message(error)}); check that it is a complete, ` +
        `uncorrupted HDF5 file`,
      { path, cause: error },
    );
  } finally {
    module.deactivate_throwing_error_handler();
  }
}

/** Picks the most specific line of an HDF5 error stack. */
function firstHdf5Message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim());
  const call = lines.find((line) => /in H5\w+\(\): /.test(line));
  return call === undefined ? (lines[0] ?? text) : call.replace(/^.* in /, '');
}

async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}
