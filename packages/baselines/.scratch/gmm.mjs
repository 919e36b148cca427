import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps, loadMnist } from '@fixclust/datasets';
import {
  externalMetrics,
  silhouetteScore,
  daviesBouldinScore,
} from '@fixclust/metrics';
import { gaussianMixture, pca, kmeans } from '../dist/index.js';
import { loadavg } from 'node:os';
await wasmBackend().initialise();
let cpu0;
const t0 = () => {
  cpu0 = process.cpuUsage();
  return performance.now();
};
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
const usps = await loadUsps({ path: '/work/shared/data/usps/usps.h5' });
for (const covarianceType of ['diag', 'full']) {
  const s = t0();
  const r = await gaussianMixture(usps, {
    nComponents: 10,
    covarianceType,
    seed: 0,
    maxIterations: covarianceType === 'full' ? 3 : 100,
  });
  report(
    `gmm ${covarianceType} usps`,
    s,
    `iters ${r.nIterations} lb ${r.lowerBound.toFixed(2)} conv ${r.converged} ${JSON.stringify(externalMetrics(usps.labels, r.labels))} warnings ${r.warnings.map((w) => w.code)}`,
  );
}
const s1 = t0();
const sil = silhouetteScore(
  usps,
  (await kmeans(usps, { nClusters: 10, nInit: 1, seed: 0 })).labels,
  { seed: 0 },
);
report('kmeans1+silhouette usps (all 9298)', s1, JSON.stringify(sil));
if (process.argv[2] === 'mnist') {
  const mnist = await loadMnist({ path: '/work/shared/data/mnist' });
  const labels = Int32Array.from(mnist.labels);
  const s = t0();
  const sil = silhouetteScore(mnist, labels, { seed: 0 });
  report('silhouette mnist 10000 sample', s, JSON.stringify(sil));
  const s2 = t0();
  report('davies-bouldin mnist', s2, daviesBouldinScore(mnist, labels));
}
