import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import { assertIntegerInRange } from '@fixclust/core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import { describeCell, runInChild } from '../bench/runner.js';
import { DEEP_METHODS, type BenchCell } from '../bench/types.js';
import type { Output } from '../output.js';
import { formatSeconds } from '../report.js';
import { cellKey } from './grid.js';
import {
  connectRedis,
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

/**
 * Runs `fixclust worker`: takes sweep jobs from the queue until SIGINT or
 * SIGTERM, runs each cell in a child process, saves deep presets' models
 * under `--models` and stores each result once in Redis. A job whose
 * cell fails is retried up to the attempts it was queued with. The job
 * of a worker that stops without closing (a crash, a lost machine) is
 * locked for `lockDuration`, then moved back to the queue by the next
 * stalled-job check of any worker.
 */
export async function workerCommand(
  options: WorkerCommandOptions,
  output: Output,
): Promise<number> {
  const concurrency = options.concurrency ?? 1;
  const lockDuration = options.lockDuration ?? 30_000;
  const stalledInterval = options.stalledInterval ?? 30_000;
  assertIntegerInRange('--concurrency', concurrency, 1);
  assertIntegerInRange('--lock-duration', lockDuration, 100);
  assertIntegerInRange('--stalled-interval', stalledInterval, 100);
  const queue = options.queue ?? DEFAULT_QUEUE;
  const name = `${hostname()}:${process.pid}`;
  const redis = connectRedis(options.redis, true);
  const context = {
    redis,
    queue,
    name,
    models: resolve(options.models ?? 'sweep-models'),
    output,
  };

  const worker = new Worker<BenchCell, JobOutcome>(
    queue,
    (job) => processJob(job, context),
    {
      connection: redis,
      name,
      concurrency,
      lockDuration,
      stalledInterval,
    },
  );
  reportEvents(worker, output, options.redis);
  output.error(`worker ${name} takes jobs from ${queue}`);
  await untilStopped();
  if (redis.status !== 'ready') {
    // Nothing can run or be stored without Redis, so nothing is waited for.
    output.error(`worker ${name} stopping; Redis at ${options.redis} is down`);
    redis.disconnect();
    await worker.close(true);
    return 0;
  }
  output.error(`worker ${name} stopping after its current jobs`);
  // A second signal stops at once, without waiting for the jobs.
  await Promise.race([worker.close(), untilStopped()]);
  redis.disconnect();
  return 0;
}

interface JobContext {
  redis: Redis;
  queue: string;
  name: string;
  models: string;
  output: Output;
}

async function processJob(
  job: Job<BenchCell, JobOutcome>,
  context: JobContext,
): Promise<JobOutcome> {
  const cell = job.data;
  const key = cellKey(cell);
  const attempt = job.attemptsStarted;
  const label = `job ${job.id} (${describeCell(cell)}), attempt ${attempt}`;
  if (await hasResult(context.redis, context.queue, key)) {
    context.output.error(`${label}: result already stored, skipped`);
    return { key, stored: false };
  }
  context.output.error(`${label}: started`);

  const startedAt = new Date();
  const modelPath = DEEP_METHODS.includes(cell.method)
    ? join(context.models, key)
    : undefined;
  const rows = await runInChild(cell, modelPath);
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

function reportEvents(worker: Worker, output: Output, url: string): void {
  worker.on('failed', (job, error) => {
    const id = job?.id ?? 'unknown';
    const tries =
      job === undefined ? '' : `, ${job.attemptsMade} failed so far`;
    output.error(`job ${id} failed: ${error.message}${tries}`);
  });
  // A lost connection raises the same error every second or two while
  // ioredis retries, so each message is reported again only after a pause.
  const reported = new Map<string, number>();
  worker.on('error', (error) => {
    const now = Date.now();
    const last = reported.get(error.message);
    if (last !== undefined && now - last < ERROR_REPEAT_MS) return;
    reported.set(error.message, now);
    output.error(`worker error (Redis at ${url}): ${error.message}`);
  });
  worker.on('stalled', (jobId) => {
    output.error(`job ${jobId} stalled (its worker was lost); requeued`);
  });
}

function untilStopped(): Promise<void> {
  return new Promise((resolvePromise) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
