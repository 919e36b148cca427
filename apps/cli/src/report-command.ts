import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { makeDirectory } from '@fixclust/core/files';
import type { FitResult, FixedRepresentativeClustering } from '@fixclust/model';
import type { RunReportInput } from '@fixclust/report';

import type { BenchRecord } from './bench/report.js';
import type { LoadedData } from './data-source.js';
import {
  mappedSample,
  writeMappedSample,
  type MappedSampleFile,
} from './mapped-sample.js';
import type { Output } from './output.js';
import { formatBackend, formatSeconds } from './report.js';
import { prepareWritableFolder, type RunSummary } from './summary.js';

/**
 * Imports `@fixclust/report` when a report is written, so commands that
 * write none skip loading vega and vega-lite (0.4–0.5 s, measured on a
 * busy 2-core machine).
 */
function loadReportPackage() {
  return import('@fixclust/report');
}

/** Name of the HTML report inside its folder. */
export const REPORT_FILE = 'report.html';

/** Cluster and true class of every clustered sample. */
export interface Assignments {
  clusters: ArrayLike<number>;
  classes: ArrayLike<number>;
}

/** Options of `fixclust report`, as parsed from the command line. */
export interface ReportCommandOptions {
  /** File to write; default: `report.html` in the run's folder. */
  out?: string;
}

/**
 * Runs `fixclust report DIR`: reads `summary.json`, `labels.csv` and, when
 * present, `mapped-sample.json` from a folder that `fixclust run --out`
 * wrote, and writes the HTML report beside them.
 *
 * @throws InvalidParameterError when the folder has no `summary.json`.
 */
export async function reportCommand(
  directory: string,
  options: ReportCommandOptions,
  output: Output,
): Promise<number> {
  const summary = await readSummary(directory);
  const assignments = await readAssignments(join(directory, 'labels.csv'));
  const mappedPath = join(directory, 'mapped-sample.json');
  const mapped = existsSync(mappedPath)
    ? (JSON.parse(await readFile(mappedPath, 'utf8')) as MappedSampleFile)
    : undefined;
  if (mapped === undefined) {
    output.error(
      `${directory} has no mapped-sample.json, so the report leaves out ` +
        'the mapped space; rerun fixclust run --out without --stream to ' +
        'write it',
    );
  }
  const file = options.out ?? join(directory, REPORT_FILE);
  const { runReportHtml } = await loadReportPackage();
  await writeFile(
    file,
    await runReportHtml(runReportInput(summary, assignments, mapped)),
  );
  output.error(`wrote the report to ${file}`);
  return 0;
}

/**
 * Writes the HTML report of a finished run into `directory` as
 * {@link REPORT_FILE}, creating the folder, and returns the file's path.
 */
export async function writeRunReport(
  directory: string,
  summary: RunSummary,
  assignments: Assignments | undefined,
  mapped: MappedSampleFile | undefined,
): Promise<string> {
  await makeDirectory(directory);
  const file = join(directory, REPORT_FILE);
  const { runReportHtml } = await loadReportPackage();
  await writeFile(
    file,
    await runReportHtml(runReportInput(summary, assignments, mapped)),
  );
  return file;
}

/**
 * Creates the `--report` folder and checks that files can be written
 * there, so a bad folder fails before training instead of after it.
 * Returns the folders it created, as `prepareWritableFolder` does.
 *
 * @throws InvalidParameterError naming the folder and the reason.
 */
export async function prepareReportFolder(
  directory: string,
): Promise<string[]> {
  return prepareWritableFolder(directory, 'report');
}

/** Writes `benchmarks.html`, the HTML report of a benchmark grid. */
export async function writeBenchReport(
  directory: string,
  record: BenchRecord,
): Promise<string> {
  const { machine } = record;
  const { benchReportHtml } = await loadReportPackage();
  const html = await benchReportHtml({
    title: 'fixclust bench',
    command: record.command,
    date: record.date,
    machine: [
      ['CPU', `${machine.cpu} (${machine.cores} cores)`],
      ['memory', `${machine.memoryGiB} GiB`],
      ['Node.js', machine.node],
    ],
    rows: record.rows,
    failures: record.failures,
  });
  const file = join(directory, 'benchmarks.html');
  await writeFile(file, html);
  return file;
}

/** Collects what the report of a run shows from its summary. */
export function runReportInput(
  summary: RunSummary,
  assignments: Assignments | undefined,
  mapped: MappedSampleFile | undefined,
): RunReportInput {
  const metrics =
    summary.init === null || summary.trained === null
      ? []
      : [
          { name: 'init', ...summary.init },
          { name: 'trained', ...summary.trained },
        ];
  const warnings = summary.warnings.map((warning) => warning.message);
  const input: RunReportInput = {
    title: `fixclust run: ${summary.dataset.name}`,
    overview: overview(summary),
    settings: summary.settings,
    metrics,
    warnings,
    runs: summary.runs,
    bestRun: summary.bestRun,
    clusterSizes: summary.clusterSizes,
  };
  if (assignments !== undefined) input.assignments = assignments;
  if (mapped !== undefined) {
    const { images, ...sample } = mapped;
    input.mapped = sample;
    if (images !== undefined) input.images = images;
  }
  return input;
}

