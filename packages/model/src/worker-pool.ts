import type { Worker } from 'node:worker_threads';

import {
  assertIntegerInRange,
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  FixclustError,
  InvalidParameterError,
} from '@fixclust/core';

import { RunClaims, trainClaimedRuns } from './run-claims.js';
import type { RunOutcome, TrainingContext } from './train.js';
import {
  reviveError,
  shareData,
  type FitSetup,
  type ParentMessage,
  type PoolThreadData,
  type WorkerMessage,
} from './worker-messages.js';

/** Options of {@link RunWorkerPool.start}. */
export interface RunWorkerPoolOptions {
  /** Worker threads to start; at least 1. */
  threads: number;
  /**
   * Name of the backend every thread starts, which must be the backend of
   * the fits that use the pool (`backend.name` of `selectBackend`).
   */
  backend: string;
  /**
   * URL of an ES module that each thread imports to start the backend. It
   * must export `backendCandidates(requested?: string)`, returning
   * `BackendCandidate`s, as `fixclust/backends` does.
   */
  backendModule: string | URL;
}

/** Outcomes of the runs of a fit that a pool trained, in run order. */
export interface PoolRuns {
  runs: RunOutcome[];
  /** Cluster of every row of the fit's data under each run's best weights. */
  labels: Int32Array[];
}

interface PoolThread {
  worker: Worker;
  /** Settles once the thread has started its backend or failed to. */
  started: Promise<void>;
  /** Error that stopped the thread for good; undefined while it works. */
  lost?: Error | undefined;
  /** The fit under way on the thread, which receives its messages. */
  fit?: ThreadFit | undefined;
}

/** Handlers through which a fit receives one thread's messages and loss. */
interface ThreadFit {
  receive(message: WorkerMessage): void;
  lose(error: Error): void;
}

/**
 * Worker threads that train the runs of fits, each with its own copy of
 * the backend. Starting a thread costs loading TensorFlow.js and the
 * backend (a few tenths of a second), so a pool started early, while the
 * data loads, and kept across fits pays it once; pass it to
 * {@link FixedRepresentativeClustering.fit} as `pool`. Without one, a fit
 * with `workers` above 1 starts its own pool and closes it when it ends.
 *
 * In a fit, the calling thread and the pool's threads claim runs in run
 * order from a counter in shared memory, so no thread waits for another
 * to hand it work. Each thread labels the data with the runs it trained.
 * A fit goes to every thread at once and a thread takes it when its
 * backend is up. A thread that has not yet ended when every run has an
 * outcome has no run left to train, so the fit ends without it. A start failure that
 * arrives during a fit fails it; one that arrives later fails the pool's
 * next `ready` or fit.
 * An idle pool does not keep Node.js running; `close` ends its threads.
 * Node.js only: the pool loads `node:worker_threads` when it starts.
 */
export class RunWorkerPool {
  private busy = false;
  private closed = false;
  private fits = 0;
  /** Callers waiting on the threads; while above 0 they are referenced. */
  private waiting = 0;

  private constructor(
    private readonly threads: PoolThread[],
    /** Name of the backend the threads start. */
    readonly backend: string,
  ) {}

  /**
   * Starts the threads and returns without waiting for their backends,
   * which start while this thread goes on; {@link ready} waits for them.
   *
   * @throws InvalidParameterError when `options` is not an object or has
   * an unknown key, `threads` is not a positive integer, `backend` is not
   * a name, or `backendModule` is not an absolute URL.
   */
  static async start(options: RunWorkerPoolOptions): Promise<RunWorkerPool> {
    assertOptionsObject('options', options, true);
    assertKnownKeys('', options, ['threads', 'backend', 'backendModule']);
    assertIntegerInRange('threads', options.threads, 1);
    if (typeof options.backend !== 'string' || options.backend === '') {
      throw new InvalidParameterError(
        'backend',
        options.backend,
        `backend must be the name of the fits' backend, such as "wasm", ` +
          `got ${describeValue(options.backend)}`,
      );
    }
    // Loaded here, because a static import of a Node built-in fails in a
    // browser, where the rest of this package loads.
    const { Worker } = await import('node:worker_threads');
    const workerData: PoolThreadData = {
      backend: options.backend,
      backendModule: absoluteUrl(options.backendModule),
    };
    const threads = Array.from({ length: options.threads }, () =>
      startThread(new Worker(workerScript(), { workerData })),
    );
    return new RunWorkerPool(threads, options.backend);
  }

  /** Number of worker threads. */
  get size(): number {
    return this.threads.length;
  }

  /**
   * Resolves once every thread has started its backend.
   *
   * @throws the first thread's start error, such as a
   * BackendUnavailableError or a backend module that cannot be imported.
   */
  async ready(): Promise<void> {
    if (this.closed) throw closedError();
    this.hold();
    try {
      await Promise.all(this.threads.map((thread) => thread.started));
    } finally {
      this.release();
    }
  }

