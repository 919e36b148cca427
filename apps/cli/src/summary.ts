import { rmdirSync } from 'node:fs';
import { lstat, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';

import {
  InvalidParameterError,
  type BackendInfo,
  type FixclustWarning,
  type RunRecord,
  type SkippedBackend,
} from '@fixclust/core';
import { makeDirectory } from '@fixclust/core/files';
import type { ExternalMetrics } from '@fixclust/metrics';
import type { FitResult, ResolvedOptions } from '@fixclust/model';

import { writeCsvLines } from './csv-lines.js';
import type { LabelFreeMeasures } from './label-free.js';
import type { RunSettings } from './settings/resolve.js';

/**
 * Contents of `summary.json`. `schemaVersion` changes whenever a field is
 * renamed or removed; new fields may appear without a change.
 */
export interface RunSummary {
  schemaVersion: 1;
  command: 'run';
  /** ISO 8601 time the run finished. */
  createdAt: string;
  dataset: {
    name: string;
    path: string | null;
    nSamples: number;
    nFeatures: number;
    nClasses: number | null;
    /** Rows sampled with `--limit`, or null for all rows. */
    limit: number | null;
  };
  /** Every setting of the run; see {@link EffectiveSettings}. */
  settings: EffectiveSettings;
  seed: number;
  backend: BackendInfo & { skipped: SkippedBackend[] };
  /**
   * Threads that trained the runs, the main one included (`--workers`,
   * capped at the number of runs; 1 when the runs share an optimizer).
   */
  workers?: number;
  /**
   * Block settings of a `--stream` run, which change its batches; null
   * when the data was loaded whole.
   */
  stream?: { blockSize: number; blocksPerShuffle: number } | null;
  /** Milliseconds spent loading, fitting (with prediction) and in all. */
  timings: { loadMs: number; fitMs: number; totalMs: number };
  /** Metrics of the untrained network; null without true labels. */
  init: ExternalMetrics | null;
  /** Metrics of the trained model; null without true labels. */
  trained: ExternalMetrics | null;
  /** Number of samples in each cluster of the trained model. */
  clusterSizes: number[];
  /** Clusters of the trained model that received no sample. */
  emptyClusters: number[];
  /** How many runs ended in a collapsed clustering, the kept one included. */
  collapsedRuns: number;
  bestRun: number;
  /** Loss history of every run. */
  runs: RunRecord[];
  /** Whether training was interrupted. */
  aborted: boolean;
  /** Measures that need no true labels, on a seeded sample of rows. */
  labelFree: LabelFreeMeasures | null;
  warnings: FixclustWarning[];
}

/**
 * The effective settings of a run: every model option with defaults
 * filled in and the preset named, then the data, backend, output and
 * plug-in settings and the experiment file. `origins` names the source
 * (`flag`, `config` or `environment`) of each field set explicitly, and
 * fields it does not list are defaults.
 */
export type EffectiveSettings = ResolvedOptions & {
  preset: string;
  data: Record<string, unknown>;
  backend: string | null;
  output: { out: string | null; quiet: boolean };
  plugins: string[];
  config: string | null;
  origins: RunSettings['origins'];
};

/** Collects the {@link EffectiveSettings} of a finished fit. */
export function effectiveSettings(
  run: RunSettings,
  result: FitResult,
): EffectiveSettings {
  const { settings } = run;
  return {
    preset: settings.model.preset ?? 'km50',
    ...result.options,
    data: { ...settings.data },
    backend: settings.training?.backend ?? null,
    output: {
      out: settings.output?.out ?? null,
      quiet: settings.output?.quiet ?? false,
    },
    plugins: settings.plugins ?? [],
    config: run.config,
    origins: run.origins,
  };
}

/**
 * Creates the output folder and checks that files can be written there, so
 * a bad `--out` fails before training instead of after it. Returns the
 * folders it created, as {@link prepareWritableFolder} does.
 *
 * @throws InvalidParameterError naming the folder and the reason.
 */
export async function prepareOutputFolder(
  directory: string,
): Promise<string[]> {
  return prepareWritableFolder(directory, 'out');
}

/**
 * Creates the folder of the flag `--${option}` and checks that files can
 * be written there, so a bad folder fails before training. Returns the
 * folders it created, outermost first, for {@link removeEmptyFolders}.
 * The list is empty when the folder existed. It is also empty when the
 * path has a `..` part, because the folders such a path creates depend
 * on the links it passes, so none of them is ever removed. A failed check
 * removes the folders it made.
 *
 * @throws InvalidParameterError naming the flag, the folder and the reason.
 */
export async function prepareWritableFolder(
  directory: string,
  option: string,
): Promise<string[]> {
  const created = await missingFolders(directory);
  // Joined as written, not with path.join, which would resolve `..`
  // without following links as mkdir does.
  const probe = `${directory.endsWith(sep) ? directory : directory + sep}${PROBE}-${process.pid}`;
  try {
    await makeDirectory(directory);
    await writeFile(probe, '');
    await rm(probe);
    return created;
  } catch (error) {
    removeEmptyFolders(created);
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InvalidParameterError(
      option,
      directory,
      `--${option} "${directory}" is not a writable folder (${code}); ` +
        'pass a folder you can write to',
      { cause: error },
    );
  }
}

/** Name of the file that checks a folder is writable. */
const PROBE = '.fixclust-write-check';

/**
 * Lists the folders of `directory`, outermost first, that do not exist
 * yet; empty for a path with a `..` part.
 */
async function missingFolders(directory: string): Promise<string[]> {
  if (directory.split(sep).includes('..')) return [];
  const missing: string[] = [];
  for (let folder = normalize(directory); ; folder = dirname(folder)) {
    try {
      // lstat: a link, even a broken one, is an existing entry.
      await lstat(folder);
      break;
    } catch {
      missing.unshift(folder);
    }
    if (dirname(folder) === folder) break;
  }
  return missing;
}

/**
 * Removes `folders`, which {@link prepareWritableFolder} created, deepest
 * first and only while each is empty. So a command that fails before
 * writing anything leaves no empty folder. Stops at the first folder that
 * is not empty, because the folders above it are not empty either.
 * Synchronous, so that a signal handler can call it right before exiting.
 */
export function removeEmptyFolders(folders: readonly string[]): void {
  for (const folder of [...folders].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      return;
    }
  }
}

