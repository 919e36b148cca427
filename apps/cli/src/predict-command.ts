import { writeFile } from 'node:fs/promises';

import {
  assertIntegerInRange,
  Random,
  selectBackend,
  type Dataset,
} from '@fixclust/core';
import {
  loadDataset,
  sampleDataset,
  type DatasetName,
} from '@fixclust/datasets';
import { loadModel } from '@fixclust/model';

import { backendCandidates } from './backends.js';
import type { Output } from './output.js';
import { loadPlugins } from './plugins.js';
import { formatBackend } from './report.js';

/** Options of `fixclust predict` and `fixclust transform`. */
export interface PredictCommandOptions {
  model: string;
  dataset: DatasetName;
  data?: string;
  out?: string;
  proba?: boolean;
  backend?: string;
  limit?: number;
  seed?: number;
  plugin?: string[];
}

/**
 * Runs `fixclust predict` (cluster labels, and posteriors with `--proba`)
 * or `fixclust transform` (mapped coordinates) with a saved model, writing
 * CSV to `--out` or to stdout.
 */
export async function predictCommand(
  mode: 'predict' | 'transform',
  options: PredictCommandOptions,
  output: Output,
): Promise<number> {
  await loadPlugins(options.plugin ?? []);
  const model = await loadModel(options.model);
  const dataset = await loadRows(options);
  const selection = await selectBackend({
    candidates: backendCandidates(options.backend),
    backend: options.backend,
  });
  output.error(
    `${dataset.name}: ${dataset.nSamples} samples; backend ` +
      formatBackend(selection.backend),
  );

  const csv =
    mode === 'transform'
      ? matrixCsv('dim', await model.transform(dataset), dataset)
      : labelsCsv(
          await model.predict(dataset),
          options.proba === true
            ? await model.predictProba(dataset)
            : undefined,
          model.options.nClusters,
        );
  if (options.out === undefined) {
    output.log(csv.trimEnd());
  } else {
    await writeFile(options.out, csv);
    output.error(`wrote ${dataset.nSamples} rows to ${options.out}`);
  }
  return 0;
}

async function loadRows(options: PredictCommandOptions): Promise<Dataset> {
  const dataset = await loadDataset(options.dataset, { path: options.data });
  if (options.limit === undefined) return dataset;
  assertIntegerInRange('--limit', options.limit, 1);
  if (options.limit >= dataset.nSamples) return dataset;
  return sampleDataset(dataset, options.limit, new Random(options.seed ?? 0));
}

function labelsCsv(
  labels: Int32Array,
  probabilities: Float32Array | undefined,
  k: number,
): string {
  const header = ['index', 'label'];
  if (probabilities !== undefined) {
    for (let c = 0; c < k; c++) header.push(`p${c}`);
  }
  const lines = [header.join(',')];
  labels.forEach((label, i) => {
    const row: Array<number | string> = [i, label];
    if (probabilities !== undefined) {
      for (let c = 0; c < k; c++)
        row.push(probabilities[i * k + c]!.toPrecision(6));
    }
    lines.push(row.join(','));
  });
  return `${lines.join('\n')}\n`;
}

function matrixCsv(prefix: string, values: Float32Array, dataset: Dataset) {
  const width = values.length / dataset.nSamples;
  const header = [
    'index',
    ...Array.from({ length: width }, (_, j) => `${prefix}${j}`),
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < dataset.nSamples; i++) {
    const row = Array.from(values.subarray(i * width, (i + 1) * width), (v) =>
      v.toPrecision(7),
    );
    lines.push([i, ...row].join(','));
  }
  return `${lines.join('\n')}\n`;
}
