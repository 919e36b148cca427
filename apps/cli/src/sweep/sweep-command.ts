import { join } from 'node:path';

import {
  assertIntegerInRange,
  countOf,
  InvalidParameterError,
} from '@fixclust/core';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

import {
  machineDescription,
  writeBenchRecord,
  type BenchRecord,
} from '../bench/report.js';
import { describeCell } from '../bench/runner.js';
import type { BenchCell } from '../bench/types.js';
import type { Output } from '../output.js';
import { writeBenchReport } from '../report-command.js';
import { prepareWritableFolder, removeEmptyFolders } from '../summary.js';
import {
  assertQueueName,
  assertRedisUrl,
  connectRedis,
  redactArguments,
  redactUrl,
  redisFailure,
} from './connection.js';
import { cellKey, readGridFile } from './grid.js';
import { DEFAULT_QUEUE, isQueueUsed, readResults } from './store.js';

/** Options of `fixclust sweep`, as parsed from the command line. */
export interface SweepCommandOptions {
  grid?: string;
  redis: string;
  queue?: string;
  /** Tries per cell, the first included. Default: 3. */
  attempts?: number;
  /**
   * Milliseconds before the second try of a failed cell, doubled for each
   * later try; 0 retries at once. Default: 10000.
   */
  backoff?: number;
  collect?: boolean;
  /** Folder of the collected table. Default: `sweep-results`. */
  out?: string;
}

/** BullMQ options of every queued job but its id. */
type JobSettings = Pick<JobsOptions, 'attempts' | 'backoff'>;

/**
 * Runs `fixclust sweep`. With `--grid`, it queues one BullMQ job per cell,
 * with the cell's key as job id, so a cell queued twice runs once, and
 * queues the failed jobs of the grid's cells again. With `--collect`, it
 * writes the stored results as `benchmarks.md`, `.json`, `.csv` and
 * `.html`, and returns 1 when a cell failed, 0 otherwise. Every path
 * closes the Redis connection.
 *
 * @throws InvalidParameterError unless exactly one of `--grid` and
 * `--collect` is given, for an invalid grid file, queue name, URL or
 * `--out` folder, before Redis is reached, and for `--collect` on a queue
 * with no jobs and no results.
 */
export async function sweepCommand(
  options: SweepCommandOptions,
  argv: readonly string[],
  output: Output,
): Promise<number> {
  const collect = options.collect === true;
  if (collect === (options.grid !== undefined)) {
    throw new InvalidParameterError(
      '--grid',
      options.grid,
      'pass either --grid FILE to queue a sweep or --collect to build its ' +
        'table, not both or neither',
    );
  }
  const settings = jobSettings(options);
  const name = options.queue ?? DEFAULT_QUEUE;
  assertQueueName(name);
  assertRedisUrl(options.redis);
  // The grid and the folder are checked before Redis is reached, so they
  // fail the same way with or without a server.
  const cells = collect ? [] : await readGridFile(options.grid!);
  const out = options.out ?? 'sweep-results';
  const created = collect ? await prepareWritableFolder(out, 'out') : [];

  const redis = connectRedis(options.redis, false);
  try {
    if (collect) {
      return await collectSweep(redis, name, options.redis, argv, out, output);
    }
    await withQueue(redis, name, (queue) =>
      enqueueCells(queue, cells, settings, output),
    );
    return 0;
  } catch (error) {
    removeEmptyFolders(created);
    throw redisFailure(error, options.redis);
  } finally {
    redis.disconnect();
  }
}

function jobSettings(options: SweepCommandOptions): JobSettings {
  const attempts = options.attempts ?? 3;
  const backoff = options.backoff ?? 10_000;
  assertIntegerInRange('--attempts', attempts, 1);
  assertIntegerInRange('--backoff', backoff, 0);
  if (backoff === 0) return { attempts };
  return { attempts, backoff: { type: 'exponential', delay: backoff } };
}

/** Runs `work` on a BullMQ queue over `redis` and closes the queue. */
async function withQueue<T>(
  redis: Redis,
  name: string,
  work: (queue: Queue<BenchCell>) => Promise<T>,
): Promise<T> {
  const queue = new Queue<BenchCell>(name, { connection: redis });
  // Connection errors surface from the calls in `work`; without a
  // listener BullMQ would also print each one with its stack.
  queue.on('error', () => {});
  try {
    return await work(queue);
  } finally {
    await queue.close();
  }
}

/**
 * Adds a job for each cell without one. A failed job is replaced by a new
 * one with `settings`, so it gets this command's `attempts` tries and
 * backoff, not those it was first queued with.
 */
async function enqueueCells(
  queue: Queue<BenchCell>,
  cells: readonly BenchCell[],
  settings: JobSettings,
  output: Output,
): Promise<void> {
  const byKey = new Map(cells.map((cell) => [cellKey(cell), cell]));
  const keys = [...byKey.keys()];
  const states = await Promise.all(keys.map((key) => queue.getJobState(key)));
  const fresh = keys.filter((_, i) => states[i] === 'unknown');
  const failed = keys.filter((_, i) => states[i] === 'failed');

  // Removing a failed job races with no worker, because none takes it.
  // The new job keeps the key under which its result is stored.
  for (const key of failed) await (await queue.getJob(key))?.remove();
  await queue.addBulk(
    [...fresh, ...failed].map((key) => ({
      name: byKey.get(key)!.method,
      data: byKey.get(key)!,
      opts: { jobId: key, ...settings },
    })),
  );

  const existing = keys.length - fresh.length - failed.length;
  output.error(
    `queued ${countOf(keys.length, 'cell')} on ${queue.name}: ` +
      `${fresh.length} new, ${countOf(failed.length, 'failed cell')} ` +
      `queued again, ${existing} already queued, running or done`,
  );
}

async function collectSweep(
  redis: Redis,
  name: string,
  url: string,
  argv: readonly string[],
  out: string,
  output: Output,
): Promise<number> {
  if (!(await isQueueUsed(redis, name))) {
    throw new InvalidParameterError(
      '--queue',
      name,
      `queue "${name}" on Redis at ${redactUrl(url)} has no jobs and no ` +
        'stored results; check --queue, or queue a grid with sweep --grid',
    );
  }
  const results = await readResults(redis, name);
  const names = new Map(results.map((r) => [r, describeCell(r.cell)]));
  results.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!));
  const { failures, counts } = await withQueue(redis, name, async (queue) => {
    const failed = await queue.getFailed();
    return {
      failures: failed.map(
        (job) => `${describeCell(job.data)}: ${job.failedReason}`,
      ),
      counts: await queue.getJobCounts('waiting', 'active', 'delayed'),
    };
  });
  const record: BenchRecord = {
    schemaVersion: 1,
    command: `fixclust ${redactArguments(argv.slice(2)).join(' ')}`,
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    rows: results.flatMap((result) => result.rows),
    failures,
  };
  await writeBenchRecord(out, record);
  await writeBenchReport(out, record);
  output.error(
    `wrote ${record.rows.length} rows of ${results.length} cells to ` +
      `${join(out, 'benchmarks.md')}, .json, .csv and .html; ${failures.length} ` +
      `failed, ${counts['waiting'] ?? 0} waiting, ${counts['active'] ?? 0} ` +
      `running, ${counts['delayed'] ?? 0} waiting to retry`,
  );
  return failures.length === 0 ? 0 : 1;
}
