import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { assertIntegerInRange } from '@fixclust/core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import { describeCell, runInChild } from '../bench/runner.js';
import { DEEP_METHODS, type BenchCell } from '../bench/types.js';
import type { Output } from '../output.js';
import { formatSeconds } from '../report.js';
import { prepareWritableFolder } from '../summary.js';
import {
  assertQueueName,
  assertRedisUrl,
  authFailure,
  connectRedis,
  isAuthFailure,
  redactUrl,
  redisFailure,
} from './connection.js';
import { cellKey } from './grid.js';
import {
  DEFAULT_QUEUE,
  hasResult,
  storeResult,
  type StoredResult,
} from './store.js';

/** Options of `fixclust worker`, as parsed from the command line. */
export interface WorkerCommandOptions {
  redis: string;
  queue?: string;
  /** Cells this worker runs at the same time. Default: 1. */
  concurrency?: number;
  /** Folder of the saved models. Default: `sweep-models`. */
  models?: string;
  /**
   * Milliseconds a job stays locked to this worker without a renewal;
   * after that, another worker may take it. Default: 30000.
   */
  lockDuration?: number;
  /** Milliseconds between checks for jobs of lost workers. Default: 30000. */
  stalledInterval?: number;
}

/** Return value of a job, as BullMQ stores it. */
interface JobOutcome {
  key: string;
  /** False when another attempt had stored the cell's result first. */
  stored: boolean;
}

/** Exit status after a second SIGINT or SIGTERM, as for an interrupt. */
const INTERRUPTED = 130;

/**
 * Runs `fixclust worker`: takes sweep jobs from the queue until SIGINT or
 * SIGTERM, runs each cell in a child process, saves deep presets' models
 * under `--models` and stores each result once in Redis. A job whose
 * cell fails is retried up to the attempts it was queued with. The job
 * of a worker that stops without closing (a crash, a lost machine) goes
 * back to the queue after its lock expires; see {@link reportEvents}.
 *
 * The first signal lets the running cells finish. A second one ends the
 * cells' processes and exits this process with status 130 at once,
 * because BullMQ's timers would keep it running. Its jobs go back to the
 * queue once their locks expire. Every log line starts with an ISO 8601
 * time.
 *
 * @throws InvalidParameterError for an invalid option, URL, queue name or
 * `--models` folder, before Redis is reached.
 * @throws FixclustError when Redis rejects the password.
 */
