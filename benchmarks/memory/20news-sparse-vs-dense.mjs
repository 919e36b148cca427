// Compares the peak resident memory of training km50 on the 20 Newsgroups
// TF-IDF in sparse (CSR) and in dense form.
//
// Reading the archive and vectorising it peaks higher than training does,
// so the TF-IDF is computed once and cached as raw arrays. Each form then
// trains in a fresh process that only reads the cache.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/memory/20news-sparse-vs-dense.mjs prepare ARCHIVE CACHE
//   node benchmarks/memory/20news-sparse-vs-dense.mjs sparse CACHE
//   node benchmarks/memory/20news-sparse-vs-dense.mjs dense CACHE
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { selectBackend } from '@fixclust/core';
import { load20Newsgroups, toDenseDataset } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';

const ARRAYS = ['indptr', 'indices', 'data', 'labels'];

async function prepare(archive, cache) {
  const news = await load20Newsgroups({ path: archive });
  await mkdir(cache, { recursive: true });
  const arrays = { ...news.x, labels: news.labels };
  for (const name of ARRAYS) {
    await writeFile(
      join(cache, `${name}.bin`),
      new Uint8Array(arrays[name].buffer),
    );
  }
  const shape = {
    nRows: news.x.nRows,
    nCols: news.x.nCols,
    nClasses: news.nClasses,
  };
  await writeFile(join(cache, 'shape.json'), JSON.stringify(shape));
}

async function readCache(cache) {
  const shape = JSON.parse(await readFile(join(cache, 'shape.json'), 'utf8'));
  const bytes = async (name) =>
    (await readFile(join(cache, `${name}.bin`))).buffer;
  const x = {
    format: 'csr',
    nRows: shape.nRows,
    nCols: shape.nCols,
    indptr: new Int32Array(await bytes('indptr')),
    indices: new Int32Array(await bytes('indices')),
    data: new Float32Array(await bytes('data')),
  };
  return {
    name: '20news',
    x,
    nSamples: shape.nRows,
    nFeatures: shape.nCols,
    labels: new Int32Array(await bytes('labels')),
    nClasses: shape.nClasses,
  };
}

async function train(form, cache) {
  const { backend } = await selectBackend({ candidates: backendCandidates() });
  const sparse = await readCache(cache);
  const data = form === 'sparse' ? sparse : toDenseDataset(sparse);
  const model = new FixedRepresentativeClustering({
    nClusters: 20,
    preset: 'km50',
    seed: 1,
  });
  const start = performance.now();
  await model.fit(data, { backend });
  const seconds = (performance.now() - start) / 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ form, backend: backend.name, seconds, peakMiB }),
  );
}

const [step, source, cache] = process.argv.slice(2);
if (step === 'prepare' && source !== undefined && cache !== undefined) {
  await prepare(source, cache);
} else if ((step === 'sparse' || step === 'dense') && source !== undefined) {
  await train(step, source);
} else {
  console.error(
    'usage: 20news-sparse-vs-dense.mjs prepare ARCHIVE CACHE | sparse CACHE | dense CACHE',
  );
  process.exitCode = 2;
}
