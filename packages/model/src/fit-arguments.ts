import {
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  InvalidParameterError,
} from '@fixclust/core';

import type { FitOptions } from './fit-result.js';
import { OPTION_NAMES } from './options.js';
import type { ParallelFitOptions } from './parallel-runs.js';
import type { StreamFitOptions } from './stream-fit.js';
import { RunWorkerPool } from './worker-pool.js';

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
