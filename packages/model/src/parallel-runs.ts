import type { Worker } from 'node:worker_threads';

import {
  assertIntegerInRange,
  InvalidParameterError,
  type Random,
} from '@fixclust/core';

import type { ResolvedOptions } from './options.js';
import { trainRun, type RunOutcome, type TrainingContext } from './train.js';
import {
  reviveError,
  shareData,
  type ParentMessage,
  type RunWorkerData,
  type WorkerMessage,
} from './worker-messages.js';

/** Options of {@link FixedRepresentativeClustering.fit} for parallel runs. */
export interface ParallelFitOptions {
  /**
   * Threads that train runs at the same time: this one and `workers - 1`
   * worker threads, at most `nRuns` in all. Each run keeps its own seed,
   * drawn in run order from the fit's generator, so the result equals
   * that of sequential training on the same backend. With
   * `shareOptimizerState` the runs depend on each other and train one
   * after another in this thread whatever the value. Default: 1, every
   * run in this thread.
   */
  workers?: number;
  /**
   * URL of an ES module that each worker imports to start the backend.
   * It must export `backendCandidates(requested?: string)`, returning
   * `BackendCandidate`s, as `fixclust/backends` does; the worker starts
   * the candidate named like the parent's backend (`backend.name`, or
   * the active tfjs backend). Required when more than one worker starts.
   */
  backendModule?: string | URL;
}

/** Settings of `trainRunsInWorkers` besides the training context. */
export interface WorkerPlan {
  /** Threads that train runs, this one included; at least 2. */
  workers: number;
  backend: string;
  backendModule: string;
  points: number[][];
}

/**
 * Returns how many worker threads a fit starts: `workers` capped at
 * `nRuns`, or 1 when the runs share one optimizer state.
 *
 * @throws InvalidParameterError when `workers` is not a positive integer.
 */
export function workerCount(
  options: ResolvedOptions,
  fitOptions: ParallelFitOptions,
): number {
  const workers = fitOptions.workers ?? 1;
  assertIntegerInRange('workers', workers, 1);
  if (options.shareOptimizerState) return 1;
  return Math.min(workers, options.nRuns);
}

/**
 * Builds the plan of a parallel fit.
 *
 * @throws InvalidParameterError without `backendModule`.
 */
export function workerPlan(
  workers: number,
  fitOptions: ParallelFitOptions,
  backend: string,
  points: number[][],
): WorkerPlan {
  const module = fitOptions.backendModule;
  if (module === undefined) {
    throw new InvalidParameterError(
      'backendModule',
      undefined,
      `workers is ${workers}, so each worker thread must start a backend; ` +
        `pass backendModule, the URL of a module exporting ` +
        `backendCandidates(), or set workers to 1`,
    );
  }
  return { workers, backend, backendModule: String(module), points };
}

/** Draws one seed per run, in run order, as sequential training does. */
export function runSeeds(random: Random, nRuns: number): number[] {
  return Array.from({ length: nRuns }, () => random.nextSeed());
}

/**
 * Trains the runs of `seeds` on `plan.workers` threads: this one and
 * `plan.workers - 1` worker threads, each worker with its own copy of the
 * backend. Each thread takes the next run in run order when it is free.
 * Returns the outcomes in run order.
 *
 * The data is copied once into shared memory that every worker reads.
 * Progress reaches `context.onEpochEnd` as each thread reports it, so runs
 * interleave. As in sequential training, the first run always starts, and
 * no further run starts once `context.signal` is aborted. The runs under
 * way then stop after their current step.
 *
 * @throws the first error a run raises; a worker's error is rebuilt as the
 * fixclust error class of the same name. The workers are stopped first.
 */
