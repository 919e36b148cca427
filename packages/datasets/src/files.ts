import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

import { InvalidDataError } from '@fixclust/core';

/**
 * Reads a whole file.
 *
 * @param kind - What the file is, for error messages, such as `IDX file`.
 * @throws InvalidDataError naming the file when it is missing, is a folder
 *   or cannot be read.
 */
export async function readDataFile(
  path: string,
  kind: string,
): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError(error, path, kind);
  }
}

/**
 * Returns the file's status, or `undefined` when nothing exists at `path`.
 *
 * @throws InvalidDataError naming the path for any other failure, such as a
 *   permission error.
 */
export async function statOrUndefined(
  path: string,
  kind: string,
): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw fileError(error, path, kind);
  }
}

/** Formats bytes as lowercase two-digit hex separated by spaces. */
export function formatBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(
    ' ',
  );
}

/**
 * Wraps a failed file-system call on `path` in an InvalidDataError that names
 * the file and states whether it was not found, a folder or unreadable.
 */
export function fileError(
  error: unknown,
  path: string,
  kind: string,
): InvalidDataError {
  const code = errorCode(error);
  let problem = `cannot be read (${(error as Error).message})`;
  if (code === 'ENOENT') problem = 'not found';
  if (code === 'EISDIR') problem = 'is a folder, not a file';
  return new InvalidDataError(`${kind} ${path} ${problem}`, {
    cause: error,
    path,
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
