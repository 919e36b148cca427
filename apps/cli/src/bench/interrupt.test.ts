import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import { childrenOf, isRunning, waitFor } from '../test-processes.js';
import type { BenchRecord } from './report.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../bin/fixclust.js',
);

/** The bench CLI started in its own process group, with its stderr. */
interface StartedBench {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startBench(args: string[]): StartedBench {
  const child = spawn(process.execPath, [binary, 'bench', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((done) =>
    child.once('close', (code) => done(code)),
  );
  return { child, stderr: () => stderr, exited };
}

/**
 * Waits for the cell process that bench started, sends SIGINT to bench's
 * process group as a terminal's Ctrl-C does (or SIGTERM to bench alone,
 * as a process manager does), and waits for bench to exit.
 */
async function interruptCell(
  bench: StartedBench,
  started: string,
  signal: 'SIGINT' | 'SIGTERM' = 'SIGINT',
) {
  await waitFor(started, () =>
    bench.stderr().includes(started) ? true : undefined,
  );
  // The progress line is written just before the cell's process starts.
  const cells = await waitFor('the cell process', async () => {
    const children = await childrenOf(bench.child.pid!);
    return children.length > 0 ? children : undefined;
  });
  expect(cells, bench.stderr()).toHaveLength(1);
  const pid = bench.child.pid!;
  process.kill(signal === 'SIGINT' ? -pid : pid, signal);
  const status = await bench.exited;
  return { status, cell: cells[0]!, stderr: bench.stderr() };
}

describeWithData('fixclust bench on Ctrl-C', ['usps/usps.h5'], (data) => {
  let folder: string;
  // The km50 cell runs for minutes, so Ctrl-C always finds it running.
  const grid = [
    ...['--datasets', 'usps', '--pca', '0', '--limit', '2000'],
    ...['--runs', '10', '--epochs', '200', '--backends', 'cpu'],
    ...['--silhouette-sample', '200', '--data-dir', data],
  ];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fixclust-bench-interrupt-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes the finished cells and ends the running one', async () => {
    const out = join(folder, 'finished');
    const bench = startBench([
      ...[...grid, '--methods', 'random,km50', '--out', out],
    ]);
    const { status, cell, stderr } = await interruptCell(bench, '[2/2] ');

    expect(status, stderr).toBe(130);
    expect(await isRunning(cell)).toBe(false);
    expect(stderr).toContain(
      'interrupted after 1 of 2 cells finished; wrote their 1 row to ' +
        `${join(out, 'benchmarks.md')}, .json, .csv and .html`,
    );
    const json = await readFile(join(out, 'benchmarks.json'), 'utf8');
    const record = JSON.parse(json) as BenchRecord;
    expect(record.rows.map((row) => row.method)).toEqual(['random']);
    expect(record.failures).toEqual([]);
    expect(record.interrupted).toEqual({ finishedCells: 1, totalCells: 2 });
    const page = await readFile(join(out, 'benchmarks.md'), 'utf8');
    expect(page).toContain(
      'Interrupted after 1 of 2 cells finished; the other ' +
        'cells have no rows.',
    );
    expect(existsSync(join(out, 'benchmarks.html'))).toBe(true);
  });

  it('stops the same way on SIGTERM, with status 143', async () => {
    const out = join(folder, 'terminated');
    const bench = startBench([
      ...[...grid, '--methods', 'random,km50', '--out', out],
    ]);
    const { status, cell, stderr } = await interruptCell(
      bench,
      '[2/2] ',
      'SIGTERM',
    );

    expect(status, stderr).toBe(143);
    expect(await isRunning(cell)).toBe(false);
    expect(stderr).toContain('interrupted after 1 of 2 cells finished');
    const json = await readFile(join(out, 'benchmarks.json'), 'utf8');
    const record = JSON.parse(json) as BenchRecord;
    expect(record.rows.map((row) => row.method)).toEqual(['random']);
  });

  it('writes nothing when no cell finished', async () => {
    const out = join(folder, 'none', 'out');
    const bench = startBench([...grid, '--methods', 'km50', '--out', out]);
    const { status, cell, stderr } = await interruptCell(bench, '[1/1] ');

    expect(status, stderr).toBe(130);
    expect(await isRunning(cell)).toBe(false);
    expect(stderr).toContain(
      'interrupted after 0 of 1 cell finished; nothing was written',
    );
    // The folders that bench created are removed again.
    expect(existsSync(join(folder, 'none'))).toBe(false);
  });
});
