import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { kmeans } from '../dist/index.js';
await wasmBackend().initialise();
const usps = await loadUsps({ path: '/work/shared/data/usps/usps.h5' });
const t = performance.now();
const r = await kmeans(usps, { nClusters: 10, nInit: 10, seed: 0 });
console.log(((performance.now() - t) / 1000).toFixed(1), 's');