/** The parts of the clustered data that `labels.csv` reports. */
export interface LabelledRows {
  labels?: Int32Array | undefined;
  sourceRows?: Int32Array | undefined;
}

/**
 * Writes `labels.csv` and `summary.json` into `directory`. `labels.csv`
 * has the columns `index` (position in the clustered data), `row` (row in
 * the full data set, which differs under `--limit`), `label`, `init_label`
 * and, when the data has classes, `class`.
 */
export async function writeRunOutputs(
  directory: string,
  summary: RunSummary,
  result: FitResult,
  data: LabelledRows,
): Promise<void> {
  await makeDirectory(directory);
  await writeLabelsCsv(join(directory, 'labels.csv'), result, data);
  await writeFile(
    join(directory, 'summary.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
}

/** Writes `labels.csv` a chunk of rows at a time. */
async function writeLabelsCsv(
  path: string,
  result: FitResult,
  data: LabelledRows,
): Promise<void> {
  const classes = data.labels;
  const header = ['index', 'row', 'label', 'init_label'];
  if (classes !== undefined) header.push('class');
  await writeCsvLines(path, header.join(','), result.labels.length, (i) => {
    const row = [
      i,
      data.sourceRows?.[i] ?? i,
      result.labels[i],
      result.initLabels[i],
    ];
    if (classes !== undefined) row.push(classes[i]);
    return row.join(',');
  });
}
