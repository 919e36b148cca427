import { wasmBackend } from '@fixclust/backend-wasm';
import { loadMnist } from '@fixclust/datasets';
import { kmeans } from '../dist/index.js';
await wasmBackend().initialise();
const mnist = await loadMnist({ path: '/work/shared/data/mnist' });
const t = performance.now();
const c0 = process.cpuUsage();
const r = await kmeans(mnist, { nClusters: 10, nInit: 1, seed: 1 });
const c = process.cpuUsage(c0);
console.log(
  ((performance.now() - t) / 1000).toFixed(1),
  's wall',
  ((c.user + c.system) / 1e6).toFixed(1),
  's cpu',
  r.nIterations,
  'iterations',
);
