import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  BASELINE_FORMAT,
  BASELINE_MANIFEST_FILE,
  loadBaseline,
  type BaselineData,
  type FittedBaseline,
} from '@fixclust/baselines';
import { InvalidParameterError, selectBackend } from '@fixclust/core';
import { DATASET_NAMES, openUserDatasetStream } from '@fixclust/datasets';
import { loadModel, type FixedRepresentativeClustering } from '@fixclust/model';

import { backendCandidates } from './backends.js';
import { writeCsvLines } from './csv-lines.js';
import {
  isSparse,
  loadDataSource,
  userFileOptions,
  type DataSourceOptions,
  type LoadedData,
} from './data-source.js';
import type { Output } from './output.js';
import { loadPlugins } from './plugins.js';
import { formatBackend } from './report.js';

/** Options of `fixclust predict` and `fixclust transform`. */
export interface PredictCommandOptions extends DataSourceOptions {
  model: string;
  out?: string;
  proba?: boolean;
  /** Read the file in blocks of rows (`predict --stream`). */
  stream?: boolean;
  backend?: string;
  seed?: number;
  plugin?: string[];
}

/**
 * Runs `fixclust predict` (cluster labels, and posteriors with `--proba`)
 * or `fixclust transform` (mapped coordinates) with a saved model or a
 * saved baseline (k-means and mixtures predict, PCA transforms), on a
 * named data set or a user's CSV or NPY file, writing CSV to `--out` or to
 * stdout.
 */
export async function predictCommand(
  mode: 'predict' | 'transform',
  options: PredictCommandOptions,
  output: Output,
): Promise<number> {
  await loadPlugins(options.plugin ?? []);
  if (
    !existsSync(join(options.model, 'model.json')) &&
    existsSync(join(options.model, 'model', 'model.json'))
  ) {
    throw new InvalidParameterError(
      'model',
      options.model,
      `${options.model} is the folder of a run; its model is in ` +
        `${join(options.model, 'model')}, so pass that to --model`,
    );
  }
  const baseline = await readBaselineKind(options.model);
  const fitted =
    baseline === undefined
      ? await loadModel(options.model)
      : await loadBaseline(options.model);
  if (options.stream === true) {
    if ('kind' in fitted) throw streamUnsupported('model', options.model);
    return predictStream(fitted, options, output);
  }
  const seed = options.seed ?? 0;
  const dataset = await loadDataSource(options, seed, output);
  const selection = await selectBackend({
    candidates: backendCandidates(options.backend),
    backend: options.backend,
  });
  output.error(
    `${dataset.name}: ${dataset.nSamples} samples; backend ` +
      formatBackend(selection.backend),
  );

  if (
    options.proba === true &&
    !('kind' in fitted) &&
    fitted.options.loss === 'km'
  ) {
    throw new InvalidParameterError(
      'proba',
      true,
      '--proba needs a model trained with a mixture loss (gmm or cmm); ' +
        'this model uses km, so leave out --proba',
    );
  }
  const csv =
    'kind' in fitted
      ? baselineCsv(mode, fitted, dataset, options.proba === true)
      : mode === 'transform'
        ? matrixCsv(
            'dim',
            await fitted.transform(dataset),
            dataset.nSamples,
            sourceRowsOf(dataset),
          )
        : labelsCsv(
            await fitted.predict(dataset),
            options.proba === true
              ? await fitted.predictProba(dataset)
              : undefined,
            fitted.options.nClusters,
            sourceRowsOf(dataset),
          );
  if (options.out === undefined) {
    output.log(csv.trimEnd());
  } else {
    await writeFile(options.out, csv);
    output.error(`wrote ${dataset.nSamples} rows to ${options.out}`);
  }
  return 0;
}

/**
 * Runs `fixclust predict --stream`: labels the rows of a CSV or NPY file,
 * read in blocks, with a saved deep model, and writes `index,label` lines
 * in chunks.
 *
 * @throws InvalidParameterError for a bundled data set, `--limit` or
 * `--proba`, which need the rows in memory.
 */
async function predictStream(
  model: FixedRepresentativeClustering,
  options: PredictCommandOptions,
  output: Output,
): Promise<number> {
  if ((DATASET_NAMES as readonly string[]).includes(options.dataset)) {
    throw streamUnsupported('dataset', options.dataset);
  }
  if (options.limit !== undefined)
    throw streamUnsupported('limit', options.limit);
  if (options.proba === true) throw streamUnsupported('proba', true);
  const selection = await selectBackend({
    candidates: backendCandidates(options.backend),
    backend: options.backend,
  });
  const stream = await openUserDatasetStream(
    options.dataset,
    userFileOptions(options),
  );
  try {
    output.error(
      `${stream.name}: ${stream.nSamples} samples, read in blocks; backend ` +
        formatBackend(selection.backend),
    );
    const labels = await model.predict(stream);
    await writeCsvLines(
      options.out ?? output,
      'index,label',
      labels.length,
      (i) => `${i},${labels[i]}`,
    );
    if (options.out !== undefined) {
      output.error(`wrote ${labels.length} rows to ${options.out}`);
    }
  } finally {
    await stream.close();
  }
  return 0;
}

