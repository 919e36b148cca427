import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps, loadMnist } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { kmeans, pca } from '../dist/index.js';
import { loadavg } from 'node:os';
const which = process.argv[2];
const info = await wasmBackend().initialise();
console.log(JSON.stringify(info));
const t0 = () => {
  cpu0 = process.cpuUsage();
  return performance.now();
};
let cpu0;
const report = (name, start, extra) =>
  console.log(
    name,
    ((performance.now() - start) / 1000).toFixed(1),
    's wall',
    (
      (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) /
      1e6
    ).toFixed(1),
    's cpu',
    'load',
    loadavg()
      .map((v) => v.toFixed(1))
      .join('/'),
    extra ?? '',
  );
if (which === 'usps') {
  const usps = await loadUsps({ path: '/work/shared/data/usps/usps.h5' });
  let s = t0();
  const r = await kmeans(usps, { nClusters: 10, nInit: 10, seed: 0 });
  report(
    'fixclust kmeans usps',
    s,
    `inertia ${r.inertia.toFixed(0)} iters ${r.nIterations} ${JSON.stringify(externalMetrics(usps.labels, r.labels))}`,
  );
  const rows = Array.from({ length: usps.nSamples }, (_, i) =>
    Array.from(usps.x.subarray(i * 256, (i + 1) * 256)),
  );
  s = t0();
  let best;
  for (let seed = 0; seed < 10; seed++) {
    const m = mlKmeans(rows, 10, {
      seed,
      maxIterations: 300,
      initialization: 'kmeans++',
    });
    let inertia = 0;
    m.clusters.forEach((c, i) => {
      for (let j = 0; j < 256; j++)
        inertia += (rows[i][j] - m.centroids[c][j]) ** 2;
    });
    if (!best || inertia < best.inertia) best = { inertia, m };
  }
  report(
    'ml-kmeans x10 usps',
    s,
    `inertia ${best.inertia.toFixed(0)} iters ${best.m.iterations} ${JSON.stringify(externalMetrics(usps.labels, Int32Array.from(best.m.clusters)))}`,
  );
} else {
  const mnist = await loadMnist({ path: '/work/shared/data/mnist' });
  console.log('mnist', mnist.nSamples, mnist.nFeatures, mnist.x[200]);
  let s = t0();
  const p = await pca(mnist, { nComponents: 100 });
  report(
    'pca 100 mnist',
    s,
    `ratio sum ${p.explainedVarianceRatio.reduce((a, b) => a + b, 0).toFixed(4)} first ${p.explainedVariance[0].toFixed(4)}`,
  );
  if (which === 'mnist') {
    s = t0();
    const r = await kmeans(mnist, { nClusters: 10, nInit: 10, seed: 0 });
    report(
      'fixclust kmeans mnist',
      s,
      `inertia ${r.inertia.toFixed(0)} iters ${r.nIterations} inertias ${r.inertias.map((v) => v.toFixed(0)).join(',')} ${JSON.stringify(externalMetrics(mnist.labels, r.labels))}`,
    );
  }
}
