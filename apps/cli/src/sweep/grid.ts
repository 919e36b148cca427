import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';

import { InvalidParameterError, MAX_SEED } from '@fixclust/core';
import { DATASET_NAMES } from '@fixclust/datasets';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { dataPathFor, defaultBackend } from '../bench/command.js';
import { BENCH_METHODS, type BenchCell } from '../bench/types.js';

const count = z.int().min(1);

/**
 * A sweep's grid file: every combination of `datasets`, `pca`, `methods`,
 * `backends` and `seeds` is one cell, with the shared settings below.
 */
export const gridSchema = z.strictObject({
  datasets: z.array(z.enum(DATASET_NAMES)).min(1),
  methods: z.array(z.enum(BENCH_METHODS)).min(1),
  /** Seeds of every cell. Default: `[1]`. */
  seeds: z.array(z.int().min(0).max(MAX_SEED)).min(1).default([1]),
  /** Principal components of each feature set; 0 is the raw features. */
  pca: z.array(z.int().min(0)).min(1).default([0]),
  /** Backends; default: the first that starts where the sweep is queued. */
  backends: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Folder holding `usps/usps.h5` and `20news/`, as seen by the workers.
   * Default: `FIXCLUST_DATA` where the sweep is queued.
   */
  dataDir: z.string().optional(),
  /** Seeded sample size of every data set; default: all rows. */
  limit: count.optional(),
  runs: count.default(10),
  epochs: count.default(10),
  nInit: count.default(10),
  silhouetteSample: count.default(2000),
});

/** A grid file as written. */
export type GridFile = z.input<typeof gridSchema>;

/**
 * Reads a grid file (JSON, or YAML for `.yaml` and `.yml`). A relative
 * `dataDir` is taken relative to the file's folder.
 *
 * @throws InvalidParameterError naming the file and the invalid field.
 */
export async function readGridFile(path: string): Promise<BenchCell[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidParameterError(
      'grid',
      path,
      `grid file ${path} cannot be read (${String(error)}); pass the path ` +
        `of a JSON or YAML file`,
      { cause: error },
    );
  }
  const isYaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  const value = parseGridText(path, text, isYaml) as Record<string, unknown>;
  if (typeof value?.['dataDir'] === 'string') {
    value['dataDir'] = resolve(dirname(path), value['dataDir']);
  }
  return expandGrid(value, path);
}

function parseGridText(path: string, text: string, isYaml: boolean): unknown {
  try {
    return isYaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new InvalidParameterError(
      'grid',
      path,
      `grid file ${path} is not valid ${isYaml ? 'YAML' : 'JSON'}: ` +
        String(error),
      { cause: error },
    );
  }
}

/**
 * Checks a parsed grid and lists its cells: data sets, then feature sets,
 * methods, backends and seeds, the order `fixclust bench` uses.
 *
 * @throws InvalidParameterError naming `source` and the invalid field.
 */
export async function expandGrid(
  value: unknown,
  source: string,
): Promise<BenchCell[]> {
  const parsed = gridSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new InvalidParameterError(
      'grid',
      value,
      `grid file ${source}: ${field}: ${issue.message}`,
    );
  }
  const grid = parsed.data;
  const backends = grid.backends ?? [await defaultBackend()];
  const shared = {
    runs: grid.runs,
    epochs: grid.epochs,
    nInit: grid.nInit,
    limit: grid.limit,
    silhouetteSampleSize: grid.silhouetteSample,
  };
  const cells: BenchCell[] = [];
  for (const dataset of grid.datasets) {
    const dataPath = dataPathFor(dataset, grid.dataDir);
    for (const pcaComponents of grid.pca) {
      for (const method of grid.methods) {
        for (const backend of backends) {
          for (const seed of grid.seeds) {
            cells.push({
              dataset,
              dataPath,
              pcaComponents,
              method,
              backend,
              seed,
              ...shared,
            });
          }
        }
      }
    }
  }
  return cells;
}

/**
 * Returns a cell's key: the SHA-256 of its settings as JSON with sorted
 * keys and no undefined fields, so equal cells share one key and one
 * stored result wherever they were queued.
 */
export function cellKey(cell: BenchCell): string {
  const entries = Object.entries(cell)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const canonical = JSON.stringify(Object.fromEntries(entries));
  return createHash('sha256').update(canonical).digest('hex');
}
