import { join } from 'node:path';

import { assertIntegerInRange, InvalidParameterError } from '@fixclust/core';
import { Queue } from 'bullmq';

import {
  machineDescription,
  writeBenchRecord,
  type BenchRecord,
} from '../bench/report.js';
import { describeCell } from '../bench/runner.js';
import type { BenchCell } from '../bench/types.js';
import type { Output } from '../output.js';
import { writeBenchReport } from '../report-command.js';
import { cellKey, readGridFile } from './grid.js';
import {
  connectRedis,
  DEFAULT_QUEUE,
  readResults,
  redisFailure,
} from './store.js';

/** Options of `fixclust sweep`, as parsed from the command line. */
export interface SweepCommandOptions {
  grid?: string;
  redis: string;
  queue?: string;
  /** Tries per cell, the first included. Default: 3. */
  attempts?: number;
  collect?: boolean;
  /** Folder of the collected table. Default: `sweep-results`. */
  out?: string;
}

/**
 * Runs `fixclust sweep`. With `--grid`, it queues one BullMQ job per cell,
 * with the cell's key as job id, so a cell queued twice runs once. With
 * `--collect`, it writes the stored results as `benchmarks.md`, `.json`
 * and `.csv`, and returns 1 when a cell failed, 0 otherwise.
 *
 * @throws InvalidParameterError unless exactly one of `--grid` and
 * `--collect` is given, or for an invalid grid file, before Redis is
 * reached.
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
  const attempts = options.attempts ?? 3;
  assertIntegerInRange('--attempts', attempts, 1);
  // The grid is checked before Redis is reached, so an invalid grid
  // fails the same way with or without a server.
  const cells = collect ? [] : await readGridFile(options.grid!);
  const name = options.queue ?? DEFAULT_QUEUE;
  const redis = connectRedis(options.redis, false);
  const queue = new Queue<BenchCell>(name, { connection: redis });
  // Connection errors surface from the calls below; without a listener
  // BullMQ would also print each one with its stack.
  queue.on('error', () => {});
  try {
    if (collect) {
      const out = options.out ?? 'sweep-results';
      return await collectSweep(queue, redis, argv, out, output);
    }
    await enqueueCells(queue, cells, attempts, output);
    return 0;
  } catch (error) {
    throw redisFailure(error, options.redis);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

async function enqueueCells(
  queue: Queue<BenchCell>,
  cells: BenchCell[],
  attempts: number,
  output: Output,
): Promise<void> {
  const jobs = await queue.addBulk(
    cells.map((cell) => ({
      name: cell.method,
      data: cell,
      opts: { jobId: cellKey(cell), attempts },
    })),
  );
  const ids = new Set(jobs.map((job) => job.id));
  output.error(
    `queued ${cells.length} cells as ${ids.size} jobs on ${queue.name}; ` +
      `a cell queued before keeps its job`,
  );
}

async function collectSweep(
  queue: Queue<BenchCell>,
  redis: ReturnType<typeof connectRedis>,
  argv: readonly string[],
  out: string,
  output: Output,
): Promise<number> {
  const results = await readResults(redis, queue.name);
  const names = new Map(results.map((r) => [r, describeCell(r.cell)]));
  results.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!));
  const failed = await queue.getFailed();
  const failures = failed.map(
    (job) => `${describeCell(job.data)}: ${job.failedReason}`,
  );
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
  const record: BenchRecord = {
    schemaVersion: 1,
    command: `fixclust ${argv.slice(2).join(' ')}`,
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
