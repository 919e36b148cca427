import type { Output } from '../output.js';
import { removeEmptyFolders } from '../summary.js';

/** Exit status of an interrupted grid, as for `fixclust run`. */
export const INTERRUPTED = 130;

/**
 * The Ctrl-C handling of `fixclust bench`: one SIGINT listener from the
 * moment the output folder exists until the command ends.
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
  private readonly listener = () => this.press();

  constructor(
    private readonly output: Output,
    private readonly out: string,
    /** Folders the command created, outermost first. */
    private readonly created: readonly string[],
  ) {
    process.on('SIGINT', this.listener);
  }

  /** Aborted by the first Ctrl-C. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remove(): void {
    process.off('SIGINT', this.listener);
  }

  private press(): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort();
      return;
    }
    removeEmptyFolders(this.created);
    this.output.error(
      `interrupted again; quitting before all results were written to ` +
        `${this.out}`,
    );
    process.exit(INTERRUPTED);
  }
}
