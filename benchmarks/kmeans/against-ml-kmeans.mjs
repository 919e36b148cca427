// Times fixclust's k-means against ml-kmeans on all 9,298 USPS digits,
// both with 10 restarts (k-means++ starts, at most 300 iterations), and
// prints the inertia and metrics of the kept restart of each.
//
// Usage: node benchmarks/kmeans/against-ml-kmeans.mjs path/to/usps.h5
import { kmeans } from '@fixclust/baselines';
import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { kmeans as mlKmeans } from 'ml-kmeans';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: against-ml-kmeans.mjs path/to/usps.h5');
  process.exit(2);
}
await wasmBackend().initialise();
const usps = await loadUsps({ path });
const rows = Array.from({ length: usps.nSamples }, (_, i) =>
  Array.from(usps.x.subarray(i * 256, (i + 1) * 256)),
);

function inertiaOf(labels) {
  const k = 10;
  const sums = Array.from({ length: k }, () => new Float64Array(256));
  const counts = new Float64Array(k);
  rows.forEach((row, i) => {
    counts[labels[i]] += 1;
    row.forEach((v, j) => (sums[labels[i]][j] += v));
  });
  let total = 0;
  rows.forEach((row, i) => {
    const c = labels[i];
    row.forEach((v, j) => (total += (v - sums[c][j] / counts[c]) ** 2));
  });
  return total;
}

function report(name, labels, seconds) {
  const m = externalMetrics(usps.labels, labels);
  console.log(
    `${name}: ${seconds.toFixed(1)} s, inertia ${inertiaOf(labels).toFixed(0)}, ` +
      `purity ${m.purity.toFixed(3)} ARI ${m.ari.toFixed(3)} ` +
      `NMI ${m.nmi.toFixed(3)} ACC ${m.accuracy.toFixed(3)}`,
  );
}

let start = performance.now();
const ours = await kmeans(usps, { nClusters: 10, nInit: 10, seed: 1 });
report(
  'fixclust kmeans (wasm)',
  ours.labels,
  (performance.now() - start) / 1000,
);

start = performance.now();
let best;
for (let seed = 1; seed <= 10; seed++) {
  const run = mlKmeans(rows, 10, {
    initialization: 'kmeans++',
    seed,
    maxIterations: 300,
  });
  const inertia = inertiaOf(run.clusters);
  if (best === undefined || inertia < best.inertia)
    best = { inertia, labels: run.clusters };
}
report(
  'ml-kmeans, best of 10',
  best.labels,
  (performance.now() - start) / 1000,
);
