import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Output } from '../output.js';
import { formatSeconds } from '../report.js';
import type { BenchCell, BenchRow } from './types.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../bin/fixclust.js',
);

/**
 * Runs each cell in its own child process, one after another, so each
 * row's peak memory is its own and a crash stays in its cell. Progress
 * goes to `output.error`: the running cell and the last timings.
 */
export async function runGrid(
  cells: readonly BenchCell[],
  output: Output,
): Promise<{ rows: BenchRow[]; failures: string[] }> {
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  const recent: string[] = [];
  for (const [index, cell] of cells.entries()) {
    const name = describeCell(cell);
    output.error(`[${index + 1}/${cells.length}] ${name} …`);
    const start = performance.now();
    try {
      rows.push(...(await runInChild(cell)));
      recent.push(`${cell.method} ${formatSeconds(performance.now() - start)}`);
      output.error(`  done; recent: ${recent.slice(-3).join(', ')}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${name}: ${message}`);
      output.error(`  failed: ${message}`);
    }
  }
  return { rows, failures };
}

/** Names a cell for progress lines and failure reports. */
export function describeCell(cell: BenchCell): string {
  const features =
    cell.pcaComponents === 0 ? 'raw' : `pca${cell.pcaComponents}`;
  return `${cell.dataset} ${features} ${cell.method} on ${cell.backend}, seed ${cell.seed}`;
}

function runInChild(cell: BenchCell): Promise<BenchRow[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [binary, 'bench-cell', JSON.stringify(cell)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolvePromise(JSON.parse(stdout) as BenchRow[]);
        return;
      }
      const reason =
        signal === null ? `exit status ${code}` : `signal ${signal}`;
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`cell process ended with ${reason}: ${detail}`));
    });
  });
}
