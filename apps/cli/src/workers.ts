import { availableParallelism } from 'node:os';

import { assertIntegerInRange } from '@fixclust/core';
import { RunWorkerPool } from '@fixclust/model';

import { presetSettings } from './preset-settings.js';

/**
 * Returns the number of threads that `--workers` requests: the flag's
 * value, or the number of cores this process may use
 * (`os.availableParallelism()`).
 *
 * @throws InvalidParameterError when the value is not a positive integer.
 */
export function resolveWorkers(workers: number | undefined): number {
  const count = workers ?? availableParallelism();
  assertIntegerInRange('--workers', count, 1);
  return count;
}

/**
 * Returns the URL of `backends.js`, the module whose `backendCandidates()`
 * each run worker imports to start the parent's backend. Under vitest the
 * CLI runs from its TypeScript sources, which a worker thread cannot load,
 * so the URL names the built file in `dist/`, which `pnpm test` builds
 * first.
 */
export function backendModuleUrl(): URL {
  const moduleUrl = import.meta.url;
  return moduleUrl.endsWith('.ts')
    ? new URL('../dist/backends.js', moduleUrl)
    : new URL('./backends.js', moduleUrl);
}

/**
 * Returns how many worker threads `fixclust run` starts before it loads the
 * data: one fewer than the threads that train runs, capped by the number
 * of runs where the settings give it (`--runs`, or a preset that sets it),
 * and none when the runs share one optimizer state and train in turn.
 */
export function poolThreads(
  workers: number,
  training: { nRuns?: number | undefined; shareOptimizerState?: boolean },
  preset: string | undefined,
): number {
  if (training.shareOptimizerState === true) return 0;
  const runs = training.nRuns ?? presetSettings(preset).nRuns ?? workers;
  return Math.min(workers, runs) - 1;
}

/**
 * Starts `threads` run workers on the backend named `backend`, or returns
 * undefined when `threads` is 0. The workers start the backend while this
 * thread goes on.
 */
export async function startRunPool(
  threads: number,
  backend: string,
): Promise<RunWorkerPool | undefined> {
  if (threads === 0) return undefined;
  return RunWorkerPool.start({
    threads,
    backend,
    backendModule: backendModuleUrl(),
  });
}
