import { extname } from 'node:path';

import { InvalidParameterError } from '@fixclust/core';

import { assertOptions, assertPath } from '../arguments.js';
import { CSV_OPTION_NAMES, type CsvOptions } from './csv-options.js';
import { loadCsv } from './csv.js';
import {
  CSV_STREAM_OPTION_NAMES,
  openCsvStream,
  type CsvStream,
  type CsvStreamOptions,
} from './csv-stream.js';
import { loadNpyDataset, type NpyDatasetOptions } from './npy.js';
import {
  openNpyStream,
  type NpyStream,
  type NpyStreamOptions,
} from './npy-stream.js';
import type { UserDataset } from './user-dataset.js';

/** File extensions {@link loadUserDataset} reads, lowercase. */
export const USER_DATASET_EXTENSIONS = [
  '.csv',
  '.tsv',
  '.txt',
  '.npy',
] as const;

/** Options of {@link loadUserDataset}: those of the reader chosen. */
export interface LoadUserDatasetOptions extends CsvOptions, NpyDatasetOptions {}

/**
 * Loads a data set from a user's file, chosen by its extension (in any
 * letter case): `.csv`, `.tsv` and `.txt` with {@link loadCsv}, `.npy`
 * with {@link loadNpyDataset}.
 *
 * @throws InvalidParameterError when `path` is not a string, for any other
 *   extension, and for an unknown option. An option that the chosen reader
 *   does not read, such as `labelColumn` for an NPY file or `labelsPath`
 *   for a CSV file, is rejected too, so no option is silently ignored.
 * @throws InvalidDataError from the reader when a file is missing or
 *   malformed.
 */
export async function loadUserDataset(
  path: string,
  options: LoadUserDatasetOptions = {},
): Promise<UserDataset> {
  assertPath('path', path);
  assertOptions(options, [...CSV_OPTION_NAMES, 'labelsPath']);
  const extension = extname(path).toLowerCase();
  if (extension === '.npy') {
    const csvOption = CSV_OPTION_NAMES.find(
      (name) => options[name] !== undefined,
    );
    if (csvOption !== undefined) {
      throw unusedOption(csvOption, options[csvOption], path, 'NPY');
    }
    return loadNpyDataset(path, { labelsPath: options.labelsPath });
  }
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') {
    if (options.labelsPath !== undefined) {
      throw unusedOption('labelsPath', options.labelsPath, path, 'CSV');
    }
    const { labelsPath: _labelsPath, ...csvOptions } = options;
    return loadCsv(path, csvOptions);
  }
  throw unsupportedExtension(path, extension);
}

/** Options of {@link openUserDatasetStream}: those of the reader chosen. */
export interface OpenUserDatasetStreamOptions
  extends CsvStreamOptions, NpyStreamOptions {}

/**
 * Opens a user's file, chosen by its extension as {@link loadUserDataset}
 * chooses it, as a streaming data set read in blocks of rows: `.npy` with
 * {@link openNpyStream}, `.csv`, `.tsv` and `.txt` with
 * {@link openCsvStream}, which first converts the file once to a binary
 * cache. Call `close()` when done.
 *
 * @throws InvalidParameterError when `path` is not a string, for any other
 *   extension, for an unknown option, and for an option that the chosen
 *   reader does not read.
 * @throws InvalidDataError from the reader when a file is missing or
 *   malformed.
 */
export async function openUserDatasetStream(
  path: string,
  options: OpenUserDatasetStreamOptions = {},
): Promise<NpyStream | CsvStream> {
  assertPath('path', path);
  assertOptions(options, [...CSV_STREAM_OPTION_NAMES, 'labelsPath']);
  const extension = extname(path).toLowerCase();
  if (extension === '.npy') {
    const csvOnly = ['cacheDirectory', 'onProgress'] as const;
    const csvOption = [...CSV_OPTION_NAMES, ...csvOnly].find(
      (name) => options[name] !== undefined,
    );
    if (csvOption !== undefined) {
      throw unusedOption(csvOption, options[csvOption], path, 'NPY');
    }
    return openNpyStream(path, {
      blockSize: options.blockSize,
      labelsPath: options.labelsPath,
    });
  }
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') {
    if (options.labelsPath !== undefined) {
      throw unusedOption('labelsPath', options.labelsPath, path, 'CSV');
    }
    const { labelsPath: _labelsPath, ...csvOptions } = options;
    return openCsvStream(path, csvOptions);
  }
  throw unsupportedExtension(path, extension);
}

function unusedOption(
  name: string,
  value: unknown,
  path: string,
  format: string,
): InvalidParameterError {
  const hint =
    format === 'CSV'
      ? 'put the labels in a column of the CSV file and pass labelColumn'
      : 'CSV options apply to .csv, .tsv and .txt files only';
  return new InvalidParameterError(
    name,
    value,
    `${name} does not apply to the ${format} file ${path}; ${hint}`,
  );
}

function unsupportedExtension(
  path: string,
  extension: string,
): InvalidParameterError {
  const hints: Record<string, string> = {
    '.npz': '; save each array with numpy.save as .npy instead',
    '.gz': '; decompress it first',
    '.xlsx': '; export the sheet as CSV',
    '.xls': '; export the sheet as CSV',
  };
  const found = extension === '' ? 'no extension' : `extension ${extension}`;
  return new InvalidParameterError(
    'path',
    path,
    `${path} has ${found}; supported extensions are ` +
      `${USER_DATASET_EXTENSIONS.join(', ')}${hints[extension] ?? ''}`,
  );
}
