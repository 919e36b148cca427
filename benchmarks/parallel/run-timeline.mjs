// Prints when each run of a USPS km50 fit (10 runs × 10 epochs, seed 1)
// ends its first and last epoch, with 1 or 2 threads. It then prints the
// CPU time the fit took on each thread of the process, so run durations
// alone and side by side, and the work of V8's own threads, can be
// compared. With 2 threads, the worker pool starts and loads its backend
// before the fit, so the timeline covers training only.
//
// Usage, from the repository root after `pnpm build`:
//   FIXCLUST_DATA=../shared/data node benchmarks/parallel/run-timeline.mjs 1 wasm
//   FIXCLUST_DATA=../shared/data node benchmarks/parallel/run-timeline.mjs 2 wasm
// The second argument is the backend (wasm or native; default wasm). A
// third, FITS (default 1), fits that many times in this process and pool
// and prints the CPU times of each fit: the first fit runs the training
// code cold, the later ones after V8 has compiled it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { selectBackend } from '@fixclust/core';
import { loadUsps } from '@fixclust/datasets';
import { FixedRepresentativeClustering, RunWorkerPool } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';

const workers = Number(process.argv[2] ?? '1');
const backendName = process.argv[3] ?? 'wasm';
const fits = Number(process.argv[4] ?? '1');
const dataFolder = process.env.FIXCLUST_DATA ?? '../shared/data';
const { backend } = await selectBackend({
  candidates: backendCandidates(backendName),
  backend: backendName,
});
const usps = await loadUsps({ path: join(dataFolder, 'usps', 'usps.h5') });
const model = new FixedRepresentativeClustering({
  nClusters: 10,
  preset: 'km50',
  nRuns: 10,
  seed: 1,
});
// Threads of this process before the pool starts: this one and V8's.
const ownThreads = new Set(threadTimes().keys());
const pool =
  workers > 1
    ? await RunWorkerPool.start({
        threads: workers - 1,
        backend: backend.name,
        // Worker threads start the backend by name from the CLI's list.
        backendModule: import.meta.resolve('fixclust/backends'),
      })
    : undefined;
await pool?.ready();

for (let fit = 0; fit < fits; fit++) {
  const before = threadTimes();
  const marks = [];
  const result = await model.fit(usps, {
    backend,
    ...(pool === undefined ? { workers: 1 } : { pool }),
    onEpochEnd: ({ run, epoch, epochs, elapsedMs }) => {
      if (epoch === 0 || epoch === epochs - 1) {
        marks.push(
          `run ${run} epoch ${epoch}: ${(elapsedMs / 1000).toFixed(2)} s`,
        );
      }
    },
  });
  const after = threadTimes();
  if (fits === 1) console.log(marks.join('\n'));
  const name = fits === 1 ? '' : ` (fit ${fit + 1} of ${fits})`;
  console.log(
    `${backend.name}, workers ${workers}${name}: ` +
      `fit ${(result.fitTimeMs / 1000).toFixed(3)} s`,
  );
  // CPU seconds of the fit: this thread, V8's helper threads (garbage
  // collection and optimising compilation for every isolate of the
  // process, the pool's included), and the pool's threads.
  const main = String(process.pid);
  const cpu = { main: 0, helpers: 0, pool: 0 };
  for (const [thread, seconds] of after) {
    const spent = seconds - (before.get(thread) ?? 0);
    if (thread === main) cpu.main += spent;
    else if (ownThreads.has(thread)) cpu.helpers += spent;
    else cpu.pool += spent;
  }
  console.log(
    `cpu during the fit: main ${cpu.main.toFixed(3)} s, ` +
      `V8 helpers ${cpu.helpers.toFixed(3)} s, ` +
      `pool threads ${cpu.pool.toFixed(3)} s`,
  );
}
await pool?.close();

/**
 * Seconds each thread of this process has spent on a CPU, by thread id,
 * from the scheduler's count in nanoseconds (Linux).
 */
function threadTimes() {
  const times = new Map();
  for (const thread of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${thread}/schedstat`, 'utf8');
    times.set(thread, Number(stat.split(' ')[0]) / 1e9);
  }
  return times;
}
