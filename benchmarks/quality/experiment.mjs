// Fits one model setting (or k-means) on one data set with several seeds
// and records the quality of the kept run and of every run, so that run
// selection criteria can be compared afterwards without refitting.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/quality/experiment.mjs DATASET NAME SEEDS [OPTIONS_JSON]
// DATASET is usps, mnist, 20news (sparse TF-IDF) or 20news-dense; SEEDS a comma-separated list; NAME
// `kmeans` fits k-means with 10 restarts, any other name fits
// FixedRepresentativeClustering with OPTIONS_JSON (nClusters and seed are
// filled in). One JSON line per seed goes to stdout, and the records of
// all seeds to RESULTS/DATASET/NAME.json, where RESULTS is
// $QUALITY_RESULTS or benchmarks/quality/results. The data folder is
// $FIXCLUST_DATA or ../shared/data.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { kmeans } from '@fixclust/baselines';
import { selectBackend } from '@fixclust/core';
import {
  load20Newsgroups,
  loadMnist,
  loadUsps,
  toDenseDataset,
} from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';

const here = dirname(fileURLToPath(import.meta.url));
const dataFolder = process.env.FIXCLUST_DATA ?? '../shared/data';
const cacheFolder = '/tmp/fixclust-quality-cache';

async function loadData(name) {
  if (name === 'usps') {
    return loadUsps({ path: join(dataFolder, 'usps', 'usps.h5') });
  }
  if (name === 'mnist') return loadMnist({ path: join(dataFolder, 'mnist') });
  if (name === '20news') return loadNewsCached();
  // Dense TF-IDF, for the input scalings that sparse data rejects.
  if (name === '20news-dense') {
    return { ...toDenseDataset(await loadNewsCached()), name };
  }
  throw new Error(
    `unknown data set ${name}; use usps, mnist, 20news or 20news-dense`,
  );
}

// Vectorising the archive takes longer than a short fit, so the CSR
// arrays are cached once.
async function loadNewsCached() {
  const names = ['indptr', 'indices', 'data', 'labels'];
  const types = [Int32Array, Int32Array, Float32Array, Int32Array];
  try {
    const shape = JSON.parse(
      await readFile(join(cacheFolder, 'shape.json'), 'utf8'),
    );
    const arrays = {};
    for (const [i, name] of names.entries()) {
      const bytes = await readFile(join(cacheFolder, `${name}.bin`));
      arrays[name] = new types[i](
        bytes.buffer,
        bytes.byteOffset,
        bytes.byteLength / 4,
      );
    }
    const x = {
      format: 'csr',
      nRows: shape.nRows,
      nCols: shape.nCols,
      indptr: arrays.indptr,
      indices: arrays.indices,
      data: arrays.data,
    };
    return {
      name: '20news',
      x,
      nSamples: shape.nRows,
      nFeatures: shape.nCols,
      labels: arrays.labels,
      nClasses: shape.nClasses,
    };
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const news = await load20Newsgroups({
    path: join(dataFolder, '20news', '20news-bydate.tar.gz'),
  });
  await mkdir(cacheFolder, { recursive: true });
  const arrays = { ...news.x, labels: news.labels };
  for (const name of names) {
    await writeFile(
      join(cacheFolder, `${name}.bin`),
      new Uint8Array(arrays[name].buffer),
    );
  }
  const shape = {
    nRows: news.x.nRows,
    nCols: news.x.nCols,
    nClasses: news.nClasses,
  };
  await writeFile(join(cacheFolder, 'shape.json'), JSON.stringify(shape));
  return loadNewsCached();
}

function sizeEntropy(labels, k) {
  const sizes = new Array(k).fill(0);
  for (const label of labels) sizes[label] += 1;
  let entropy = 0;
  for (const size of sizes) {
    if (size > 0)
      entropy -= (size / labels.length) * Math.log(size / labels.length);
  }
  return {
    sizes,
    entropy: entropy / Math.log(k),
    nonEmpty: sizes.filter((s) => s > 0).length,
  };
}

function rounded(metrics) {
  return Object.fromEntries(
    Object.entries(metrics).map(([key, value]) => [key, +value.toFixed(4)]),
  );
}

async function fitKmeans(data, k, seed) {
  const input = data.x.format === 'csr' ? data.x : data;
  const start = performance.now();
  const result = await kmeans(input, { nClusters: k, nInit: 10, seed });
  const fitSeconds = (performance.now() - start) / 1000;
  return { labels: result.labels, fitSeconds, inertia: result.inertia };
}

async function fitModel(data, k, seed, options, backend) {
  const model = new FixedRepresentativeClustering({
    ...options,
    nClusters: k,
    seed,
  });
  const result = await model.fit(data, { backend });
  const runs = result.runs.map((run, i) => ({
    bestLoss: run.bestLoss,
    bestEpoch: run.bestEpoch,
    epochLosses: run.epochLosses.map((l) => +l.toFixed(5)),
    ...(run.selectionScore === undefined
      ? {}
      : { selectionScore: run.selectionScore }),
    metrics: rounded(externalMetrics(data.labels, result.runLabels[i])),
    ...sizeEntropy(result.runLabels[i], k),
  }));
  return {
    labels: result.labels,
    fitSeconds: result.fitTimeMs / 1000,
    bestRun: result.bestRun,
    init: rounded(externalMetrics(data.labels, result.initLabels)),
    runs,
    warnings: result.warnings.map((w) => w.code),
  };
}

const [dataset, name, seedList, optionsJson] = process.argv.slice(2);
if (dataset === undefined || name === undefined || seedList === undefined) {
  console.error('usage: experiment.mjs DATASET NAME SEEDS [OPTIONS_JSON]');
  process.exit(2);
}
const options = JSON.parse(optionsJson ?? '{}');
const { backend } = await selectBackend({ candidates: backendCandidates() });
const data = await loadData(dataset);
const k = data.nClasses;
const records = [];
for (const seed of seedList.split(',').map(Number)) {
  const fitted =
    name === 'kmeans'
      ? await fitKmeans(data, k, seed)
      : await fitModel(data, k, seed, options, backend);
  const { labels, ...rest } = fitted;
  const record = {
    dataset,
    name,
    seed,
    options,
    backend: backend.name,
    metrics: rounded(externalMetrics(data.labels, labels)),
    ...sizeEntropy(labels, k),
    ...rest,
    fitSeconds: +fitted.fitSeconds.toFixed(2),
    loadAverage: (await import('node:os')).loadavg()[0],
  };
  records.push(record);
  const { runs, ...line } = record;
  console.log(JSON.stringify(line));
}
const results = process.env.QUALITY_RESULTS ?? join(here, 'results');
const folder = join(results, dataset);
await mkdir(folder, { recursive: true });
await writeFile(
  join(folder, `${name}.json`),
  JSON.stringify(records, null, 1) + '\n',
);