function overview(summary: RunSummary): Array<[string, string]> {
  const { dataset, timings, labelFree } = summary;
  const rows: Array<[string, string]> = [
    [
      'data set',
      dataset.path === null
        ? dataset.name
        : `${dataset.name} (${dataset.path})`,
    ],
    [
      'samples',
      `${dataset.nSamples} × ${dataset.nFeatures} features` +
        (dataset.limit === null ? '' : ' (a seeded sample, --limit)') +
        (dataset.nClasses === null ? '' : `, ${dataset.nClasses} classes`),
    ],
    ['seed', String(summary.seed)],
    ['backend', formatBackend(summary.backend)],
    [
      'clusters',
      `${summary.clusterSizes.length - summary.emptyClusters.length} of ` +
        `${summary.clusterSizes.length} non-empty; ${summary.collapsedRuns} ` +
        `of ${summary.runs.length} runs collapsed; run ${summary.bestRun + 1} kept`,
    ],
    [
      'wall time',
      `${formatSeconds(timings.totalMs)} (load ${formatSeconds(timings.loadMs)}, fit ${formatSeconds(timings.fitMs)})`,
    ],
    ['finished', summary.createdAt],
  ];
  if (labelFree !== null) {
    const format = (value: number | null) =>
      value === null ? 'undefined (one cluster)' : value.toFixed(4);
    rows.push([
      'label-free measures',
      `silhouette ${format(labelFree.silhouette)}, Davies–Bouldin ` +
        `${format(labelFree.daviesBouldin)} (on ${labelFree.sampleSize} rows)`,
    ]);
  }
  return rows;
}

async function readSummary(directory: string): Promise<RunSummary> {
  const path = join(directory, 'summary.json');
  if (!existsSync(path)) {
    throw new InvalidParameterError(
      'directory',
      directory,
      `${directory} has no summary.json; pass a folder that fixclust run ` +
        '--out wrote',
    );
  }
  return JSON.parse(await readFile(path, 'utf8')) as RunSummary;
}

/**
 * Reads the `label` and `class` columns of `labels.csv`; undefined when
 * the file is missing or has no `class` column.
 *
 * @throws InvalidDataError when a value of either column is not an integer.
 */
async function readAssignments(path: string): Promise<Assignments | undefined> {
  if (!existsSync(path)) return undefined;
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const header = lines[0]?.split(',') ?? [];
  const labelColumn = header.indexOf('label');
  const classColumn = header.indexOf('class');
  if (labelColumn < 0 || classColumn < 0) return undefined;

  const clusters = new Int32Array(lines.length - 1);
  const classes = new Int32Array(lines.length - 1);
  lines.slice(1).forEach((line, i) => {
    const fields = line.split(',');
    clusters[i] = integerField(fields[labelColumn], path, i + 2);
    classes[i] = integerField(fields[classColumn], path, i + 2);
  });
  return { clusters, classes };
}

function integerField(text: string | undefined, path: string, line: number) {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value)) {
    throw new InvalidDataError(
      `${path} line ${line} has "${text}" where an integer label belongs; ` +
        'rerun fixclust run --out to write the file again',
    );
  }
  return value;
}

/** Folders that receive the extra files of `fixclust run`; each is optional. */
export interface RunTargets {
  /** `--out`: receives `mapped-sample.json` here. */
  out?: string | undefined;
  /** `--report`: receives `report.html`. */
  report?: string | undefined;
}

/**
 * Writes what `fixclust run` adds to its outputs: `mapped-sample.json`
 * into the `--out` folder and the HTML report into the `--report` folder.
 * Does nothing when neither is set.
 */
export async function writeRunExtras(
  targets: RunTargets,
  model: FixedRepresentativeClustering,
  data: LoadedData,
  summary: RunSummary,
  result: FitResult,
  output: Output,
): Promise<void> {
  if (targets.out === undefined && targets.report === undefined) return;
  const mapped = await mappedSample(model, data, result, summary.seed);
  if (targets.out !== undefined) {
    await writeMappedSample(targets.out, mapped);
    output.error(`wrote mapped-sample.json to ${targets.out}`);
  }
  if (targets.report !== undefined) {
    const labels = data.labels;
    const assignments =
      labels === undefined
        ? undefined
        : { clusters: result.labels, classes: labels };
    const file = await writeRunReport(
      targets.report,
      summary,
      assignments,
      mapped,
    );
    output.error(`wrote the report to ${file}`);
  }
}
