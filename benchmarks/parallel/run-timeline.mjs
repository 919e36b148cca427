// Prints when each run of a USPS km50 fit (10 runs × 10 epochs, seed 1,
// wasm backend) ends its first and last epoch, with 1 or 2 threads, so
// run durations alone and side by side can be compared.
//
// Usage, from the repository root after `pnpm build`:
//   FIXCLUST_DATA=../shared/data node benchmarks/parallel/run-timeline.mjs 1
//   FIXCLUST_DATA=../shared/data node benchmarks/parallel/run-timeline.mjs 2
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';

const workers = Number(process.argv[2] ?? '1');
const dataFolder = process.env.FIXCLUST_DATA ?? '../shared/data';
const backend = await wasmBackend().initialise();
const usps = await loadUsps({ path: join(dataFolder, 'usps', 'usps.h5') });
const model = new FixedRepresentativeClustering({
  nClusters: 10,
  preset: 'km50',
  nRuns: 10,
  seed: 1,
});
// Worker threads start the backend by name from the CLI's list.
const backendModule = pathToFileURL(
  join(import.meta.dirname, '../../apps/cli/dist/backends.js'),
).href;
const marks = [];
const result = await model.fit(usps, {
  backend,
  workers,
  backendModule,
  onEpochEnd: ({ run, epoch, epochs, elapsedMs }) => {
    if (epoch === 0 || epoch === epochs - 1) {
      marks.push(
        `run ${run} epoch ${epoch}: ${(elapsedMs / 1000).toFixed(2)} s`,
      );
    }
  },
});
console.log(marks.join('\n'));
console.log(
  `workers ${workers}: fit ${(result.fitTimeMs / 1000).toFixed(2)} s`,
);
