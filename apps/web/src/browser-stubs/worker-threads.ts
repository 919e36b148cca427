/**
 * Stands in for `node:worker_threads` in the page's bundle.
 * `@fixclust/model` imports it statically for training runs in parallel
 * threads, which the page never requests (`workers` stays at its default
 * of 1), so only the names need to exist.
 */
import { UnsupportedFeatureError } from '@fixclust/core';

/** Throws: Node's worker threads do not exist in a browser. */
export class Worker {
  constructor() {
    throw new UnsupportedFeatureError(
      'parallel runs in worker threads need Node; in a browser, leave ' +
        'the fit option "workers" at 1',
    );
  }
}

/** `null`, as in Node's main thread. */
export const parentPort = null;

/** `undefined`, as in Node's main thread. */
export const workerData = undefined;