export async function workerCommand(
  options: WorkerCommandOptions,
  output: Output,
): Promise<number> {
  const log = timestamped(output);
  const settings = workerSettings(options);
  const queue = options.queue ?? DEFAULT_QUEUE;
  assertQueueName(queue);
  assertRedisUrl(options.redis);
  const models = resolve(options.models ?? 'sweep-models');
  await prepareWritableFolder(models, 'models');

  const name = `${hostname()}:${process.pid}`;
  const redis = connectRedis(options.redis, true);
  const context: JobContext = {
    redis,
    queue,
    name,
    models,
    output: log,
    running: new Map(),
    cells: new AbortController(),
  };
  let worker: Worker<BenchCell, JobOutcome>;
  try {
    worker = new Worker<BenchCell, JobOutcome>(
      queue,
      (job) => processJob(job, context),
      { connection: redis, name, ...settings },
    );
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  reportEvents(worker, log, options.redis);
  // Logged once connected, so a worker that Redis rejects never reports
  // that it takes jobs.
  worker.once('ready', () => {
    log.error(`worker ${name} takes jobs from ${queue}`);
  });
  return stopWorker(worker, context, options.redis, settings.lockDuration);
}

/** BullMQ settings of the worker, checked. */
function workerSettings(options: WorkerCommandOptions) {
  const concurrency = options.concurrency ?? 1;
  const lockDuration = options.lockDuration ?? 30_000;
  const stalledInterval = options.stalledInterval ?? 30_000;
  assertIntegerInRange('--concurrency', concurrency, 1);
  assertIntegerInRange('--lock-duration', lockDuration, 100);
  assertIntegerInRange('--stalled-interval', stalledInterval, 100);
  return { concurrency, lockDuration, stalledInterval };
}

/**
 * Waits for a signal or a rejected password, then closes the worker: after
 * its current jobs, or at once on a second signal.
 */
async function stopWorker(
  worker: Worker<BenchCell, JobOutcome>,
  context: JobContext,
  url: string,
  lockDuration: number,
): Promise<number> {
  const { redis, name, output } = context;
  const signal = untilSignal();
  const stop = await Promise.race([signal.received, untilAuthFailure(worker)]);
  if (stop !== undefined) {
    signal.cancel();
    redis.disconnect();
    await worker.close(true);
    throw authFailure(stop, url);
  }
  if (redis.status !== 'ready') {
    // Nothing can run or be stored without Redis, so nothing is waited for.
    output.error(`worker ${name} stopping; Redis at ${redactUrl(url)} is down`);
    redis.disconnect();
    await worker.close(true);
    return 0;
  }

  output.error(
    `worker ${name} stopping after its current jobs; send SIGINT or ` +
      'SIGTERM again to stop at once',
  );
  const again = untilSignal();
  const closed = worker.close().then(() => true);
  if (await Promise.race([closed, again.received.then(() => false)])) {
    again.cancel();
    redis.disconnect();
    return 0;
  }
  const jobs = [...context.running.keys()];
  const fate =
    jobs.length === 0
      ? 'no job was running'
      : `job ${jobs.join(', ')} goes back to the queue at the first ` +
        `stalled-job check after its lock expires (${lockDuration} ms)`;
  output.error(`worker ${name} stopping now; ${fate}`);
  context.cells.abort();
  process.exit(INTERRUPTED);
}

interface JobContext {
  redis: Redis;
  queue: string;
  name: string;
  models: string;
  output: Output;
  /** Jobs being run, by id, with the process id of each cell. */
  running: Map<string, number | undefined>;
  /** Aborting it ends the processes of the running cells. */
  cells: AbortController;
}

async function processJob(
  job: Job<BenchCell, JobOutcome>,
  context: JobContext,
): Promise<JobOutcome> {
  const cell = job.data;
  const key = cellKey(cell);
  // BullMQ counts every start of the job, including a restart after a lost
  // worker, and does not reset the count when a failed cell is queued
  // again. The failure lines count the tries that `--attempts` allows.
  const attempt = job.attemptsStarted;
  const label = `job ${job.id} (${describeCell(cell)}), start ${attempt}`;
  if (await hasResult(context.redis, context.queue, key)) {
    context.output.error(`${label}: result already stored, skipped`);
    return { key, stored: false };
  }

  const startedAt = new Date();
  const modelPath = DEEP_METHODS.includes(cell.method)
    ? join(context.models, key)
    : undefined;
  const id = job.id ?? key;
  context.running.set(id, undefined);
  const rows = await runInChild(cell, modelPath, {
    signal: context.cells.signal,
    onSpawn: (pid) => {
      context.running.set(id, pid);
      context.output.error(`${label}: started in process ${pid}`);
    },
  }).finally(() => context.running.delete(id));
  const finishedAt = new Date();
  const result: StoredResult = {
    schemaVersion: 1,
    key,
    cell,
    rows,
    attempt,
    worker: context.name,
    model:
      modelPath === undefined ? null : { host: hostname(), path: modelPath },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
  };
  const stored = await storeResult(context.redis, context.queue, result);
  const took = formatSeconds(finishedAt.getTime() - startedAt.getTime());
  const note = stored ? 'stored' : 'another attempt had stored it first';
  context.output.error(`${label}: done in ${took}, ${note}`);
  return { key, stored };
}

/** Shortest gap between two reports of the same worker error. */
const ERROR_REPEAT_MS = 30_000;

/**
 * Logs failed attempts, worker errors and requeued jobs. BullMQ 6.7
 * requeues the job of a lost worker in a stalled-job check once its lock
 * has expired and an earlier check has marked it as possibly stalled. A
 * live worker's lock renewal clears that mark.
 */
function reportEvents(worker: Worker, output: Output, url: string): void {
  worker.on('failed', (job, error) => {
    output.error(describeFailure(job, error));
  });
  // A lost connection raises the same error every second or two while
  // ioredis retries, so each message is reported again only after a pause.
  const reported = new Map<string, number>();
  worker.on('error', (error) => {
    // untilAuthFailure stops the worker on a rejected password and
    // reports it, so it is not logged here as well.
    if (isAuthFailure(error)) return;
    const now = Date.now();
    const last = reported.get(error.message);
    if (last !== undefined && now - last < ERROR_REPEAT_MS) return;
    reported.set(error.message, now);
    const failure = redisFailure(error, url);
    const text =
      failure === error
        ? ` (Redis at ${redactUrl(url)}): ${error.message}`
        : `: ${(failure as Error).message}`;
    output.error(`worker error${text}`);
  });
  worker.on('stalled', (jobId) => {
    output.error(`job ${jobId} stalled (its worker was lost); requeued`);
  });
}

/** Describes a failed attempt, and names the job's last one as such. */
function describeFailure(job: Job | undefined, error: Error): string {
  if (job === undefined) return `a job failed: ${error.message}`;
  const attempts = job.opts.attempts ?? 1;
  const head = `job ${job.id} (${describeCell(job.data as BenchCell)}) failed`;
  if (job.attemptsMade < attempts) {
    const wait = job.delay > 0 ? `in ${formatSeconds(job.delay)}` : 'now';
    return (
      `${head}: ${error.message}; attempt ${job.attemptsMade} of ` +
      `${attempts}, the next starts ${wait}`
    );
  }
  return (
    `${head} on its last attempt (${job.attemptsMade} of ${attempts}): ` +
    `${error.message}; sweep --grid with its grid queues it again`
  );
}

/** Wraps `output` so that every line starts with the ISO 8601 time. */
function timestamped(output: Output): Output {
  const stamp = (line: string) => `${new Date().toISOString()} ${line}`;
  return {
    log: (line) => output.log(stamp(line)),
    error: (line) => output.error(stamp(line)),
  };
}

/** Resolves with the first error of `worker` that is a rejected password. */
function untilAuthFailure(worker: Worker): Promise<Error> {
  return new Promise((resolvePromise) => {
    const check = (error: Error) => {
      if (!isAuthFailure(error)) return;
      worker.off('error', check);
      resolvePromise(error);
    };
    worker.on('error', check);
  });
}

/**
 * Waits for SIGINT or SIGTERM. `received` resolves to undefined on the
 * first one; `cancel` removes the handlers.
 */
function untilSignal(): { received: Promise<undefined>; cancel(): void } {
  let stop = () => {};
  const cancel = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  const received = new Promise<undefined>((resolvePromise) => {
    stop = () => {
      cancel();
      resolvePromise(undefined);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { received, cancel };
}
