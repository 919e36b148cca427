import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidParameterError, Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { Worker } from 'node:worker_threads';

import { beforeAll, describe, expect, it, vi } from 'vitest';

import type { DataMatrix } from './data.js';
import { FixedRepresentativeClustering, type FitResult } from './model.js';
import { workerCount } from './parallel-runs.js';
import { resolveOptions } from './resolve-options.js';
import type { EpochProgress } from './train.js';

/** Module the worker threads import to start the wasm backend. */
const backendModule = new URL('./fixtures/wasm-backends.mjs', import.meta.url);

/** Three Gaussian blobs in 8 dimensions, 120 samples each. */
function blobs(seed: number): DataMatrix {
  const random = new Random(seed);
  const nFeatures = 8;
  const nSamples = 360;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const centre = j === i % 3 ? 3 : 0;
      x[i * nFeatures + j] = centre + (random.float() - 0.5);
    }
  }
  return { x, nSamples, nFeatures };
}

const options = {
  nClusters: 3,
  nRuns: 4,
  epochs: 2,
  batchSize: 32,
  seed: 7,
};

async function fitWith(
  workers: number,
  progress: EpochProgress[] = [],
  signal?: AbortSignal,
  hold = false,
): Promise<FitResult> {
  const model = new FixedRepresentativeClustering(options);
  return model.fit(blobs(1), {
    workers,
    backendModule,
    onEpochEnd: (entry) => {
      progress.push(entry);
      if (hold && entry.run === 0 && entry.epoch === 0) holdThread();
    },
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * Blocks this thread for 2 s, in the first epoch of the run it trains, so
 * that a worker thread starts and takes some of the runs.
 */
function holdThread(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
}

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('parallel runs', () => {
  it('match sequential labels and losses', async () => {
    const sequential = await fitWith(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const parallel = await fitWith(2, [], undefined, true);
    const sent = posted.mock.calls.filter(
      ([message]) => (message as { type: string }).type === 'run',
    );
    posted.mockRestore();
    expect(sent.length).toBeGreaterThan(0);
    expect(parallel.labels).toEqual(sequential.labels);
    expect(parallel.initLabels).toEqual(sequential.initLabels);
    expect(parallel.runLabels).toEqual(sequential.runLabels);
    expect(parallel.bestRun).toBe(sequential.bestRun);
    for (let run = 0; run < options.nRuns; run++) {
      const expected = sequential.runs[run]!;
      const actual = parallel.runs[run]!;
      expect(actual.seed).toBe(expected.seed);
      expect(actual.epochLosses).toEqual(expected.epochLosses);
    }
  });

  it('report every epoch of every run', async () => {
    const progress: EpochProgress[] = [];
    await fitWith(2, progress);
    const seen = progress.map((entry) => `${entry.run}:${entry.epoch}`);
    expect(progress).toHaveLength(options.nRuns * options.epochs);
    expect(new Set(seen).size).toBe(progress.length);
    expect(progress.every((entry) => entry.elapsedMs >= 0)).toBe(true);
  });

  it('leak no tensors in the parent', async () => {
    await fitWith(2);
    const before = tf.memory().numTensors;
    await fitWith(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('start only the first run after an abort', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await fitWith(2, [], controller.signal);
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]!.aborted).toBe(true);
  });

  it('reject a missing backend module', async () => {
    const model = new FixedRepresentativeClustering(options);
    await expect(model.fit(blobs(1), { workers: 2 })).rejects.toThrow(
      /pass backendModule/,
    );
  });

  it('report a worker start failure', async () => {
    const model = new FixedRepresentativeClustering(options);
    const missing = new URL('./fixtures/missing.mjs', import.meta.url);
    const fit = model.fit(blobs(1), { workers: 2, backendModule: missing });
    await expect(fit).rejects.toThrow(/missing\.mjs/);
  });
});

describe('workerCount', () => {
  it('caps at the number of runs', () => {
    const resolved = resolveOptions(options);
    expect(workerCount(resolved, { workers: 16 })).toBe(4);
  });

  it('defaults to one', () => {
    expect(workerCount(resolveOptions(options), {})).toBe(1);
  });

  it('is one with a shared optimizer', () => {
    const resolved = resolveOptions({ ...options, shareOptimizerState: true });
    expect(workerCount(resolved, { workers: 2 })).toBe(1);
  });

  it('rejects zero', () => {
    const resolved = resolveOptions(options);
    expect(() => workerCount(resolved, { workers: 0 })).toThrow(
      InvalidParameterError,
    );
  });
});
