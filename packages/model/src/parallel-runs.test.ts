import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidParameterError, Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { beforeAll, describe, expect, it, vi } from 'vitest';

import type { DataMatrix } from './data.js';
import { FixedRepresentativeClustering, type FitResult } from './model.js';
import { workerCount } from './parallel-runs.js';
import { RunWorkerPool } from './worker-pool.js';
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
  pool?: RunWorkerPool,
): Promise<FitResult> {
  const model = new FixedRepresentativeClustering(options);
  return model.fit(blobs(1), {
    workers,
    ...(pool === undefined ? { backendModule } : { pool }),
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
    const emitted = vi.spyOn(Worker.prototype, 'emit');
    const parallel = await fitWith(2, [], undefined, true);
    const done = emitted.mock.calls.filter(
      ([event, message]) =>
        event === 'message' && (message as { type: string }).type === 'done',
    );
    emitted.mockRestore();
    expect(done.length).toBeGreaterThan(0);
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
    expect(result.warnings.map((w) => w.code)).toContain('aborted');
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
    // This thread blocks in its first epoch, so the failure arrives before
    // it could train every run itself.
    const fit = model.fit(blobs(1), {
      workers: 2,
      backendModule: missing,
      onEpochEnd: (entry) => {
        if (entry.run === 0 && entry.epoch === 0) holdThread();
      },
    });
    await expect(fit).rejects.toThrow(/missing\.mjs/);
  });
});

/** Counts the runs that worker threads report as done during `work`. */
async function runsDoneInWorkers(work: () => Promise<unknown>) {
  const emitted = vi.spyOn(Worker.prototype, 'emit');
  try {
    await work();
    return emitted.mock.calls.filter(
      ([event, message]) =>
        event === 'message' && (message as { type: string }).type === 'done',
    ).length;
  } finally {
    emitted.mockRestore();
  }
}

