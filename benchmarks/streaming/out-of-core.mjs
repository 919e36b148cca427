// Out-of-core clustering: trains km50 on an NPY file read in blocks of
// rows. It records the time of each epoch and the process's peak resident
// set size (RSS), to check that memory stays flat and that time grows
// linearly with the number of rows.
//
// The data is a mixture of 10 Gaussians in 50 dimensions, float32: each
// centre has coordinates drawn from N(0, 2²), each row is a centre chosen
// uniformly at random plus N(0, 1) noise per coordinate, and the rows are
// written in the order they were drawn. 10,000,000 rows are 2 GB.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/streaming/out-of-core.mjs generate ROWS FILE.npy [SEED]
//   node benchmarks/streaming/out-of-core.mjs fit FILE.npy [EPOCHS] [RUNS]
//   node benchmarks/streaming/out-of-core.mjs kmeans FILE.npy [EPOCHS]
//
// `generate` also writes the true classes to FILE.labels.npy. `fit` and
// `kmeans` print one JSON line; run each in a fresh process so that its
// peak RSS is its own.
import { selectBackend, Random } from '@fixclust/core';
import {
  NpyRowWriter,
  encodeNpyHeader,
  openNpyStream,
} from '@fixclust/datasets';
import { miniBatchKMeans } from '@fixclust/baselines';
import { externalMetrics } from '@fixclust/metrics';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';
import { writeFile } from 'node:fs/promises';

const N_CLUSTERS = 10;
const N_FEATURES = 50;
const CENTRE_SCALE = 2;
/** Rows generated and written at a time. */
const WRITE_ROWS = 65536;

function labelsPathOf(path) {
  return path.replace(/\.npy$/, '') + '.labels.npy';
}

/** Draws a standard normal value (Box–Muller; one of the pair is used). */
function normal(random) {
  const u = 1 - random.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.float());
}

async function generate(nRows, path, seed) {
  const random = new Random(seed);
  const centres = Float64Array.from(
    { length: N_CLUSTERS * N_FEATURES },
    () => CENTRE_SCALE * normal(random),
  );
  const labels = new Int32Array(nRows);
  const writer = await NpyRowWriter.create(path, N_FEATURES);
  const block = new Float32Array(WRITE_ROWS * N_FEATURES);
  for (let start = 0; start < nRows; start += WRITE_ROWS) {
    const count = Math.min(WRITE_ROWS, nRows - start);
    for (let i = 0; i < count; i++) {
      const label = random.int(N_CLUSTERS);
      labels[start + i] = label;
      for (let j = 0; j < N_FEATURES; j++) {
        block[i * N_FEATURES + j] =
          centres[label * N_FEATURES + j] + normal(random);
      }
    }
    await writer.append(block.subarray(0, count * N_FEATURES));
  }
  await writer.close();

  const header = encodeNpyHeader('<i4', [nRows]);
  const bytes = new Uint8Array(labels.buffer);
  await writeFile(labelsPathOf(path), Buffer.concat([header, bytes]));
  console.log(JSON.stringify({ generated: path, nRows, seed }));
}

async function openData(path) {
  return openNpyStream(path, { labelsPath: labelsPathOf(path) });
}

function summary(stream, extra) {
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return {
    rows: stream.nSamples,
    features: stream.nFeatures,
    ...extra,
    peakRssMiB: Math.round(peakRssMiB),
  };
}

async function fit(path, epochs, runs) {
  const stream = await openData(path);
  const { backend } = await selectBackend({ candidates: backendCandidates() });
  const epochEnds = [];
  const model = new FixedRepresentativeClustering({
    preset: 'km50',
    nClusters: N_CLUSTERS,
    nRuns: runs,
    epochs,
    seed: 1,
  });
  const start = performance.now();
  const result = await model.fit(stream, {
    backend,
    onEpochEnd: (progress) => epochEnds.push(progress.elapsedMs),
  });
  const totalMs = performance.now() - start;
  const epochMs = epochEnds.map((end, i) => end - (epochEnds[i - 1] ?? 0));
  await stream.close();

  const metrics = externalMetrics(stream.labels, result.labels);
  const line = summary(stream, {
    method: 'km50',
    runs,
    backend: `${backend.name} ${backend.version} (${backend.threads} threads)`,
    epochs,
    epochSeconds: epochMs.map((ms) => +(ms / 1000).toFixed(1)),
    // Labelling the rows with every run's kept network and the kept run's
    // untrained one: runs + 1 further passes over the file.
    labellingSeconds: +((totalMs - epochEnds.at(-1)) / 1000).toFixed(1),
    fitSeconds: +(totalMs / 1000).toFixed(1),
    ari: +metrics.ari.toFixed(3),
    nmi: +metrics.nmi.toFixed(3),
    accuracy: +metrics.accuracy.toFixed(3),
  });
  console.log(JSON.stringify(line));
}

async function kmeans(path, epochs) {
  const stream = await openData(path);
  const start = performance.now();
  const result = await miniBatchKMeans(stream, {
    nClusters: N_CLUSTERS,
    epochs,
    seed: 1,
  });
  const totalMs = performance.now() - start;
  await stream.close();
  const metrics = externalMetrics(stream.labels, result.labels);
  const line = summary(stream, {
    method: 'mini-batch k-means',
    epochs,
    fitSeconds: +(totalMs / 1000).toFixed(1),
    inertiaPerRow: +(result.inertia / stream.nSamples).toFixed(2),
    ari: +metrics.ari.toFixed(3),
    nmi: +metrics.nmi.toFixed(3),
    accuracy: +metrics.accuracy.toFixed(3),
  });
  console.log(JSON.stringify(line));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'generate') {
  await generate(Number(args[0]), args[1], Number(args[2] ?? 1));
} else if (command === 'fit') {
  await fit(args[0], Number(args[1] ?? 1), Number(args[2] ?? 1));
} else if (command === 'kmeans') {
  await kmeans(args[0], Number(args[1] ?? 1));
} else {
  console.error(
    'usage: out-of-core.mjs generate ROWS FILE.npy [SEED] | ' +
      'fit FILE.npy [EPOCHS] [RUNS] | kmeans FILE.npy [EPOCHS]',
  );
  process.exitCode = 2;
}
