import { join } from 'node:path';

import {
  assertIntegerInRange,
  countOf,
  InvalidParameterError,
  MAX_SEED,
  selectBackend,
} from '@fixclust/core';
import { DATASET_NAMES, type DatasetName } from '@fixclust/datasets';

import { backendCandidates } from '../backends.js';
import type { Output } from '../output.js';
import { gridProgress } from '../progress.js';
import { writeBenchReport } from '../report-command.js';
import { prepareWritableFolder, removeEmptyFolders } from '../summary.js';
import { runCell } from './cell.js';
import { checkDataFile } from './data-check.js';
import { GridInterrupt } from './interrupt.js';
import {
  machineDescription,
  writeBenchRecord,
  type BenchRecord,
} from './report.js';
import { exitWithParent, runGrid, type GridOutcome } from './runner.js';
import { BENCH_METHODS, type BenchCell, type BenchMethod } from './types.js';

/** Options of `fixclust bench`, as parsed from the command line. */
export interface BenchCommandOptions {
  datasets?: string;
  methods?: string;
  backends?: string;
  seeds?: string;
  pca?: number;
  raw?: boolean;
  runs?: number;
  epochs?: number;
  nInit?: number;
  limit?: number;
  dataDir?: string;
  silhouetteSample?: number;
  out: string;
  quick?: boolean;
  /** Cells that run at the same time; default 1. */
  workers?: number;
}

/** Settings of the small grid `--quick` runs in a minute or two. */
const QUICK = {
  methods: ['random', 'kmeans', 'gmm', 'km50'] as BenchMethod[],
  limit: 2000,
  runs: 2,
  epochs: 2,
  nInit: 2,
  pca: 20,
  silhouetteSample: 500,
};

/**
 * Runs `fixclust bench`: builds the grid of data sets × features ×
 * methods × backends × seeds, runs every cell in a child process and
 * writes `benchmarks.md`, `benchmarks.json`, `benchmarks.csv` and the
 * HTML report `benchmarks.html`.
 * Returns 1 when a cell failed, after writing the rest. Ctrl-C ends the
 * running cells, writes the rows of the finished ones and returns 130;
 * see {@link GridInterrupt}.
 *
 * @throws InvalidParameterError for an invalid option, a missing data
 * file or an `--out` that is not a writable folder, before any cell runs.
 */
export async function benchCommand(
  options: BenchCommandOptions,
  argv: readonly string[],
  output: Output,
): Promise<number> {
  const cells = await buildGrid(options);
  const workers = options.workers ?? 1;
  assertIntegerInRange('--workers', workers, 1);
  const created = await prepareWritableFolder(options.out, 'out');

  const interrupt = new GridInterrupt(output, options.out, created);
  try {
    const progress = gridProgress(output, cells.length);
    const grid = await runGrid(
      cells,
      progress,
      workers,
      interrupt.signal,
    ).finally(() => progress.stop());
    if (interrupt.signal.aborted) {
      return await reportInterrupt(options.out, argv, output, {
        grid,
        total: cells.length,
        created,
        exitStatus: interrupt.exitStatus,
      });
    }
    await writeResults(options.out, argv, grid);
    output.error(
      `wrote ${grid.rows.length} rows to ${join(options.out, 'benchmarks.md')}, ` +
        `.json, .csv and .html`,
    );
    return grid.failures.length === 0 ? 0 : 1;
  } finally {
    interrupt.remove();
  }
}

/**
 * Writes the rows of the cells that finished before Ctrl-C, if any, and
 * prints one line about it. Without any, removes the folders the command
 * created.
 */
async function reportInterrupt(
  out: string,
  argv: readonly string[],
  output: Output,
  state: {
    grid: GridOutcome;
    total: number;
    created: readonly string[];
    exitStatus: number;
  },
): Promise<number> {
  const { grid, total, exitStatus } = state;
  const head = `interrupted after ${grid.finished} of ${countOf(total, 'cell')} finished`;
  if (grid.finished === 0) {
    removeEmptyFolders(state.created);
    output.error(`${head}; nothing was written`);
    return exitStatus;
  }
  await writeResults(out, argv, grid, {
    finishedCells: grid.finished,
    totalCells: total,
  });
  output.error(
    `${head}; wrote their ${countOf(grid.rows.length, 'row')} to ` +
      `${join(out, 'benchmarks.md')}, .json, .csv and .html`,
  );
  return exitStatus;
}

/** Writes the record of `grid` and its HTML report into `out`. */
async function writeResults(
  out: string,
  argv: readonly string[],
  grid: GridOutcome,
  interrupted?: BenchRecord['interrupted'],
): Promise<void> {
  const record: BenchRecord = {
    schemaVersion: 1,
    command: `fixclust ${argv.slice(2).join(' ')}`,
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    rows: grid.rows,
    failures: grid.failures,
    ...(interrupted === undefined ? {} : { interrupted }),
  };
  await writeBenchRecord(out, record);
  await writeBenchReport(out, record);
}