function streamUnsupported(
  option: string,
  value: unknown,
): InvalidParameterError {
  const reasons: Record<string, string> = {
    model: 'a saved baseline predicts rows held in memory',
    dataset: `the bundled data set ${String(value)} fits in memory`,
    limit: '--limit draws a sample of rows held in memory',
    proba: '--proba needs the rows in memory',
  };
  return new InvalidParameterError(
    option,
    value,
    `${reasons[option]}, so it does not combine with --stream; drop one of them`,
  );
}

/**
 * Returns the kind of the baseline saved in `directory`, or undefined when
 * its manifest is not a baseline's (then it is read as a deep model, whose
 * loader reports what is wrong with it).
 */
async function readBaselineKind(
  directory: string,
): Promise<string | undefined> {
  let manifest: unknown;
  try {
    const text = await readFile(
      join(directory, BASELINE_MANIFEST_FILE),
      'utf8',
    );
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  const fields = manifest as { format?: unknown; kind?: unknown };
  if (fields.format !== BASELINE_FORMAT) return undefined;
  return typeof fields.kind === 'string' ? fields.kind : 'unknown';
}

function baselineCsv(
  mode: 'predict' | 'transform',
  fitted: FittedBaseline,
  dataset: LoadedData,
  proba: boolean,
): string {
  const data: BaselineData = isSparse(dataset) ? dataset.x : dataset;
  if (fitted.kind === 'pca') {
    if (mode === 'predict') {
      throw new InvalidParameterError(
        'model',
        fitted.kind,
        'a saved PCA maps rows and assigns no clusters; use fixclust transform',
      );
    }
    const mapped = fitted.transform(data);
    return matrixCsv('pc', mapped.x, dataset.nSamples, sourceRowsOf(dataset));
  }
  if (mode === 'transform') {
    throw new InvalidParameterError(
      'model',
      fitted.kind,
      `a saved ${fitted.kind} model assigns clusters and maps nothing; ` +
        'use fixclust predict',
    );
  }
  if (proba && fitted.kind !== 'gaussian-mixture') {
    throw new InvalidParameterError(
      'proba',
      true,
      '--proba needs a Gaussian mixture; k-means assigns no probabilities',
    );
  }
  const labels = fitted.predict(data);
  const probabilities =
    proba && fitted.kind === 'gaussian-mixture'
      ? Float32Array.from(fitted.predictProba(data))
      : undefined;
  const k =
    fitted.kind === 'gaussian-mixture' ? fitted.nComponents : fitted.nClusters;
  return labelsCsv(labels, probabilities, k, sourceRowsOf(dataset));
}

/**
 * Returns the row of the full data set that each sampled row came from,
 * when `--limit` drew a sample; undefined otherwise.
 */
function sourceRowsOf(dataset: LoadedData): Int32Array | undefined {
  return (dataset as { sourceRows?: Int32Array }).sourceRows;
}

function labelsCsv(
  labels: Int32Array,
  probabilities: Float32Array | undefined,
  k: number,
  rows: Int32Array | undefined,
): string {
  const header =
    rows === undefined ? ['index', 'label'] : ['index', 'row', 'label'];
  if (probabilities !== undefined) {
    for (let c = 0; c < k; c++) header.push(`p${c}`);
  }
  const lines = [header.join(',')];
  labels.forEach((label, i) => {
    const row: Array<number | string> =
      rows === undefined ? [i, label] : [i, rows[i]!, label];
    if (probabilities !== undefined) {
      for (let c = 0; c < k; c++)
        row.push(probabilities[i * k + c]!.toPrecision(6));
    }
    lines.push(row.join(','));
  });
  return `${lines.join('\n')}\n`;
}

function matrixCsv(
  prefix: string,
  values: Float32Array,
  nSamples: number,
  rows: Int32Array | undefined,
) {
  const width = values.length / nSamples;
  const header = [
    'index',
    ...(rows === undefined ? [] : ['row']),
    ...Array.from({ length: width }, (_, j) => `${prefix}${j}`),
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < nSamples; i++) {
    const row = Array.from(values.subarray(i * width, (i + 1) * width), (v) =>
      v.toPrecision(7),
    );
    const source = rows === undefined ? [] : [rows[i]!];
    lines.push([i, ...source, ...row].join(','));
  }
  return `${lines.join('\n')}\n`;
}
