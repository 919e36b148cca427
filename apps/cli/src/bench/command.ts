import { join } from 'node:path';

import {
  assertIntegerInRange,
  InvalidParameterError,
  selectBackend,
} from '@fixclust/core';
import { DATASET_NAMES, type DatasetName } from '@fixclust/datasets';

import { backendCandidates } from '../backends.js';
import type { Output } from '../output.js';
import { gridProgress } from '../progress.js';
import { writeBenchReport } from '../report-command.js';
import { runCell } from './cell.js';
import {
  machineDescription,
  writeBenchRecord,
  type BenchRecord,
} from './report.js';
import { exitWithParent, runGrid } from './runner.js';
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
 * Returns 1 when a cell failed, after writing the rest.
 */
export async function benchCommand(
  options: BenchCommandOptions,
  argv: readonly string[],
  output: Output,
): Promise<number> {
  const cells = await buildGrid(options);
  const workers = options.workers ?? 1;
  assertIntegerInRange('--workers', workers, 1);
  const progress = gridProgress(output, cells.length);
  const { rows, failures } = await runGrid(cells, progress, workers).finally(
    () => progress.stop(),
  );
  const record: BenchRecord = {
    schemaVersion: 1,
    command: `fixclust ${argv.slice(2).join(' ')}`,
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    rows,
    failures,
  };
  await writeBenchRecord(options.out, record);
  await writeBenchReport(options.out, record);
  output.error(
    `wrote ${rows.length} rows to ${join(options.out, 'benchmarks.md')}, ` +
      `.json, .csv and .html`,
  );
  return failures.length === 0 ? 0 : 1;
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
  const backends = options.backends?.split(',') ?? [await defaultBackend()];
  const seeds = parseSeeds(options.seeds ?? '1');
  const pcaComponents = options.pca ?? (quick ? QUICK.pca : 100);
  const featureSets = [
    ...(options.raw === false ? [] : [0]),
    ...(pcaComponents > 0 ? [pcaComponents] : []),
  ];
  const shared = {
    runs: options.runs ?? (quick ? QUICK.runs : undefined),
    epochs: options.epochs ?? (quick ? QUICK.epochs : undefined),
    nInit: options.nInit ?? (quick ? QUICK.nInit : 10),
    limit: options.limit ?? (quick ? QUICK.limit : undefined),
    silhouetteSampleSize:
      options.silhouetteSample ?? (quick ? QUICK.silhouetteSample : 2000),
  };
  for (const [name, value] of Object.entries(shared)) {
    if (value !== undefined) assertIntegerInRange(`--${name}`, value, 1);
  }

  const cells: BenchCell[] = [];
  for (const dataset of datasets) {
    const dataPath = dataPathFor(dataset, options.dataDir);
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
  const items = value.split(',').map((item) => item.trim());
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
    const seed = Number(item);
    assertIntegerInRange('--seeds', seed, 0, 0xffffffff);
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

/** Returns the name of the first backend that starts on this machine. */
export async function defaultBackend(): Promise<string> {
  const selection = await selectBackend({ candidates: backendCandidates() });
  return selection.backend.name;
}
