import type { StepOutcome } from './training-step.js';

/** Outcome of one training epoch, in memory or over a stream. */
export interface EpochOutcome {
  /** Mean loss over the samples of the completed steps. */
  loss: number;
  /** Mean reconstruction error over those samples, with an autoencoder. */
  reconstruction: number | undefined;
  /**
   * Mean clustering term over those samples; undefined when the steps
   * trained the reconstruction alone.
   */
  clustering: number | undefined;
  /** Mean variable-features term, lambda included; undefined likewise. */
  variableFeatures: number | undefined;
  steps: number;
  aborted: boolean;
}

/**
 * Sums of an epoch's step losses and their terms, each weighted by its
 * batch's rows, so the means are per sample however the last batch is cut.
 */
export class EpochSums {
  private loss = 0;
  private reconstruction = 0;
  private clustering = 0;
  private variableFeatures = 0;
  private samples = 0;
  private termSamples = 0;
  steps = 0;

  constructor(private readonly hasDecoder: boolean) {}

  /** Adds the outcome of a step on `rows` samples. */
  add(step: StepOutcome, rows: number): void {
    this.loss += step.loss * rows;
    this.reconstruction += (step.reconstruction ?? 0) * rows;
    if (step.clustering !== undefined && step.variableFeatures !== undefined) {
      this.clustering += step.clustering * rows;
      this.variableFeatures += step.variableFeatures * rows;
      this.termSamples += rows;
    }
    this.samples += rows;
    this.steps += 1;
  }

  /**
   * Returns the epoch's means; `loss`, when given, replaces the mean loss
   * (a non-finite step loss ends the epoch with that value).
   */
  outcome(aborted: boolean, loss?: number): EpochOutcome {
    const terms = this.termSamples > 0 && this.termSamples === this.samples;
    return {
      loss: loss ?? this.loss / this.samples,
      reconstruction: this.hasDecoder
        ? this.reconstruction / this.samples
        : undefined,
      clustering: terms ? this.clustering / this.samples : undefined,
      variableFeatures: terms
        ? this.variableFeatures / this.samples
        : undefined,
      steps: this.steps,
      aborted,
    };
  }
}

/** Steps between yields to the event loop, so an abort can arrive. */
export const STEPS_PER_YIELD = 64;

/** Lets pending events run; browsers have no setImmediate. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function'
      ? setImmediate(resolve)
      : setTimeout(resolve, 0),
  );
}
