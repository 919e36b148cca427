import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { gaussianMixture } from '../dist/index.js';
await wasmBackend().initialise();
const usps = await loadUsps({ path: '/work/shared/data/usps/usps.h5' });
const c0 = process.cpuUsage();
const r = await gaussianMixture(usps, { nComponents: 10, seed: 0, maxIterations: 3 });
const c = process.cpuUsage(c0); console.log(((c.user + c.system) / 1e6).toFixed(1), 's cpu', r.nIterations);
