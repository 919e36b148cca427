import { createHash, randomBytes } from 'node:crypto';
import {
  access,
  constants,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { InvalidDataError } from '@fixclust/core';
import { makeDirectory } from '@fixclust/core/files';

import { assertOptions, assertPath } from '../arguments.js';
import { fileError } from '../files.js';
import { defaultCacheDirectory } from '../text/download.js';
import {
  convertCsvToNpy,
  type CsvConversion,
  type CsvConversionProgress,
} from './csv-convert.js';
import {
  CSV_OPTION_NAMES,
  checkCsvOptions,
  type CsvOptions,
} from './csv-options.js';
import { encodeNpyHeader } from './npy-writer.js';
import { openNpyStream, type NpyStream } from './npy-stream.js';
import { datasetNameFromPath } from './user-dataset.js';

/** Options of {@link openCsvStream}. */
export interface CsvStreamOptions extends CsvOptions {
  /**
   * Folder of the binary caches. Default: `csv` in the fixclust cache
   * folder (`~/.cache/fixclust` on Linux, or `$XDG_CACHE_HOME/fixclust`).
   */
  cacheDirectory?: string | undefined;
  /** Rows per block read. Default: `DEFAULT_BLOCK_ROWS` of core (4096). */
  blockSize?: number | undefined;
  /** Called as a conversion reads the CSV file; not called for a cache hit. */
  onProgress?: ((progress: CsvConversionProgress) => void) | undefined;
}

/** Keys of {@link CsvStreamOptions}. */
export const CSV_STREAM_OPTION_NAMES = [
  ...CSV_OPTION_NAMES,
  'cacheDirectory',
  'blockSize',
  'onProgress',
] as const satisfies ReadonlyArray<keyof CsvStreamOptions>;

/** A CSV file read in blocks of rows from its binary cache. */
export interface CsvStream extends NpyStream {
  /** The CSV file the cache was made from. */
  readonly sourcePath: string;
  /** Names of the feature columns, from a header row. */
  readonly featureNames?: string[] | undefined;
  /** Whether this call converted the file, rather than reusing a cache. */
  readonly converted: boolean;
}

/** Contents of a cache's JSON file: its source, options and shape. */
interface CacheRecord {
  source: string;
  size: number;
  mtimeMs: number;
  options: ReturnType<typeof checkCsvOptions>;
  nSamples: number;
  nFeatures: number;
  classNames?: string[];
  featureNames?: string[];
}

/**
 * Opens a CSV file for reading in blocks of rows. The first call converts
 * it in one streaming pass (see {@link convertCsvToNpy}) to a float32 NPY
 * file in `cacheDirectory`, with its labels in a second NPY file; later
 * calls with the same file (path, size and modification time) and the
 * same CSV options reuse that cache. The rows are then read as
 * {@link openNpyStream} reads them.
 *
 * @throws InvalidParameterError when `path` is not a string, for unknown
 *   or invalid options, or a label column that is not in the file.
 * @throws InvalidDataError naming the file for any problem
 *   {@link convertCsvToNpy} reports, or when the cache folder cannot be
 *   written.
 */
export async function openCsvStream(
  path: string,
  options: CsvStreamOptions = {},
): Promise<CsvStream> {
  assertPath('path', path);
  assertOptions(options, CSV_STREAM_OPTION_NAMES);
  if (options.cacheDirectory !== undefined) {
    assertPath('cacheDirectory', options.cacheDirectory);
  }
  const checked = checkCsvOptions(options);
  const source = resolve(path);
  const stats = await stat(source).catch((error: unknown) => {
    throw fileError(error, path, 'CSV file');
  });
  const directory = options.cacheDirectory ?? defaultCsvCacheDirectory();
  const key = cacheKey(source, stats.size, stats.mtimeMs, checked);
  const base = join(directory, `${datasetNameFromPath(path)}-${key}`);

  const fresh = { source, size: stats.size, mtimeMs: stats.mtimeMs };
  const reconvert = () =>
    convert(path, base, { ...fresh, options: checked }, options.onProgress);
  let record = await readCacheRecord(`${base}.json`);
  let converted = record === undefined;
  record ??= await reconvert();
  let stream: NpyStream;
  try {
    stream = await openCache(base, record, options.blockSize);
  } catch (error) {
    // A cache damaged since it was written (truncated, or a file deleted)
    // is converted again once; an error in a fresh conversion is final.
    if (converted || !InvalidDataError.isInstance(error)) throw error;
    record = await reconvert();
    converted = true;
    stream = await openCache(base, record, options.blockSize);
  }
  const classNames = record.classNames;
  return Object.assign(stream, {
    name: datasetNameFromPath(path),
    sourcePath: path,
    featureNames: record.featureNames,
    converted,
    // The cache stores labels 0 … C − 1, so their names come from the CSV.
    classNames,
  });
}

function openCache(
  base: string,
  record: CacheRecord,
  blockSize: number | undefined,
): Promise<NpyStream> {
  const hasLabels = record.classNames !== undefined;
  return openNpyStream(`${base}.npy`, {
    blockSize,
    labelsPath: hasLabels ? `${base}.labels.npy` : undefined,
  });
}

/** Returns the folder {@link openCsvStream} caches conversions in by default. */
export function defaultCsvCacheDirectory(): string {
  return join(defaultCacheDirectory(), 'csv');
}

/** Hexadecimal digits of a cache key, the end of each cache file's name. */
const KEY_LENGTH = 16;

function cacheKey(
  source: string,
  size: number,
  mtimeMs: number,
  options: ReturnType<typeof checkCsvOptions>,
): string {
  const text = JSON.stringify({ source, size, mtimeMs, options });
  return createHash('sha256').update(text).digest('hex').slice(0, KEY_LENGTH);
}

async function readCacheRecord(path: string): Promise<CacheRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as CacheRecord;
  } catch {
    // A missing or unreadable record means the file is converted again.
    return undefined;
  }
}

