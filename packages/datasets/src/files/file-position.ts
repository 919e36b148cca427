import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import {
  locateRawField,
  positionAt,
  type TextPosition,
} from './text-position.js';

/** Bytes read at a time while counting lines. */
const CHUNK_BYTES = 1 << 20;

/**
 * Most bytes read from the start of a record whose end is not known, such
 * as one with an unclosed quote, to place a field in it.
 */
const OPEN_RECORD_BYTES = 64 << 20;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Finds where field `fieldIndex` (from 0) of a CSV record begins, as a
 * line and column of the whole file. The record occupies bytes `start` to
 * `end` of the file at `path`; `end` is Infinity when it is not known. The
 * place is the one `locateField` finds in the file's text. Reads the file
 * up to the record, so it is meant for error messages only. Returns
 * undefined when the file can no longer be read. NOTE: with an unknown
 * end, a field more than 64 MiB into its record is placed at the end of
 * those 64 MiB.
 */
export function locateFileField(
  path: string,
  start: number,
  end: number,
  fieldIndex: number,
  delimiter: string,
): TextPosition | undefined {
  const last = Number.isFinite(end) ? end : start + OPEN_RECORD_BYTES;
  return withFile(path, (fd) => {
    const firstLine = 1 + countFileLineBreaks(fd, start);
    const raw = decodeFrom(readRange(fd, start, last), start);
    return locateRawField(raw, firstLine, fieldIndex, delimiter);
  });
}

/**
 * Returns the position just past the last character of the file at
 * `path`, as `positionAt(text, text.length)` gives for its text.
 */
export function locateFileEnd(path: string): TextPosition | undefined {
  return withFile(path, (fd) => {
    const size = fstatSync(fd).size;
    const lines = countFileLineBreaks(fd, size);
    const lineStart = lastLineStart(fd, size);
    const lastLine = decodeFrom(readRange(fd, lineStart, size), lineStart);
    const { column } = positionAt(lastLine, lastLine.length);
    return { line: 1 + lines, column };
  });
}

/**
 * Runs `read` on the file open for reading, or returns undefined when it
 * cannot be opened or read, such as after it was deleted.
 */
function withFile<T>(path: string, read: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return read(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Counts the line breaks in `bytes`: `\n`, `\r\n` and a lone `\r`, each as
 * one, a `\r\n` at its `\r`. `previous` is the byte before `bytes`, so a
 * `\r\n` split between two reads is counted once.
 */
export function countLineBreaks(bytes: Buffer, previous?: number): number {
  let count = 0;
  for (let i = bytes.indexOf(CR); i !== -1; i = bytes.indexOf(CR, i + 1)) {
    count++;
  }
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    const before = i === 0 ? previous : bytes[i - 1];
    if (before !== CR) count++;
  }
  return count;
}

/** Counts the line breaks that start before byte `end` of the file. */
function countFileLineBreaks(fd: number, end: number): number {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let count = 0;
  let previous: number | undefined;
  for (let position = 0; position < end; position += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, end - position);
    const read = readSync(fd, buffer, 0, length, position);
    const chunk = buffer.subarray(0, read);
    count += countLineBreaks(chunk, previous);
    previous = chunk[read - 1];
    if (read < length) break;
  }
  return count;
}

/** Byte offset just after the file's last line break, or 0 if none. */
function lastLineStart(fd: number, size: number): number {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (let end = size; end > 0; end -= CHUNK_BYTES) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const chunk = buffer.subarray(0, end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const lf = chunk.lastIndexOf(LF);
    const cr = chunk.lastIndexOf(CR);
    const found = Math.max(lf, cr);
    if (found !== -1) return start + found + 1;
  }
  return 0;
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(Math.max(0, end - start));
  let filled = 0;
  while (filled < buffer.length) {
    const read = readSync(fd, buffer, filled, buffer.length - filled, start);
    if (read === 0) break;
    filled += read;
    start += read;
  }
  return buffer.subarray(0, filled);
}

/** Decodes UTF-8, dropping a byte order mark at the file's start. */
function decodeFrom(bytes: Buffer, offset: number): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return offset === 0 && text.startsWith('\ufeff') ? text.slice(1) : text;
}