/**
 * Runs one cell given as JSON and prints its rows as JSON on stdout. With
 * `modelDirectory`, a deep preset's model is saved there. Started by
 * `runInChild`, it exits when its parent is gone.
 */
export async function benchCellCommand(
  json: string,
  output: Output,
  modelDirectory?: string,
): Promise<number> {
  exitWithParent();
  const rows = await runCell(JSON.parse(json) as BenchCell, modelDirectory);
  output.log(JSON.stringify(rows));
  return 0;
}

async function buildGrid(options: BenchCommandOptions): Promise<BenchCell[]> {
  const quick = options.quick === true;
  const datasets =
    parseList(options.datasets, 'datasets', DATASET_NAMES) ??
    (quick ? ['usps'] : ['mnist', 'usps']);
  const methods =
    parseList(options.methods, 'methods', BENCH_METHODS) ??
    (quick ? QUICK.methods : [...BENCH_METHODS]);
  const backends = parseList(options.backends, 'backends', backendNames()) ?? [
    await defaultBackend(),
  ];
  const seeds = parseSeeds(options.seeds ?? '1');
  const pcaComponents = options.pca ?? (quick ? QUICK.pca : 100);
  const featureSets = [
    ...(options.raw === false ? [] : [0]),
    ...(pcaComponents > 0 ? [pcaComponents] : []),
  ];
  if (featureSets.length === 0) {
    throw new InvalidParameterError(
      'pca',
      pcaComponents,
      `--no-raw with --pca ${pcaComponents} selects no cell: --no-raw ` +
        `skips the raw features and --pca ${pcaComponents} the PCA ones; ` +
        'drop --no-raw or pass --pca with a number above 0',
    );
  }
  const shared = {
    runs: options.runs ?? (quick ? QUICK.runs : undefined),
    epochs: options.epochs ?? (quick ? QUICK.epochs : undefined),
    nInit: options.nInit ?? (quick ? QUICK.nInit : 10),
    limit: options.limit ?? (quick ? QUICK.limit : undefined),
    silhouetteSampleSize:
      options.silhouetteSample ?? (quick ? QUICK.silhouetteSample : 2000),
  };
  const flags: Record<keyof typeof shared, string> = {
    runs: '--runs',
    epochs: '--epochs',
    nInit: '--n-init',
    limit: '--limit',
    silhouetteSampleSize: '--silhouette-sample',
  };
  for (const [name, value] of Object.entries(shared)) {
    const flag = flags[name as keyof typeof shared];
    if (value !== undefined) assertIntegerInRange(flag, value, 1);
  }

  const cells: BenchCell[] = [];
  for (const dataset of datasets) {
    const dataPath = dataPathFor(dataset, options.dataDir);
    await checkDataFile(dataset, dataPath, options.dataDir);
    for (const pca of featureSets) {
      for (const method of methods) {
        for (const backend of backends) {
          for (const seed of seeds) {
            cells.push({
              dataset,
              dataPath,
              pcaComponents: pca,
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

function parseList<T extends string>(
  value: string | undefined,
  option: string,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  // A name listed twice would run its cells twice.
  const items = [...new Set(value.split(',').map((item) => item.trim()))];
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new InvalidParameterError(
        option,
        item,
        `--${option} must list values from ${allowed.join(', ')}, got "${item}"`,
      );
    }
  }
  return items as T[];
}

function parseSeeds(value: string): number[] {
  return value.split(',').map((item) => {
    const seed = Number(item.trim());
    if (!/^\d+$/.test(item.trim()) || seed > MAX_SEED) {
      throw new InvalidParameterError(
        'seeds',
        item,
        `--seeds must list integers between 0 and ${MAX_SEED}, ` +
          `separated by commas, got "${item}"`,
      );
    }
    return seed;
  });
}

/** Returns the file of `dataset` under `dataDir` or `FIXCLUST_DATA`; undefined for MNIST and a cached 20 Newsgroups. */
export function dataPathFor(
  dataset: DatasetName,
  dataDir: string | undefined,
): string | undefined {
  const directory = dataDir ?? process.env['FIXCLUST_DATA'];
  if (dataset === 'mnist') return undefined;
  if (directory === undefined) {
    // 20 Newsgroups is downloaded once into a cache; USPS has no source.
    if (dataset === '20news') return undefined;
    throw new InvalidParameterError(
      '--data-dir',
      undefined,
      `the ${dataset} benchmark needs its file; pass --data-dir (the folder ` +
        `holding usps/usps.h5) or set FIXCLUST_DATA`,
    );
  }
  return dataset === 'usps'
    ? join(directory, 'usps', 'usps.h5')
    : join(directory, '20news', '20news-bydate.tar.gz');
}

/** Names of the backends that `--backends` may list. */
function backendNames(): string[] {
  return backendCandidates().map((candidate) => candidate.name);
}

/**
 * Returns `FIXCLUST_BACKEND` when set, else the name of the first backend
 * that starts on this machine.
 */
export async function defaultBackend(): Promise<string> {
  const selection = await selectBackend({ candidates: backendCandidates() });
  return selection.backend.name;
}
