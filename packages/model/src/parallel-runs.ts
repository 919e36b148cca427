import {
  assertIntegerInRange,
  InvalidParameterError,
  type Random,
} from '@fixclust/core';

import type { ResolvedOptions } from './options.js';
import type { TrainingContext } from './train.js';
import { RunWorkerPool, type PoolRuns } from './worker-pool.js';

/** Options of {@link FixedRepresentativeClustering.fit} for parallel runs. */
export interface ParallelFitOptions {
  /**
   * Threads that train runs at the same time: this one and `workers - 1`
   * worker threads, at most `nRuns` in all. Each run keeps its own seed,
   * drawn in run order from the fit's generator, so the result equals
   * that of sequential training on the same backend. With
   * `shareOptimizerState` the runs depend on each other and train one
   * after another in this thread whatever the value. Default: 1, every
   * run in this thread; with `pool`, the pool's size plus one.
   */
  workers?: number;
  /**
   * URL of an ES module that each worker imports to start the backend.
   * It must export `backendCandidates(requested?: string)`, returning
   * `BackendCandidate`s, as `fixclust/backends` does; the worker starts
   * the candidate named like the parent's backend (`backend.name`, or
   * the active tfjs backend). Required when more than one worker starts
   * and no `pool` is given.
   */
  backendModule?: string | URL;
  /**
   * Worker threads started beforehand, whose start the fit then does not
   * wait for; the fit uses `workers - 1` of them. Their backend must be
   * the fit's. Give either `pool` or `backendModule`.
   */
  pool?: RunWorkerPool;
}

/** Settings of `trainRunsInWorkers` besides the training context. */
export interface WorkerPlan {
  /** Threads that train runs, this one included; at least 2. */
  workers: number;
  /** The pool to train on, or how to start one for this fit. */
  threads: RunWorkerPool | { backend: string; backendModule: string };
  points: number[][];
}

/**
 * Returns how many threads train the runs of a fit: `workers` capped at
 * `nRuns`, or 1 when the runs share one optimizer state.
 *
 * @throws InvalidParameterError when `workers` is not a positive integer
 * or exceeds the threads of `pool` plus this one.
 */
export function workerCount(
  options: ResolvedOptions,
  fitOptions: ParallelFitOptions,
): number {
  const pool = fitOptions.pool;
  const workers =
    fitOptions.workers ?? (pool === undefined ? 1 : pool.size + 1);
  assertIntegerInRange('workers', workers, 1);
  if (pool !== undefined && workers - 1 > pool.size) {
    throw new InvalidParameterError(
      'workers',
      workers,
      `workers is ${workers}, but the pool has ${pool.size} thread(s) ` +
        `besides this one; pass at most ${pool.size + 1} or a larger pool`,
    );
  }
  if (options.shareOptimizerState) return 1;
  return Math.min(workers, options.nRuns);
}

/**
 * Builds the plan of a parallel fit.
 *
 * @throws InvalidParameterError without `backendModule` or `pool`, with
 * both, or with a pool whose backend is not `backend`.
 */
export function workerPlan(
  workers: number,
  fitOptions: ParallelFitOptions,
  backend: string,
  points: number[][],
): WorkerPlan {
  const { pool, backendModule } = fitOptions;
  if (pool !== undefined && backendModule !== undefined) {
    throw new InvalidParameterError(
      'backendModule',
      String(backendModule),
      "the pool's threads have started their backend already; give " +
        'either pool or backendModule, not both',
    );
  }
  if (pool !== undefined) {
    if (pool.backend !== backend) {
      throw new InvalidParameterError(
        'pool',
        pool.backend,
        `the pool's threads run the ${pool.backend} backend, but this fit ` +
          `runs on ${backend}; start the pool with the fit's backend`,
      );
    }
    return { workers, threads: pool, points };
  }
  if (backendModule === undefined) {
    throw new InvalidParameterError(
      'backendModule',
      undefined,
      `workers is ${workers}, so each worker thread must start a backend; ` +
        `pass backendModule, the URL of a module exporting ` +
        `backendCandidates(), or a started pool, or set workers to 1`,
    );
  }
  return {
    workers,
    threads: { backend, backendModule: String(backendModule) },
    points,
  };
}

/** Draws one seed per run, in run order, as sequential training does. */
export function runSeeds(random: Random, nRuns: number): number[] {
  return Array.from({ length: nRuns }, () => random.nextSeed());
}

/**
 * Trains the runs of `seeds` on `plan.workers` threads: this one and
 * `plan.workers - 1` threads of the plan's pool, or of a pool started for
 * this fit and closed after it. Returns the outcomes and labels in run
 * order; see {@link RunWorkerPool.train}.
 */
export async function trainRunsInWorkers(
  context: TrainingContext,
  seeds: readonly number[],
  plan: WorkerPlan,
): Promise<PoolRuns> {
  const threads = plan.workers - 1;
  if (plan.threads instanceof RunWorkerPool) {
    return plan.threads.train(context, plan.points, seeds, threads);
  }
  const pool = await RunWorkerPool.start({ ...plan.threads, threads });
  try {
    return await pool.train(context, plan.points, seeds, threads);
  } finally {
    await pool.close();
  }
}