export async function trainRunsInWorkers(
  context: TrainingContext,
  seeds: readonly number[],
  plan: WorkerPlan,
): Promise<RunOutcome[]> {
  // Loaded here, because a static import of a Node built-in fails in a
  // browser, where the rest of this module loads.
  const threads = await import('node:worker_threads');
  const workerData = portableSetup(context, plan);
  const workers = Array.from(
    { length: plan.workers - 1 },
    () => new threads.Worker(workerScript(), { workerData }),
  );
  try {
    return await new RunPool(seeds, context).run(workers);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function portableSetup(
  context: TrainingContext,
  plan: WorkerPlan,
): RunWorkerData {
  const {
    representatives: _representatives,
    signal: _signal,
    onEpochEnd: _onEpochEnd,
    startTime,
    ...portable
  } = context;
  return {
    backend: plan.backend,
    backendModule: plan.backendModule,
    context: { ...portable, data: shareData(context.data) },
    points: plan.points,
    startEpochMs: performance.timeOrigin + startTime,
  };
}

/**
 * URL of the worker entry. Under vitest the package runs from its
 * TypeScript sources, which a worker thread cannot load, so the built
 * file in `dist/` runs instead; `pnpm test` builds it first.
 */
function workerScript(): URL {
  const moduleUrl = import.meta.url;
  return moduleUrl.endsWith('.ts')
    ? new URL('../dist/run-worker.js', moduleUrl)
    : new URL('./run-worker.js', moduleUrl);
}

/**
 * Hands runs in run order to this thread and to idle workers, and collects
 * the outcomes.
 */
class RunPool {
  private readonly outcomes: RunOutcome[] = [];
  private next = 0;
  private finished = 0;
  /** Workers that have started their backend. */
  private ready = 0;
  private workers = 0;
  private failure: Error | undefined;
  private settle = { resolve: () => {}, reject: (_error: Error) => {} };

  constructor(
    private readonly seeds: readonly number[],
    private readonly context: TrainingContext,
  ) {}

  async run(workers: Worker[]): Promise<RunOutcome[]> {
    const allDone = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Rejections are awaited below, after this thread's own runs.
    allDone.catch(() => {});
    const abort = () => {
      for (const worker of workers) send(worker, { type: 'abort' });
    };
    this.context.signal?.addEventListener('abort', abort, { once: true });
    this.workers = workers.length;
    for (const worker of workers) this.listen(worker);
    try {
      await this.trainHere();
      await allDone;
    } finally {
      this.context.signal?.removeEventListener('abort', abort);
    }
    return this.outcomes.slice(0, this.next);
  }

  /** Trains runs on this thread until none is left. */
  private async trainHere(): Promise<void> {
    for (let run = this.take(); run !== undefined; run = this.take()) {
      try {
        const seed = this.seeds[run]!;
        this.outcomes[run] = await trainRun(this.context, run, seed);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      this.complete();
    }
    this.resolveWhenDone();
  }

  private listen(worker: Worker): void {
    worker.on('message', (message: WorkerMessage) => {
      this.receive(worker, message);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.finished < this.next) {
        this.fail(
          new Error(
            `a run worker thread exited with code ${code} before its run ended`,
          ),
        );
      }
    });
  }

  private receive(worker: Worker, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready += 1;
        this.dispatch(worker);
        this.resolveWhenDone();
        break;
      case 'epoch':
        this.context.onEpochEnd?.(message.progress);
        break;
      case 'done':
        this.outcomes[message.run] = message.outcome;
        this.complete();
        this.dispatch(worker);
        break;
      case 'failed':
        this.fail(reviveError(message.error));
        break;
    }
  }

  /**
   * Returns the next run to train, or undefined when none is left, a run
   * failed, or the signal was aborted after the first run started.
   */
  private take(): number | undefined {
    const aborted = this.context.signal?.aborted === true;
    const stopped = this.failure !== undefined || (aborted && this.next > 0);
    if (stopped || this.next >= this.seeds.length) return undefined;
    this.next += 1;
    return this.next - 1;
  }

  private dispatch(worker: Worker): void {
    const run = this.take();
    if (run === undefined) return;
    // A signal aborted before the workers started never fires its event.
    if (this.context.signal?.aborted === true) send(worker, { type: 'abort' });
    send(worker, { type: 'run', run, seed: this.seeds[run]! });
  }

  private complete(): void {
    this.finished += 1;
    this.resolveWhenDone();
  }

  /**
   * Resolves the pool once no run is left or under way and every worker
   * has started, so that a worker that cannot start its backend fails the
   * fit even when this thread trained every run.
   */
  private resolveWhenDone(): void {
    const noneLeft =
      this.next >= this.seeds.length || this.context.signal?.aborted === true;
    const started = this.ready === this.workers;
    if (noneLeft && started && this.finished === this.next) {
      this.settle.resolve();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle.reject(this.failure);
  }
}

function send(worker: Worker, message: ParentMessage): void {
  worker.postMessage(message);
}
