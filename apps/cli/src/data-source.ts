import {
  assertIntegerInRange,
  InvalidParameterError,
  Random,
  type Dataset,
} from '@fixclust/core';
import {
  DATASET_NAMES,
  fetch20Newsgroups,
  loadDataset,
  loadSparseDataset,
  loadUserDataset,
  sampleDataset,
  sampleSparseDataset,
  type DatasetName,
  type SparseDataset,
} from '@fixclust/datasets';

import type { Output } from './output.js';
import { downloadProgress } from './progress.js';

/** Command-line options that choose and read the data. */
export interface DataSourceOptions {
  /** A bundled data set's name, or the path of a CSV or NPY file. */
  dataset: string;
  /** File or folder of a named data set. */
  data?: string;
  /** Seeded sample size. */
  limit?: number;
  /** CSV field delimiter. */
  delimiter?: string;
  /** Decimal separator of the CSV numbers: '.' (default) or ','. */
  decimalSeparator?: '.' | ',';
  /** CSV header: true, false, or undefined to detect. */
  header?: boolean;
  /** CSV label column, by name or 1-based index. */
  labelColumn?: string;
  /** NPY file of labels for an NPY data file. */
  labels?: string;
}

/** Loaded data: dense, or sparse for text. */
export type LoadedData = Dataset | SparseDataset;

/**
 * Reads the data the options name: a bundled data set (`mnist`, `usps`,
 * `20news`, the last as sparse TF-IDF and downloaded once into a cache when
 * no `--data` is given) or a user's CSV or NPY file; then draws the seeded
 * `--limit` sample.
 *
 * @throws InvalidParameterError for options that do not apply to the
 * chosen source, such as `--delimiter` with a named data set.
 */
export async function loadDataSource(
  options: DataSourceOptions,
  seed: number,
  output: Output,
): Promise<LoadedData> {
  if (options.limit !== undefined) {
    assertIntegerInRange('--limit', options.limit, 1);
  }
  const dataset = isNamedDataset(options.dataset)
    ? await loadNamed(options.dataset, options, output)
    : await loadUserDataset(options.dataset, userFileOptions(options));
  if (options.limit === undefined || options.limit >= dataset.nSamples) {
    return dataset;
  }
  const random = new Random(seed);
  return isSparse(dataset)
    ? sampleSparseDataset(dataset, options.limit, random)
    : sampleDataset(dataset, options.limit, random);
}

/** Tells whether the loaded data is sparse. */
export function isSparse(data: LoadedData): data is SparseDataset {
  return (data.x as { format?: string }).format === 'csr';
}

function isNamedDataset(value: string): value is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(value);
}

async function loadNamed(
  name: DatasetName,
  options: DataSourceOptions,
  output: Output,
): Promise<LoadedData> {
  const fileOptions = [
    'delimiter',
    'decimalSeparator',
    'header',
    'labelColumn',
    'labels',
  ] as const;
  for (const option of fileOptions) {
    if (options[option] !== undefined) {
      throw new InvalidParameterError(
        option,
        options[option],
        `--${kebab(option)} applies only to CSV and NPY files, not to the ` +
          `bundled data set ${name}`,
      );
    }
  }
  if (name !== '20news') return loadDataset(name, { path: options.data });

  const path = options.data ?? (await download20Newsgroups(output));
  return loadSparseDataset('20news', { path });
}

async function download20Newsgroups(output: Output): Promise<string> {
  const progress = downloadProgress(output, '20 Newsgroups');
  const { path, downloaded } = await fetch20Newsgroups({
    onProgress: progress.onProgress,
  }).finally(() => progress.stop());
  if (downloaded) output.error(`saved 20 Newsgroups to ${path}`);
  return path;
}

/**
 * Returns the reader options of a user's CSV or NPY file from the
 * command-line options.
 *
 * @throws InvalidParameterError for `--data`, which names the files of a
 * bundled data set.
 */
export function userFileOptions(options: DataSourceOptions) {
  if (options.data !== undefined) {
    throw new InvalidParameterError(
      'data',
      options.data,
      `--data names the files of a bundled data set; for your own file, ` +
        `pass its path as --dataset`,
    );
  }
  const labelColumn =
    options.labelColumn !== undefined && /^\d+$/.test(options.labelColumn)
      ? Number(options.labelColumn)
      : options.labelColumn;
  return {
    ...(options.delimiter === undefined
      ? {}
      : { delimiter: options.delimiter }),
    ...(options.decimalSeparator === undefined
      ? {}
      : { decimalSeparator: options.decimalSeparator }),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(labelColumn === undefined ? {} : { labelColumn }),
    ...(options.labels === undefined ? {} : { labelsPath: options.labels }),
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
