import type { Redis } from 'ioredis';

import type { BenchCell, BenchRow } from '../bench/types.js';

/** Queue that `sweep` and `worker` use unless `--queue` names another. */
export const DEFAULT_QUEUE = 'fixclust-sweep';

/** The result of one cell, as a worker stores it in Redis. */
export interface StoredResult {
  schemaVersion: 1;
  /** The cell's key; see `cellKey`. */
  key: string;
  cell: BenchCell;
  rows: BenchRow[];
  /**
   * The attempt that produced it, from 1: BullMQ's `attemptsStarted`,
   * which counts a start after a worker was lost as well as a retry after
   * a failure.
   */
  attempt: number;
  /** The worker's name: host name and process id. */
  worker: string;
  /** Location of a deep preset's saved model, on the worker's machine. */
  model: { host: string; path: string } | null;
  startedAt: string;
  finishedAt: string;
  /** Wall time of the cell's process. */
  seconds: number;
}

/** Name of the Redis hash that maps cell keys to stored results. */
export function resultsKey(queue: string): string {
  return `fixclust:sweep:${queue}:results`;
}

/**
 * Stores `result` unless a result for its key exists (`HSETNX`), so a
 * cell that two workers finished keeps the first result. Returns whether
 * this call stored it.
 */
export async function storeResult(
  redis: Redis,
  queue: string,
  result: StoredResult,
): Promise<boolean> {
  const json = JSON.stringify(result);
  const written = await redis.hsetnx(resultsKey(queue), result.key, json);
  return written === 1;
}

/** Tells whether a result for `key` is stored. */
export async function hasResult(
  redis: Redis,
  queue: string,
  key: string,
): Promise<boolean> {
  return (await redis.hexists(resultsKey(queue), key)) === 1;
}

/** Reads every stored result of `queue`. */
export async function readResults(
  redis: Redis,
  queue: string,
): Promise<StoredResult[]> {
  const entries = await redis.hgetall(resultsKey(queue));
  return Object.values(entries).map((json) => JSON.parse(json) as StoredResult);
}

/** BullMQ's job states, each kept in one Redis key `bull:QUEUE:STATE`. */
const JOB_STATE_KEYS = [
  'wait',
  'paused',
  'active',
  'prioritized',
  'delayed',
  'completed',
  'failed',
  'waiting-children',
];

/**
 * Tells whether `queue` contains a job in any state or a stored result. It
 * reads the keys with plain Redis commands, because BullMQ's first
 * command on a queue creates its `bull:QUEUE:meta` key.
 */
export async function isQueueUsed(
  redis: Redis,
  queue: string,
): Promise<boolean> {
  const keys = JOB_STATE_KEYS.map((state) => `bull:${queue}:${state}`);
  const existing = await redis.exists(resultsKey(queue), ...keys);
  return existing > 0;
}
