import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Output } from '../output.js';
import { formatSeconds } from '../report.js';
import type { BenchCell, BenchRow } from './types.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../bin/fixclust.js',
);

/** Outcome of {@link runGrid}. */
export interface GridOutcome {
  /** Rows of the cells that ended, in the order of the cells. */
  rows: BenchRow[];
  /** One line per failed cell, naming the cell and its error. */
  failures: string[];
  /** Cells that ended, with rows or failed: all unless aborted. */
  finished: number;
}

/**
 * Runs each cell in its own child process, so each row's peak memory is
 * its own and a crash stays in its cell. `workers` cells run at the same
 * time (default 1, one after another); rows keep the order of `cells`.
 * Cells that run at the same time share the cores, so their timings are
 * only comparable with `workers` 1. Progress goes to `output.error`: each
 * cell as it starts and ends, with the last timings.
 *
 * Aborting `signal` starts no further cell and ends the running cells'
 * processes; those cells count neither as finished nor as failed.
 */
export async function runGrid(
  cells: readonly BenchCell[],
  output: Output,
  workers = 1,
  signal?: AbortSignal,
): Promise<GridOutcome> {
  const rowsByCell: BenchRow[][] = cells.map(() => []);
  const failures: string[] = [];
  const recent: string[] = [];
  let next = 0;
  let finished = 0;
  const aborted = () => signal?.aborted === true;
  const runCells = async () => {
    while (next < cells.length && !aborted()) {
      const index = next++;
      const cell = cells[index]!;
      const name = describeCell(cell);
      const label = `[${index + 1}/${cells.length}]`;
      output.error(`${label} ${name} …`);
      const start = performance.now();
      try {
        rowsByCell[index] = await runInChild(cell, undefined, { signal });
        finished += 1;
        recent.push(
          `${cell.method} ${formatSeconds(performance.now() - start)}`,
        );
        output.error(`${label} done; recent: ${recent.slice(-3).join(', ')}`);
      } catch (error) {
        // A cell ended by the abort is dropped, not reported as failed.
        if (aborted()) return;
        finished += 1;
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${name}: ${message}`);
        output.error(`${label} failed: ${message}`);
      }
    }
  };
  const pool = Math.max(1, Math.min(workers, cells.length));
  await Promise.all(Array.from({ length: pool }, runCells));
  return { rows: rowsByCell.flat(), failures, finished };
}

/** Names a cell for progress lines and failure reports. */
export function describeCell(cell: BenchCell): string {
  const features =
    cell.pcaComponents === 0 ? 'raw' : `pca${cell.pcaComponents}`;
  return `${cell.dataset} ${features} ${cell.method} on ${cell.backend}, seed ${cell.seed}`;
}

/** Options of {@link runInChild}. */
export interface ChildOptions {
  /**
   * Aborting it sends SIGTERM to the cell's process group, which ends the
   * cell's process and any process it started.
   */
  signal?: AbortSignal;
  /** Called with the process id once the cell's process has started. */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs `fixclust bench-cell` on `cell` in a child process and returns its
 * rows. With `modelDirectory`, a deep preset's model is saved there.
 *
 * The child runs in a process group of its own, so a terminal's Ctrl-C
 * reaches only this process, which decides what happens to the cell. The
 * child keeps an IPC channel to this process and exits when it closes
 * (see {@link exitWithParent}), so a parent killed with SIGKILL leaves no
 * cell running.
 *
 * @throws Error naming the exit status or signal and the child's error:
 * its `fixclust:` line, or else the last lines of its stderr.
 */
export function runInChild(
  cell: BenchCell,
  modelDirectory?: string,
  options: ChildOptions = {},
): Promise<BenchRow[]> {
  const args = [binary, 'bench-cell', JSON.stringify(cell)];
  if (modelDirectory !== undefined) args.push('--model-dir', modelDirectory);
  const { signal: abort } = options;
  return new Promise((resolvePromise, reject) => {
    if (abort?.aborted === true) {
      reject(new Error('cell not started: the grid was interrupted'));
      return;
    }
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const stop = () => endProcessGroup(child);
    abort?.addEventListener('abort', stop, { once: true });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', (error) => {
      abort?.removeEventListener('abort', stop);
      reject(error);
    });
    child.on('close', (code, signal) => {
      abort?.removeEventListener('abort', stop);
      if (code === 0) {
        resolvePromise(JSON.parse(stdout) as BenchRow[]);
        return;
      }
      const reason =
        signal === null ? `exit status ${code}` : `signal ${signal}`;
      const detail = summariseStderr(stderr);
      reject(new Error(`cell process ended with ${reason}: ${detail}`));
    });
  });
}

/**
 * Sends SIGTERM to the process group of `child`, which {@link runInChild}
 * started as its leader, so the cell's process ends even while it
 * computes. Falls back to the process alone where the group is gone.
 */
function endProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

/**
 * Picks the part of a failed cell's stderr that names its error. That is
 * the last `fixclust:` line, which the CLI prints before a stack trace,
 * or else the last 3 lines.
 */
export function summariseStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return 'no output on stderr';
  const errors = lines.filter((line) => line.startsWith('fixclust:'));
  if (errors.length > 0) return errors[errors.length - 1]!;
  return lines.slice(-3).join(' | ');
}

/** Exit status of a cell process whose parent has gone. */
const PARENT_GONE_STATUS = 129;

/**
 * Ends this process when the process that started it with
 * {@link runInChild} is gone, because that process alone reads the rows.
 * Does nothing in a process started without an IPC channel.
 */
export function exitWithParent(): void {
  const channel = process.channel;
  if (channel === undefined) return;
  // The channel must not keep the process running once the cell is done.
  channel.unref();
  process.once('disconnect', () => process.exit(PARENT_GONE_STATUS));
}
