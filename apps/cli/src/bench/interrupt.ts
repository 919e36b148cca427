import type { Output } from '../output.js';
import { removeEmptyFolders } from '../summary.js';

/** Exit status of a grid stopped by Ctrl-C, as for `fixclust run`. */
export const INTERRUPTED = 130;

/** Exit statuses by the signal that stopped the grid: 128 + its number. */
const EXIT_STATUSES = { SIGINT: INTERRUPTED, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_STATUSES;

/**
 * The Ctrl-C handling of `fixclust bench`: one SIGINT listener from the
 * moment the output folder exists until the command ends. SIGTERM is
 * handled the same way, with exit status 143.
 *
 * - The first Ctrl-C aborts {@link signal}: no further cell starts and the
 *   running cells' process groups get SIGTERM. The command then writes the
 *   rows of the cells that finished and exits with status 130.
 * - A second Ctrl-C exits with status 130 at once. It removes the output
 *   folders the command created while they are still empty.
 * - After the last cell, the first Ctrl-C lets the results be written.
 */
export class GridInterrupt {
  private readonly controller = new AbortController();
  private stoppedBy: StopSignal = 'SIGINT';
  private readonly listener = (signal: StopSignal) => this.press(signal);

  constructor(
    private readonly output: Output,
    private readonly out: string,
    /** Folders the command created, outermost first. */
    private readonly created: readonly string[],
  ) {
    process.on('SIGINT', this.listener);
    process.on('SIGTERM', this.listener);
  }

  /** Exit status for the signal that aborted the grid. */
  get exitStatus(): number {
    return EXIT_STATUSES[this.stoppedBy];
  }

  /** Aborted by the first Ctrl-C. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remove(): void {
    process.off('SIGINT', this.listener);
    process.off('SIGTERM', this.listener);
  }

  private press(signal: StopSignal): void {
    if (!this.controller.signal.aborted) {
      this.stoppedBy = signal;
      this.controller.abort();
      return;
    }
    removeEmptyFolders(this.created);
    this.output.error(
      `interrupted again; quitting before all results were written to ` +
        `${this.out}`,
    );
    process.exit(EXIT_STATUSES[signal]);
  }
}