  /** Ends the threads. A fit under way fails, and later fits are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new FixclustError(
      'this worker pool was closed before its threads started or while ' +
        'they trained a fit; close the pool only after ready() and fit() end',
    );
    for (const thread of this.threads) thread.lost ??= closing;
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  /**
   * Trains the runs of `seeds` on this thread and `threads` of the pool's
   * threads, and returns the outcomes and labels in run order. Without an
   * abort these are all the runs. Once `context.signal` aborts, no further
   * run starts, and the runs under way stop after their current step and
   * are returned. The first run always starts.
   *
   * @throws InvalidParameterError when the pool is closed or training
   * another fit.
   * @throws FixclustError when one of its threads has stopped.
   * @throws the first error a run or a thread's start raises, rebuilt as
   * the fixclust error class of the same name, once the other runs under
   * way have stopped.
   *
   * @internal Called by `fit`, which builds the training context.
   */
  async train(
    context: TrainingContext,
    points: number[][],
    seeds: readonly number[],
    threads: number,
  ): Promise<PoolRuns> {
    this.assertAvailable();
    assertIntegerInRange('threads', threads, 1, this.size, 'the pool size');
    const used = this.threads.slice(0, threads);
    this.busy = true;
    this.fits += 1;
    this.hold();
    try {
      return await new PoolFit(this.fits, context, points, seeds).run(used);
    } finally {
      this.release();
      this.busy = false;
    }
  }

  /**
   * Keeps Node.js running while this thread waits on the pool's threads,
   * which are unreferenced otherwise; `release` ends each hold.
   */
  private hold(): void {
    if (this.waiting++ > 0) return;
    for (const thread of this.threads) thread.worker.ref();
  }

  private release(): void {
    if (--this.waiting > 0) return;
    for (const thread of this.threads) thread.worker.unref();
  }

  private assertAvailable(): void {
    if (this.closed) throw closedError();
    if (this.busy) {
      throw new InvalidParameterError(
        'pool',
        'busy',
        'this worker pool is training another fit; wait for it to end, ' +
          'or start a second pool',
      );
    }
    const lost = this.threads.find((thread) => thread.lost !== undefined);
    if (lost !== undefined) {
      throw new FixclustError(
        `a thread of this worker pool has stopped (${lost.lost!.message}); ` +
          'close the pool and start a new one',
      );
    }
  }
}

function closedError(): InvalidParameterError {
  return new InvalidParameterError(
    'pool',
    'closed',
    'this worker pool is closed; start a new one with RunWorkerPool.start',
  );
}

/**
 * Returns `module` as an absolute URL string, which a worker thread
 * imports the same way whatever its own location.
 *
 * @throws InvalidParameterError for a relative path or a bare package
 * name, which would resolve against fixclust's files, not the caller's.
 */
function absoluteUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  try {
    return new URL(module).href;
  } catch {
    const received =
      typeof module === 'string' ? `"${module}"` : describeValue(module);
    throw new InvalidParameterError(
      'backendModule',
      module,
      `backendModule must be an absolute URL, got ${received}; pass ` +
        `import.meta.resolve('fixclust/backends') or ` +
        `pathToFileURL(path).href`,
    );
  }
}

/** Wraps a new worker and follows its start, its messages and its end. */
function startThread(worker: Worker): PoolThread {
  const thread: PoolThread = {
    worker,
    started: Promise.resolve(),
  };
  thread.started = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        resolve();
      } else if (message.type === 'start-failed') {
        thread.lost ??= reviveError(message.error);
        reject(thread.lost);
      } else thread.fit?.receive(message);
    });
    const lose = (error: Error) => {
      thread.lost ??= error;
      reject(thread.lost);
      thread.fit?.lose(thread.lost);
    };
    worker.on('error', lose);
    worker.on('exit', (code) => {
      // Node.js exits with 13 when a module's top-level await never
      // settles, as the thread's backend start then does.
      const reason =
        code === 13 ? " because its backend's start never settled" : '';
      lose(new Error(`a run worker thread exited with code ${code}${reason}`));
    });
  });
  // A start failure is reported by the fit that needs the thread.
  thread.started.catch(() => {});
  // After the listeners, since adding a message listener refs the worker.
  worker.unref();
  return thread;
}

/** One fit on a pool: this thread's runs and the threads' messages. */
class PoolFit {
  private readonly claims: RunClaims;
  private readonly outcomes: RunOutcome[] = [];
  private readonly labels: Int32Array[] = [];
  /** Stops this thread's run when the fit stops. */
  private readonly controller = new AbortController();
  private threads: PoolThread[] = [];
  private failure: Error | undefined;
  /** Runs started before the fit stopped; undefined while it runs. */
  private started: number | undefined;
  /** Resolves once every run the fit started has an outcome. */
  private readonly complete: Promise<void>;
  private markComplete: () => void = () => {};

  /** The fit's context, with the data in memory every thread shares. */
  private readonly context: TrainingContext;