/**
 * Converts the CSV file to `${base}.npy` and `${base}.labels.npy`, writing
 * the record `${base}.json` last, so a conversion cut short is never
 * reused. Each file is written under a name of this conversion's own and
 * renamed into place, so conversions of the same file at the same time,
 * in one process or several, each leave complete files. Then removes the
 * caches of earlier versions of the same source file.
 */
async function convert(
  path: string,
  base: string,
  record: Omit<CacheRecord, 'nSamples' | 'nFeatures'>,
  onProgress: CsvStreamOptions['onProgress'],
): Promise<CacheRecord> {
  const directory = join(base, '..');
  await makeDirectory(directory).catch((error: unknown) => {
    throw new InvalidDataError(
      `failed to create the CSV cache folder ${directory} ` +
        `(${(error as Error).message}); pass cacheDirectory`,
      { cause: error, path: directory },
    );
  });
  await access(directory, constants.W_OK).catch((error: unknown) => {
    throw new InvalidDataError(
      `the CSV cache folder ${directory} is not writable ` +
        `(${(error as Error).message}); pass another cacheDirectory`,
      { cause: error, path: directory },
    );
  });
  await removeAbandonedFiles(base);
  const temporary = `${base}.${process.pid}-${randomBytes(4).toString('hex')}`;
  let conversion: CsvConversion;
  try {
    conversion = await convertCsvToNpy(path, `${temporary}.partial.npy`, {
      ...record.options,
      onProgress,
    });
    await rename(`${temporary}.partial.npy`, `${base}.npy`);
    if (conversion.labels !== undefined) {
      await writeLabels(`${temporary}.labels.npy`, conversion.labels);
      await rename(`${temporary}.labels.npy`, `${base}.labels.npy`);
    }
  } catch (error) {
    await rm(`${temporary}.partial.npy`, { force: true });
    await rm(`${temporary}.labels.npy`, { force: true });
    throw error;
  }

  const complete: CacheRecord = {
    ...record,
    nSamples: conversion.nSamples,
    nFeatures: conversion.nFeatures,
  };
  if (conversion.classNames !== undefined) {
    complete.classNames = conversion.classNames;
  }
  if (conversion.featureNames !== undefined) {
    complete.featureNames = conversion.featureNames;
  }
  await writeFile(`${temporary}.json`, JSON.stringify(complete));
  await rename(`${temporary}.json`, `${base}.json`);
  await removeEarlierVersions(base, complete);
  return complete;
}

/**
 * Milliseconds after its last write when a temporary file of a conversion
 * counts as abandoned by a killed or interrupted process. A conversion
 * under way writes to its file far more often.
 */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

/**
 * Removes the temporary files of earlier conversions of `base` that
 * stopped writing at least {@link ABANDONED_AFTER_MS} ago.
 */
async function removeAbandonedFiles(base: string): Promise<void> {
  const directory = join(base, '..');
  const prefix = `${basename(base)}.`;
  const now = Date.now();
  for (const name of await readdir(directory)) {
    if (!name.startsWith(prefix)) continue;
    const path = join(directory, name);
    const modified = await stat(path).then(
      (stats) => stats.mtimeMs,
      () => now,
    );
    if (now - modified >= ABANDONED_AFTER_MS) await rm(path, { force: true });
  }
}

/**
 * Removes the cache entries in `base`'s folder whose record names the same
 * source file with another size or modification time: caches of versions
 * of the file that no later call can reuse. Entries of the same version
 * with other CSV options stay.
 */
async function removeEarlierVersions(
  base: string,
  current: CacheRecord,
): Promise<void> {
  const directory = join(base, '..');
  const prefix = `${basename(base).slice(0, -KEY_LENGTH)}`;
  const names = await readdir(directory);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    const other = join(directory, name.slice(0, -'.json'.length));
    if (other === base || other.length !== base.length) continue;
    const record = await readCacheRecord(`${other}.json`);
    const earlier =
      record !== undefined &&
      record.source === current.source &&
      (record.size !== current.size || record.mtimeMs !== current.mtimeMs);
    if (!earlier) continue;
    await rm(`${other}.json`, { force: true });
    await rm(`${other}.npy`, { force: true });
    await rm(`${other}.labels.npy`, { force: true });
    await removeAbandonedFiles(other);
  }
}

async function writeLabels(path: string, labels: Int32Array): Promise<void> {
  const header = encodeNpyHeader('<i4', [labels.length]);
  const bytes = new Uint8Array(labels.length * 4);
  const view = new DataView(bytes.buffer);
  labels.forEach((label, i) => view.setInt32(4 * i, label, true));
  await writeFile(path, Buffer.concat([header, bytes]));
}
