import {
  streamBatches,
  type Random,
  type StreamingDataset,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import type { NetworkVariables } from './network/index.js';
import {
  EpochSums,
  STEPS_PER_YIELD,
  yieldToEventLoop,
  type EpochOutcome,
} from './epoch-sums.js';
import type { ObjectiveContext } from './objective.js';
import type { ResolvedOptions } from './options.js';
import { createStepRunner } from './training-step.js';

/** A streaming data set to train on, with how an epoch reads it. */
export interface StreamSource {
  dataset: StreamingDataset;
  /** Rows per block read. Default: the data set's `blockSize`. */
  blockSize?: number | undefined;
  /**
   * Blocks whose rows an epoch shuffles together. Default:
   * `DEFAULT_BLOCKS_PER_SHUFFLE` of `@fixclust/core` (16).
   */
  blocksPerShuffle?: number | undefined;
}

/** Settings, data and signal of an epoch over a stream. */
export interface StreamEpochContext extends ObjectiveContext {
  options: ObjectiveContext['options'] &
    Pick<ResolvedOptions, 'batchSize' | 'shuffle'>;
  stream: StreamSource;
  signal?: AbortSignal | undefined;
}

/** Outcome of one epoch, as the in-memory epoch of `trainRun` reports it. */
export type StreamEpochOutcome = EpochOutcome;

/**
 * Trains one epoch on the batches of a streaming data set, one optimizer
 * step per batch through the run's step runner. Rows come in the
 * block-then-row order of `streamBatches` (`@fixclust/core`), drawn from
 * `random` unless `shuffle` is off, so only a few blocks of rows are in
 * memory at a time.
 *
 * With one shuffle group covering every row (a block size of at least
 * `nSamples`), the order and the batches equal those of an in-memory
 * epoch with the same generator.
 */
export async function streamEpoch(
  context: StreamEpochContext,
  network: NetworkVariables,
  optimizer: tf.Optimizer,
  random: Random,
): Promise<StreamEpochOutcome> {
  const { dataset } = context.stream;
  const sums = new EpochSums(network.hasDecoder);
  const outcome = (aborted: boolean, loss?: number) =>
    sums.outcome(aborted, loss);

  const runner = await createStepRunner(context, network, optimizer);
  try {
    for await (const batch of streamBatches(dataset, {
      batchSize: context.options.batchSize,
      blockSize: context.stream.blockSize,
      blocksPerShuffle: context.stream.blocksPerShuffle,
      random: context.options.shuffle ? random : undefined,
    })) {
      if (context.signal?.aborted === true) return outcome(true);
      const x = tf.tensor2d(batch.x, [batch.nRows, dataset.nFeatures]);
      const step = await runner.step(x);
      x.dispose();
      if (!Number.isFinite(step.loss)) return outcome(false, step.loss);

      sums.add(step, batch.nRows);
      if (sums.steps % STEPS_PER_YIELD === 0) await yieldToEventLoop();
    }
  } finally {
    await runner.finish();
  }
  return outcome(false);
}
