import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';

import { InvalidParameterError, MAX_SEED } from '@fixclust/core';
import { DATASET_NAMES, type DatasetName } from '@fixclust/datasets';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { backendCandidates } from '../backends.js';
import { dataPathFor, defaultBackend } from '../bench/command.js';
import { BENCH_METHODS, type BenchCell } from '../bench/types.js';

/**
 * Creates a schema for an integer of at least `minimum` (and at most
 * `maximum`), whose error messages state the expected range.
 */
function integer(minimum: number, maximum?: number) {
  const error =
    maximum === undefined
      ? `expected an integer at least ${minimum}`
      : `expected an integer between ${minimum} and ${maximum}`;
  const schema = z.int({ error }).min(minimum, { error });
  return maximum === undefined ? schema : schema.max(maximum, { error });
}

/** Creates a schema for a non-empty list of `entries`. */
function list<T extends z.ZodType>(entry: T, entries: string) {
  return z
    .array(entry, { error: `expected a list of ${entries}` })
    .min(1, { error: `expected a non-empty list of ${entries}` });
}

/** Creates a schema for one of `values`. */
function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}

const backendName = z
  .string({ error: 'expected a backend name' })
  .min(1, { error: 'expected a backend name' })
  .refine((name) => backendNames().includes(name), {
    error: () => `expected one of ${backendNames().join(', ')}`,
  });

/**
 * Names of the CLI's backends. A grid may name one that does not start on
 * the queuing machine, because the workers run the cells.
 */
function backendNames(): string[] {
  return backendCandidates().map((candidate) => candidate.name);
}

/**
 * A sweep's grid file: every combination of `datasets`, `pca`, `methods`,
 * `backends` and `seeds` is one cell, with the shared settings below.
 */
export const gridSchema = z.strictObject(
  {
    datasets: list(
      choice(DATASET_NAMES),
      `data sets (${DATASET_NAMES.join(', ')})`,
    ),
    methods: list(
      choice(BENCH_METHODS),
      `methods (${BENCH_METHODS.join(', ')})`,
    ),
    /** Seeds of every cell. Default: `[1]`. */
    seeds: list(integer(0, MAX_SEED), 'seeds').default([1]),
    /** Principal components of each feature set; 0 is the raw features. */
    pca: list(integer(0), 'component counts').default([0]),
    /** Backends; default: the first that starts where the sweep is queued. */
    backends: list(backendName, 'backend names').optional(),
    /**
     * Folder holding `usps/usps.h5` and `20news/`, as seen by the workers.
     * Default: `FIXCLUST_DATA` where the sweep is queued.
     */
    dataDir: z
      .string({ error: 'expected a folder path' })
      .min(1, { error: 'expected a folder path, not an empty string' })
      .optional(),
    /** Seeded sample size of every data set; default: all rows. */
    limit: integer(1).optional(),
    /** Runs of each deep preset; default: the preset's own, as in bench. */
    runs: integer(1).optional(),
    /**
     * Epochs of each run. The default, 10, is every preset's own, so the
     * cells match bench's; it stays explicit to keep existing cell keys.
     */
    epochs: integer(1).default(10),
    nInit: integer(1).default(10),
    silhouetteSample: integer(1).default(2000),
  },
  { error: 'expected a mapping of grid fields, such as datasets and methods' },
);

/** Fields of a grid file, in the order the schema lists them. */
const GRID_FIELDS = Object.keys(gridSchema.shape);

/** Maximum number of problems listed in an invalid grid's error. */
const MAX_LISTED_ISSUES = 10;

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
  const extension = extname(path).toLowerCase();
  const isYaml = ['.yaml', '.yml'].includes(extension);
  const isJson = extension === '.json';
  const value = parseGridText(path, text, isYaml, isJson) as Record<
    string,
    unknown
  >;
  // An empty dataDir stays empty for the schema to reject; resolve would
  // turn it into the file's folder.
  if (typeof value?.['dataDir'] === 'string' && value['dataDir'] !== '') {
    value['dataDir'] = resolve(dirname(path), value['dataDir']);
  }
  return expandGrid(value, path);
}

/**
 * Parses a grid file's text as YAML or JSON. A file read as JSON that is
 * not named `.json` may be YAML, so its error suggests renaming it.
 */
function parseGridText(
  path: string,
  text: string,
  isYaml: boolean,
  isJson: boolean,
): unknown {
  try {
    return isYaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const hint =
      isYaml || isJson ? '' : '; name a YAML grid file .yaml or .yml';
    throw new InvalidParameterError(
      'grid',
      path,
      `grid file ${path} is not valid ${isYaml ? 'YAML' : 'JSON'}: ` +
        `${String(error)}${hint}`,
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
  const parsed = gridSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const { issues } = parsed.error;
    throw new InvalidParameterError(
      'grid',
      issues[0]!.input,
      `grid file ${source} is invalid:${formatIssues(issues)}`,
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
    const dataPath = gridDataPath(dataset, grid.dataDir, source);
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
 * Returns the file of `dataset` under the grid's `dataDir` or
 * `FIXCLUST_DATA`, as bench does.
 *
 * @throws InvalidParameterError naming the grid's `dataDir` field when
 * USPS has neither.
 */
function gridDataPath(
  dataset: DatasetName,
  dataDir: string | undefined,
  source: string,
): string | undefined {
  try {
    return dataPathFor(dataset, dataDir);
  } catch (error) {
    throw new InvalidParameterError(
      'grid',
      dataDir,
      `grid file ${source} needs grid.dataDir for the ${dataset} data set: ` +
        `the folder holding usps/usps.h5 on the workers (or set ` +
        `FIXCLUST_DATA where the sweep is queued)`,
      { cause: error },
    );
  }
}

/**
 * Formats the problems of a grid, one per line when there are several,
 * such as `grid.seeds[2] is "abc"; expected an integer between 0 and
 * 4294967295`, and counts those past {@link MAX_LISTED_ISSUES}.
 */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.flatMap(describeIssue);
  const listed = lines.slice(0, MAX_LISTED_ISSUES);
  if (lines.length > listed.length) {
    listed.push(`and ${lines.length - listed.length} more problems`);
  }
  return listed.length === 1 ? ` ${listed[0]}` : `\n  ${listed.join('\n  ')}`;
}

/** Describes one issue by its grid path, the value and what is expected. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) =>
        `${gridPath([...issue.path, key])} is not a grid field; expected ` +
        `one of ${GRID_FIELDS.join(', ')}`,
    );
  }
  const value =
    issue.input === undefined ? 'missing' : formatValue(issue.input);
  return [`${gridPath(issue.path)} is ${value}; ${issue.message}`];
}

/** Writes a path such as `["seeds", 2]` as `grid.seeds[2]`. */
function gridPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name)
      ? `${text}.${name}`
      : `${text}[${JSON.stringify(name)}]`;
  }, 'grid');
}

/** Writes a value as in the file: strings quoted, long values cut. */
function formatValue(value: unknown): string {
  const text =
    typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
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