describe('RunWorkerPool', () => {
  const startPool = (module: URL = backendModule, backend = 'wasm') =>
    RunWorkerPool.start({ threads: 1, backend, backendModule: module });

  it('serves fits one after another with sequential results', async () => {
    const sequential = await fitWith(1);
    const pool = await startPool();
    try {
      await pool.ready();
      for (let fit = 0; fit < 2; fit++) {
        let result: FitResult | undefined;
        const done = await runsDoneInWorkers(async () => {
          result = await fitWith(2, [], undefined, true, pool);
        });
        expect(done).toBeGreaterThan(0);
        expect(result!.runLabels).toEqual(sequential.runLabels);
        expect(result!.runs.map((run) => run.epochLosses)).toEqual(
          sequential.runs.map((run) => run.epochLosses),
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('trains on a thread whose start this thread has not yet seen', async () => {
    // A sequential fit first, which also makes this thread's first epoch
    // below short. Not awaiting ready(): this thread blocks for 2 s in the
    // first epoch of run 0, before the pool's thread has started and
    // before this thread's event loop reads its ready message. The other
    // runs finish within those 2 s only if the thread got the fit without
    // waiting for this thread.
    const sequential = await fitWith(1);
    const pool = await startPool();
    const progress: EpochProgress[] = [];
    try {
      const result = await fitWith(2, progress, undefined, true, pool);
      expect(result.runLabels).toEqual(sequential.runLabels);
      const others = progress.filter((entry) => entry.run !== 0);
      expect(others).toHaveLength((options.nRuns - 1) * options.epochs);
      for (const entry of others) expect(entry.elapsedMs).toBeLessThan(2000);
    } finally {
      await pool.close();
    }
  });

  it('ends a fit whose thread never starts its backend', async () => {
    const sequential = await fitWith(1);
    const hanging = new URL('./fixtures/hanging-backends.mjs', import.meta.url);
    const pool = await startPool(hanging);
    try {
      const result = await fitWith(2, [], undefined, false, pool);
      expect(result.runLabels).toEqual(sequential.runLabels);
    } finally {
      await pool.close();
    }
  });

  it('names a backend start that never settles', async () => {
    const unsettled = new URL(
      './fixtures/unsettled-backends.mjs',
      import.meta.url,
    );
    const pool = await startPool(unsettled);
    try {
      await expect(pool.ready()).rejects.toThrow(
        "a run worker thread exited with code 13 because its backend's " +
          'start never settled',
      );
    } finally {
      await pool.close();
    }
  });

  it('refuses a pool of another backend', async () => {
    const pool = await startPool(backendModule, 'cpu');
    try {
      await expect(fitWith(2, [], undefined, false, pool)).rejects.toThrow(
        /pool's threads run the cpu backend, but this fit runs on wasm/,
      );
    } finally {
      await pool.close();
    }
  });

  it('refuses a pool with a backend module, and too many workers', async () => {
    const pool = await startPool();
    const model = new FixedRepresentativeClustering(options);
    try {
      await expect(
        model.fit(blobs(1), { workers: 2, pool, backendModule }),
      ).rejects.toThrow(/either pool or backendModule/);
      await expect(model.fit(blobs(1), { workers: 3, pool })).rejects.toThrow(
        /pool has 1 thread\(s\) besides this one; pass at most 2/,
      );
    } finally {
      await pool.close();
    }
  });

  it('refuses a closed pool', async () => {
    const pool = await startPool();
    await pool.close();
    await expect(fitWith(2, [], undefined, false, pool)).rejects.toThrow(
      /worker pool is closed/,
    );
  });

  it('fails the fit when a thread exits, and then refuses the pool', async () => {
    const exiting = new URL('./fixtures/exiting-backends.mjs', import.meta.url);
    const pool = await startPool(exiting);
    // Runs of 60 epochs, so that the thread is still training its first
    // one when it exits.
    const model = new FixedRepresentativeClustering({ ...options, epochs: 60 });
    try {
      const fit = model.fit(blobs(1), {
        pool,
        onEpochEnd: (entry) => {
          if (entry.run === 0 && entry.epoch === 0) holdThread();
        },
      });
      await expect(fit).rejects.toThrow(/exited with code 3/);
      await expect(fitWith(2, [], undefined, false, pool)).rejects.toThrow(
        /thread of this worker pool has stopped/,
      );
    } finally {
      await pool.close();
    }
  });

  it('fails the fit when a worker callback throws', async () => {
    const pool = await startPool();
    const model = new FixedRepresentativeClustering(options);
    try {
      await pool.ready();
      const fit = model.fit(blobs(1), {
        pool,
        onEpochEnd: (entry) => {
          if (entry.run === 0 && entry.epoch === 0) holdThread();
          if (entry.run !== 0) throw new Error(`callback in run ${entry.run}`);
        },
      });
      await expect(fit).rejects.toThrow(/^callback in run [1-3]$/);
      const next = await fitWith(2, [], undefined, false, pool);
      expect(next.runs).toHaveLength(options.nRuns);
    } finally {
      await pool.close();
    }
  });

  it('fails a fit under way when closed', async () => {
    const pool = await startPool();
    await pool.ready();
    let training: () => void = () => {};
    const started = new Promise<void>((resolve) => (training = resolve));
    const model = new FixedRepresentativeClustering(options);
    const fit = model.fit(blobs(1), { pool, onEpochEnd: () => training() });
    const failed = expect(fit).rejects.toThrow(
      /closed .* while they trained a fit/,
    );
    await started;
    await pool.close();
    await failed;
  });

  it('rejects ready() when closed first or during the start', async () => {
    const starting = await startPool();
    const ready = starting.ready();
    await starting.close();
    await expect(ready).rejects.toThrow(/closed before its threads started/);
    await expect(starting.ready()).rejects.toThrow(/worker pool is closed/);
  });

  it('rejects a relative or bare backend module', async () => {
    for (const module of ['./backends.js', 'fixclust/backends']) {
      await expect(startPool(module as unknown as URL)).rejects.toThrow(
        `backendModule must be an absolute URL, got "${module}"`,
      );
    }
  });

  it('names a backend module without backendCandidates', async () => {
    // A module of this package that exports something else.
    const other = new URL('../dist/run-claims.js', import.meta.url);
    const pool = await startPool(other);
    try {
      await expect(pool.ready()).rejects.toThrow(
        /backendModule .*run-claims\.js does not export a backendCandidates/,
      );
    } finally {
      await pool.close();
    }
  });

  it('does not keep Node.js running while idle', async () => {
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const script =
      `import { RunWorkerPool } from '${entry}';\n` +
      `const pool = await RunWorkerPool.start({ threads: 1, ` +
      `backend: 'wasm', backendModule: '${backendModule.href}' });\n` +
      `await pool.ready();\nconsole.log('ready');\n`;
    const folder = await mkdtemp(join(tmpdir(), 'fixclust-pool-'));
    try {
      const file = join(folder, 'idle-pool.mjs');
      await writeFile(file, script);
      const { stdout } = await promisify(execFile)(process.execPath, [file], {
        timeout: 20_000,
      });
      expect(stdout.trim()).toBe('ready');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
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
