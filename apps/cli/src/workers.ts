import { availableParallelism } from 'node:os';

import { assertIntegerInRange } from '@fixclust/core';

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
