import { predictLabels } from './prediction.js';
import { trainRun, type RunOutcome, type TrainingContext } from './train.js';

/**
 * Added to the counter when a fit stops: every later claim lands past the
 * last run, whatever the number of runs.
 */
const STOPPED = 2 ** 30;

/**
 * The runs of one fit as the threads that train them claim them: one
 * counter in shared memory holding the index of the next run. A thread
 * claims a run with one atomic add, so no thread waits for another to hand
 * it work, and runs start in run order.
 */
export class RunClaims {
  /**
   * @param counter One-element view of shared memory, zero before the
   * first claim; every thread of the fit builds its `RunClaims` on the same
   * buffer.
   * @param nRuns Number of runs of the fit.
   */
  constructor(
    private readonly counter: Int32Array,
    readonly nRuns: number,
  ) {}

  /** Claims for `nRuns` runs in a new shared buffer. */
  static create(nRuns: number): RunClaims {
    return new RunClaims(new Int32Array(new SharedArrayBuffer(4)), nRuns);
  }

  /** The shared buffer, which other threads pass to the constructor. */
  get buffer(): SharedArrayBuffer {
    return this.counter.buffer as SharedArrayBuffer;
  }

  /**
   * Claims the next run: returns its index, or undefined when every run
   * is claimed or the fit has stopped.
   */
  take(): number | undefined {
    const run = Atomics.add(this.counter, 0, 1);
    return run < this.nRuns ? run : undefined;
  }

  /**
   * Stops the fit: no run starts after this call. Returns how many runs
   * were claimed before it. Only the thread that created the claims stops
   * them, once: a second call would return `nRuns`.
   */
  stop(): number {
    return Math.min(Atomics.add(this.counter, 0, STOPPED), this.nRuns);
  }
}

/**
 * Trains runs that this thread claims until none is left, and labels the
 * rows of `context.data` with each run's best weights. Calls `report`
 * after each run. `first` is a run the caller has already claimed;
 * without one, this function claims the first run itself.
 */
export async function trainClaimedRuns(
  context: TrainingContext,
  points: number[][],
  seeds: readonly number[],
  claims: RunClaims,
  report: (run: number, outcome: RunOutcome, labels: Int32Array) => void,
  first: number | undefined = claims.take(),
): Promise<void> {
  const { predictBatchSize, loss } = context.options;
  for (let run = first; run !== undefined; run = claims.take()) {
    const outcome = await trainRun(context, run, seeds[run]!);
    const predictor = { weights: outcome.bestWeights, points };
    const labels = await predictLabels(
      predictor,
      context.data,
      predictBatchSize,
      loss,
    );
    report(run, outcome, labels);
  }
}
