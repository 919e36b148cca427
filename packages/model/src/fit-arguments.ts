import {
  assertIntegerInRange,
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  InvalidParameterError,
  type BackendInfo,
} from '@fixclust/core';

import type { FitOptions } from './fit-result.js';
import { OPTION_NAMES } from './options.js';
import type { ParallelFitOptions } from './parallel-runs.js';
import type { StreamFitOptions } from './stream-fit.js';
import { RunWorkerPool } from './worker-pool.js';

/** Keys of {@link BackendInfo}. */
const BACKEND_INFO_KEYS = [
  'name',
  'version',
  'threads',
  'details',
] as const satisfies ReadonlyArray<keyof BackendInfo>;

/** Every option {@link FixedRepresentativeClustering.fit} reads. */
export type AllFitOptions = FitOptions & StreamFitOptions & ParallelFitOptions;

/** Keys of {@link AllFitOptions}. */
export const FIT_OPTION_NAMES = [
  'onEpochEnd',
  'onPcaProgress',
  'signal',
  'epochSample',
  'backend',
  'blockSize',
  'blocksPerShuffle',
  'workers',
  'backendModule',
  'pool',
] as const satisfies ReadonlyArray<keyof AllFitOptions>;

// Fails to compile when a fit option is missing from FIT_OPTION_NAMES.
const everyFitOptionNamed: Exclude<
  keyof AllFitOptions,
  (typeof FIT_OPTION_NAMES)[number]
> extends never
  ? true
  : never = true;
void everyFitOptionNamed;

/**
 * Checks the fit options that no later step checks: that they form an
 * object with known keys, callbacks that are functions, an abort signal
 * and a pool of this package. The message for a model option such as
 * `epochs` names the constructor, where it belongs.
 *
 * @throws InvalidParameterError naming the first invalid option.
 */
export function assertFitOptions(fitOptions: unknown): void {
  assertOptionsObject('fitOptions', fitOptions, false);
  if (fitOptions === undefined) return;
  const options = fitOptions as Record<string, unknown>;
  assertNoModelOption(options);
  assertKnownKeys('', options, FIT_OPTION_NAMES);
  for (const name of ['onEpochEnd', 'onPcaProgress'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidParameterError(
        name,
        value,
        `${name} must be a function, got ${describeValue(value)}`,
      );
    }
  }
  assertSignal(options['signal']);
  assertBackendInfo(options['backend']);
  const pool = options['pool'];
  if (pool !== undefined && !(pool instanceof RunWorkerPool)) {
    throw new InvalidParameterError(
      'pool',
      pool,
      `pool must be a RunWorkerPool from RunWorkerPool.start(), got ` +
        describeValue(pool),
    );
  }
}

/** Rejects an option of the model's constructor passed to `fit`. */
function assertNoModelOption(options: Record<string, unknown>): void {
  const modelOptions: readonly string[] = OPTION_NAMES;
  const name = Object.keys(options).find((key) => modelOptions.includes(key));
  if (name === undefined) return;
  throw new InvalidParameterError(
    name,
    options[name],
    `${name} is an option of the model, not of fit; pass it to ` +
      `new FixedRepresentativeClustering({ ..., ${name} }) instead`,
  );
}

function assertSignal(signal: unknown): void {
  if (signal === undefined) return;
  const aborted = (signal as { aborted?: unknown } | null)?.aborted;
  if (typeof signal === 'object' && typeof aborted === 'boolean') return;
  throw new InvalidParameterError(
    'signal',
    signal,
    `signal must be an AbortSignal, such as new AbortController().signal, ` +
      `got ${describeValue(signal)}`,
  );
}

/**
 * Checks the `backend` option against {@link BackendInfo}, which the
 * result reports as given.
 */
function assertBackendInfo(backend: unknown): void {
  if (backend === undefined) return;
  if (typeof backend !== 'object' || backend === null) {
    throw new InvalidParameterError(
      'backend',
      backend,
      `backend must be a BackendInfo { name, version, threads }, such as ` +
        `selectBackend from @fixclust/core returns in its backend field, ` +
        `got ${describeValue(backend)}`,
    );
  }
  const info = backend as Partial<Record<keyof BackendInfo, unknown>>;
  assertKnownKeys('backend.', info, BACKEND_INFO_KEYS);
  for (const field of ['name', 'version'] as const) {
    const value = info[field];
    if (typeof value === 'string' && value !== '') continue;
    throw new InvalidParameterError(
      `backend.${field}`,
      value,
      `backend.${field} must be a non-empty string, got ` +
        describeValue(value),
    );
  }
  assertIntegerInRange('backend.threads', info.threads as number, 1);
  if (info.details !== undefined && typeof info.details !== 'string') {
    throw new InvalidParameterError(
      'backend.details',
      info.details,
      `backend.details must be a string, got ${describeValue(info.details)}`,
    );
  }
}

/**
 * Rejects the block options of a streamed fit in a fit of data in memory,
 * which reads no blocks, so that they are not silently ignored.
 *
 * @throws InvalidParameterError naming the option.
 */
export function assertNoStreamOptions(fitOptions: StreamFitOptions): void {
  for (const name of ['blockSize', 'blocksPerShuffle'] as const) {
    const value = fitOptions[name];
    if (value === undefined) continue;
    throw new InvalidParameterError(
      name,
      value,
      `${name} applies only to a StreamingDataset, but the data is in ` +
        `memory; remove ${name}, or wrap the data with ` +
        `arrayStream(data, blockSize) from @fixclust/core to train in blocks`,
    );
  }
}
