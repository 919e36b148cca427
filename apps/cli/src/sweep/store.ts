import { FixclustError, InvalidParameterError } from '@fixclust/core';
import { Redis, type RedisOptions } from 'ioredis';

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
 * Opens a Redis connection for BullMQ. `persistent` connections (the
 * worker's) retry forever, as BullMQ's workers require; the others give
 * up after about 5 seconds, so a wrong URL fails the command.
 *
 * @throws InvalidParameterError when `url` is not a `redis://` or
 * `rediss://` URL.
 */
export function connectRedis(url: string, persistent: boolean): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new InvalidParameterError(
      '--redis',
      url,
      `--redis must be a redis:// or rediss:// URL, such as ` +
        `redis://127.0.0.1:6379, got "${url}"`,
    );
  }
  const options: RedisOptions = persistent
    ? { maxRetriesPerRequest: null }
    : {
        maxRetriesPerRequest: 1,
        connectTimeout: 5000,
        retryStrategy: (times) => (times > 5 ? null : 1000),
      };
  const redis = new Redis(url, options);
  // Without a listener ioredis prints every failed connection attempt with
  // its stack; the commands report the failure themselves.
  redis.on('error', () => {});
  return redis;
}

/**
 * Rewrites a failed Redis connection as a one-line error that names the
 * URL; other errors pass through.
 */
export function redisFailure(error: unknown, url: string): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const connection =
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    /Connection is closed|connect ECONNREFUSED|MaxRetriesPerRequest/.test(
      message,
    );
  if (!connection) return error;
  return new FixclustError(
    `cannot reach Redis at ${url} (${message}); start the server or check --redis`,
  );
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
