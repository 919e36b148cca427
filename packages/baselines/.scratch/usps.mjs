import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { kmeans } from '../dist/index.js';
import { performance } from 'node:perf_hooks';
await wasmBackend().initialise();
const usps = await loadUsps({ path: '/work/shared/data/usps/usps.h5' });
for (const seed of [0, 1, 2]) {
  const t = performance.now();
  const r = await kmeans(usps, { nClusters: 10, nInit: 10, seed });
  const ms = performance.now() - t;
  console.log(
    seed,
    (ms / 1000).toFixed(1),
    's',
    r.inertia.toFixed(1),
    r.nIterations,
    r.inertias.map((v) => v.toFixed(0)).join(','),
    JSON.stringify(externalMetrics(usps.labels, r.labels)),
    r.warnings,
  );
}