  constructor(
    private readonly id: number,
    context: TrainingContext,
    private readonly points: number[][],
    private readonly seeds: readonly number[],
  ) {
    this.claims = RunClaims.create(seeds.length);
    this.complete = new Promise((resolve) => (this.markComplete = resolve));
    // This thread trains on the shared copy as well, so the threads read
    // one copy of the data, not two. On USPS with 2 threads the fit took
    // 0.51-0.54 s that way and 0.56 s with two copies.
    this.context = { ...context, data: shareData(context.data) };
  }

  async run(threads: PoolThread[]): Promise<PoolRuns> {
    this.threads = threads;
    // Claims the first run before anything can stop the fit.
    const first = this.claims.take();
    const signal = this.context.signal;
    const abort = () => this.stop();
    if (signal?.aborted === true) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      // The fit goes to the threads before this thread starts its first
      // run, which keeps it busy up to the run's first step. Sent after
      // it, the pool's thread started 10-12 ms after this one on USPS (10
      // runs, km50, native), and the median of 15 fits was 614 ms, not
      // 590 ms.
      const setup = this.setup();
      const followed = Promise.all(
        threads.map((thread) => this.follow(thread, setup)),
      );
      const ownRuns = trainClaimedRuns(
        { ...this.context, signal: this.controller.signal },
        this.points,
        this.seeds,
        this.claims,
        (run, outcome, labels) => this.record(run, outcome, labels),
        first,
      ).catch((error: unknown) => this.fail(asError(error)));
      // Once every run has an outcome, no thread has a run left to train,
      // so the fit stops waiting for threads that have not ended. That
      // includes a thread whose backend never finishes starting.
      await Promise.all([ownRuns, Promise.race([followed, this.complete])]);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    if (this.failure !== undefined) throw this.failure;
    const count = this.started ?? this.seeds.length;
    return {
      runs: this.outcomes.slice(0, count),
      labels: this.labels.slice(0, count),
    };
  }

  private setup(): FitSetup {
    const {
      representatives: _representatives,
      signal: _signal,
      onEpochEnd: _onEpochEnd,
      startTime,
      ...portable
    } = this.context;
    return {
      fit: this.id,
      context: portable,
      points: this.points,
      seeds: [...this.seeds],
      claims: this.claims.buffer,
      startEpochMs: performance.timeOrigin + startTime,
    };
  }

  /**
   * Sends the fit to `thread` once it has started. Resolves when the thread
   * claims no more runs or is lost, and a loss fails the fit.
   */
  private follow(thread: PoolThread, setup: FitSetup): Promise<void> {
    return new Promise<void>((resolve) => {
      const end = (error?: Error) => {
        thread.fit = undefined;
        if (error !== undefined) this.fail(error);
        resolve();
      };
      thread.fit = {
        receive: (message) => {
          if (!('fit' in message) || message.fit !== this.id) return;
          if (message.type === 'ended') end();
          else this.receive(message);
        },
        lose: end,
      };
      // Sent at once, even to a thread whose ready message this thread has
      // not read yet. The worker takes it as soon as its backend is up.
      // This thread may be busy for a while, loading the data or training
      // its first run, before its event loop reads that message.
      send(thread.worker, { type: 'fit', ...setup });
      thread.started.catch(end);
    });
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'epoch':
        // A throwing callback fails the fit, as in sequential training,
        // instead of escaping from the worker's message event.
        try {
          this.context.onEpochEnd?.(message.progress);
        } catch (error) {
          this.fail(asError(error));
        }
        break;
      case 'done':
        this.record(message.run, message.outcome, message.labels);
        break;
      case 'failed':
        this.fail(reviveError(message.error));
        break;
    }
  }

  private record(run: number, outcome: RunOutcome, labels: Int32Array): void {
    this.outcomes[run] = outcome;
    this.labels[run] = labels;
    this.checkComplete();
  }

  /** Resolves `complete` when every run started has an outcome. */
  private checkComplete(): void {
    const count = this.started ?? this.seeds.length;
    for (let run = 0; run < count; run++) {
      if (this.outcomes[run] === undefined) return;
    }
    this.markComplete();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.stop();
  }

  /**
   * Lets no further run start, and stops the runs under way after their
   * current step.
   */
  private stop(): void {
    if (this.started !== undefined) return;
    this.started = this.claims.stop();
    this.checkComplete();
    this.controller.abort();
    for (const thread of this.threads) {
      if (thread.lost === undefined) {
        send(thread.worker, { type: 'abort', fit: this.id });
      }
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function send(worker: Worker, message: ParentMessage): void {
  worker.postMessage(message);
}

/**
 * Returns the URL of the worker entry. Under vitest the package runs from
 * its TypeScript sources, which a worker thread cannot load, so the built
 * file in `dist/` runs instead. `pnpm test` builds it first.
 */
function workerScript(): URL {
  const moduleUrl = import.meta.url;
  return moduleUrl.endsWith('.ts')
    ? new URL('../dist/run-worker.js', moduleUrl)
    : new URL('./run-worker.js', moduleUrl);
}
