// Compares the peak resident memory of training km50 on the 20 Newsgroups
// TF-IDF in sparse (CSR) and in dense form, and records where the memory
// goes: resident set size (RSS) and V8's own counters after each phase, and
// the peak RSS of each epoch and of the final prediction.
//
// Reading the archive and vectorising it peaks higher than training does,
// so the TF-IDF is computed once and cached as raw arrays. Each form then
// trains in a fresh process that only reads the cache.
//
// Forms:
//   sparse         the CSR arrays as the cache stores them
//   dense          a row-major Float32Array with every page written, as
//                  reading a CSV or NPY file gives
//   dense-nonzero  `toDenseDataset`'s copy: a zero-filled allocation where
//                  only the nonzero entries were written
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/memory/20news-sparse-vs-dense.mjs prepare ARCHIVE CACHE
//   node benchmarks/memory/20news-sparse-vs-dense.mjs FORM CACHE [RUNS EPOCHS]
//
// The peak of a phase comes from resetting the kernel's peak RSS counter
// (`/proc/self/clear_refs`, Linux only); elsewhere only the whole-process
// peak is printed.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { densifyRows, selectBackend } from '@fixclust/core';
import { load20Newsgroups, toDenseDataset } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';

const ARRAYS = ['indptr', 'indices', 'data', 'labels'];
const FORMS = ['sparse', 'dense', 'dense-nonzero'];
const MIB = 1024 * 1024;

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

function formData(form, sparse) {
  if (form === 'sparse') return sparse;
  if (form === 'dense-nonzero') return toDenseDataset(sparse);
  // `densifyRows` zero-fills the whole output before writing the nonzero
  // entries, so every page is written once, as a file reader writes it.
  const { nRows, nCols } = sparse.x;
  const rows = Int32Array.from({ length: nRows }, (_, i) => i);
  const x = new Float32Array(nRows * nCols);
  densifyRows(sparse.x, rows, 0, nRows, x);
  return { ...sparse, x };
}

/** Reads the kernel's RSS counters of this process, in MiB. */
function kernelRss() {
  let status;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return {};
  }
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? undefined : Number(match[1]) / 1024;
  };
  return {
    rss: field('VmRSS'),
    peak: field('VmHWM'),
    anonymous: field('RssAnon'),
    file: field('RssFile'),
  };
}

/** Resets the kernel's peak RSS to the current RSS; false where it cannot. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Records the kernel and V8 counters now, then starts a new peak window. */
function snapshot(phase) {
  const kernel = kernelRss();
  const v8 = process.memoryUsage();
  const round = (value) =>
    value === undefined ? undefined : Math.round(value * 10) / 10;
  const record = {
    phase,
    rssMiB: round(kernel.rss ?? v8.rss / MIB),
    peakMiB: round(kernel.peak),
    anonymousMiB: round(kernel.anonymous),
    fileMiB: round(kernel.file),
    heapUsedMiB: round(v8.heapUsed / MIB),
    heapTotalMiB: round(v8.heapTotal / MIB),
    externalMiB: round(v8.external / MIB),
    arrayBuffersMiB: round(v8.arrayBuffers / MIB),
  };
  resetPeak();
  return record;
}

async function train(form, cache, nRuns, epochs) {
  const phases = [snapshot('start')];
  const { backend } = await selectBackend({ candidates: backendCandidates() });
  phases.push(snapshot('backend'));
  const sparse = await readCache(cache);
  phases.push(snapshot('cache'));
  const data = formData(form, sparse);
  phases.push(snapshot('data'));

  const model = new FixedRepresentativeClustering({
    nClusters: 20,
    preset: 'km50',
    seed: 1,
    nRuns,
    epochs,
  });
  const onEpochEnd = ({ run, epoch }) =>
    phases.push(snapshot(`run ${run} epoch ${epoch}`));
  const start = performance.now();
  await model.fit(data, { backend, onEpochEnd });
  const seconds = (performance.now() - start) / 1000;
  phases.push(snapshot('prediction'));

  // Resetting the kernel's peak also resets getrusage's maximum RSS.
  const phasePeaks = phases.map((phase) => phase.peakMiB ?? 0);
  const peakMiB = resetPeak()
    ? Math.max(...phasePeaks)
    : process.resourceUsage().maxRSS / 1024;
  const summary = { form, backend: backend.name, nRuns, epochs };
  console.log(JSON.stringify({ ...summary, seconds, peakMiB }));
  for (const phase of phases) console.log(JSON.stringify(phase));
}

const [step, source, cache] = process.argv.slice(2);
if (step === 'prepare' && source !== undefined && cache !== undefined) {
  await prepare(source, cache);
} else if (FORMS.includes(step) && source !== undefined) {
  const [runs = '10', epochs = '10'] = process.argv.slice(4);
  await train(step, source, Number(runs), Number(epochs));
} else {
  console.error(
    `usage: 20news-sparse-vs-dense.mjs prepare ARCHIVE CACHE | ` +
      `${FORMS.join('|')} CACHE [RUNS EPOCHS]`,
  );
  process.exitCode = 2;
}
