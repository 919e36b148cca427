import type { EpochProgress } from '@fixclust/model';
import { MultiBar, type SingleBar } from 'cli-progress';

import { processOutput, type Output } from './output.js';
import { formatProgress } from './report.js';

/**
 * Progress of a long step (training epochs, the benchmark grid, a
 * download): a bar on a terminal, plain lines elsewhere.
 */
export interface Progress {
  /** Sets the number of finished units and the line that describes them. */
  update(done: number, line: string): void;
  /** Prints a line of its own; on a terminal it appears above the bar. */
  log(line: string): void;
  /** Draws the bar a last time and leaves it on screen; idempotent. */
  stop(): void;
}

/**
 * Returns the terminal to draw progress bars on: the process's stderr when
 * `output` writes to it and it is a TTY, otherwise undefined, so CI logs
 * and tests get plain lines.
 */
export function progressTerminal(
  output: Output,
): NodeJS.WriteStream | undefined {
  return output === processOutput && process.stderr.isTTY === true
    ? process.stderr
    : undefined;
}

/**
 * Creates the progress of `total` units. With a `terminal`, it is a
 * `cli-progress` bar with the latest line beside it, redrawn at most every
 * 100 ms. Without one, every update prints its line through `output.error`.
 */
export function createProgress(
  output: Output,
  total: number,
  terminal: NodeJS.WriteStream | undefined = progressTerminal(output),
): Progress {
  if (terminal === undefined) {
    return {
      update: (_done, line) => output.error(line),
      log: (line) => output.error(line),
      stop: () => {},
    };
  }
  return terminalProgress(terminal, total);
}

function terminalProgress(
  terminal: NodeJS.WriteStream,
  total: number,
): Progress {
  const bars = new MultiBar({
    stream: terminal,
    format: '{bar} {value}/{total} {line}',
    barsize: 24,
    hideCursor: true,
    gracefulExit: false,
    linewrap: false,
  });
  let bar: SingleBar | undefined = bars.create(total, 0, { line: '' });
  return {
    update: (done, line) => bar?.update(Math.min(done, total), { line }),
    log: (line) => {
      if (bar === undefined) {
        terminal.write(`${line}\n`);
        return;
      }
      // The buffered line is written above the bar by the next redraw.
      bars.log(`${line}\n`);
      bars.update();
    },
    stop: () => {
      if (bar === undefined) return;
      bars.stop();
      bar = undefined;
    },
  };
}

/** Progress of training: one unit per epoch of every run. */
export interface EpochProgressBar {
  update(progress: EpochProgress): void;
  stop(): void;
}

/**
 * Creates the progress of training, sized `nRuns × epochs` from the first
 * epoch's report. Each update counts one more epoch, so runs that stop
 * early leave the bar short of its end. The line beside the bar, or
 * printed alone without a terminal, is {@link formatProgress}'s.
 */
export function epochProgress(
  output: Output,
  terminal: NodeJS.WriteStream | undefined = progressTerminal(output),
): EpochProgressBar {
  let progress: Progress | undefined;
  let done = 0;
  return {
    update: (epoch) => {
      progress ??= createProgress(output, epoch.nRuns * epoch.epochs, terminal);
      done += 1;
      progress.update(done, formatProgress(epoch));
    },
    stop: () => progress?.stop(),
  };
}

/**
 * Start of the runner's line for a finished or failed benchmark cell.
 * NOTE: this matches the text `runGrid` in bench/runner.ts prints, so a
 * change of that text stops the bar from advancing; the lines still show.
 */
const CELL_END = /^\[\d+\/\d+\] (done|failed)/;

/**
 * Wraps `output` for the benchmark grid's runner. On a terminal, it draws a
 * bar of `total` cells that advances on each line the runner prints when a
 * cell ends (`[i/n] done …` or `[i/n] failed …`). The latest line shows
 * beside the bar, and failures stay above it. Without a terminal, lines
 * pass through unchanged. Call `stop` when the grid is done.
 */
export function gridProgress(
  output: Output,
  total: number,
  terminal: NodeJS.WriteStream | undefined = progressTerminal(output),
): Output & { stop(): void } {
  const progress = createProgress(output, total, terminal);
  let done = 0;
  return {
    log: (line) => output.log(line),
    error: (line) => {
      const end = CELL_END.exec(line);
      if (end !== null) done += 1;
      if (end?.[1] === 'failed' && terminal !== undefined) progress.log(line);
      progress.update(done, line);
    },
    stop: () => progress.stop(),
  };
}

/** Bytes received so far and, when the server sent it, the total. */
export interface DownloadState {
  receivedBytes: number;
  totalBytes?: number | undefined;
}

/**
 * Creates the progress of downloading `name`, in percent of the total
 * size: a bar on a terminal; otherwise a line whenever the percentage has
 * grown by 10 points since the last line. A download of unknown size
 * shows nothing. Pass `onProgress` to the downloader and
 * call `stop` when it returns.
 */
export function downloadProgress(
  output: Output,
  name: string,
  terminal: NodeJS.WriteStream | undefined = progressTerminal(output),
): { onProgress: (state: DownloadState) => void; stop: () => void } {
  return percentProgress(output, `downloading ${name}`, terminal);
}

/**
 * Creates the progress of converting the CSV file `name` to its binary
 * cache, shown as {@link downloadProgress} shows a download.
 */
export function conversionProgress(
  output: Output,
  name: string,
  terminal: NodeJS.WriteStream | undefined = progressTerminal(output),
): {
  onProgress: (state: { readBytes: number; totalBytes: number }) => void;
  stop: () => void;
} {
  const progress = percentProgress(
    output,
    `converting ${name} to its binary cache`,
    terminal,
  );
  return {
    onProgress: ({ readBytes, totalBytes }) =>
      progress.onProgress({ receivedBytes: readBytes, totalBytes }),
    stop: progress.stop,
  };
}

function percentProgress(
  output: Output,
  label: string,
  terminal: NodeJS.WriteStream | undefined,
): { onProgress: (state: DownloadState) => void; stop: () => void } {
  let progress: Progress | undefined;
  let reported = -1;
  return {
    onProgress: ({ receivedBytes, totalBytes }) => {
      if (totalBytes === undefined || totalBytes === 0) return;
      const percent = Math.floor((100 * receivedBytes) / totalBytes);
      if (terminal === undefined && percent < reported + 10) return;
      reported = percent;
      progress ??= createProgress(output, 100, terminal);
      progress.update(percent, `${label}: ${percent}%`);
    },
    stop: () => progress?.stop(),
  };
}
