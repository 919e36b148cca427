import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import { loadUserDataset } from '@fixclust/datasets';
import { loadModel } from '@fixclust/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunSummary } from './summary.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../bin/fixclust.js',
);

/**
 * Epochs no run here can finish: at well under a second per epoch on
 * 3,000 rows it would take hours, so a run that ends did so because of
 * Ctrl-C.
 */
const EPOCHS = '100000';

/** What the CLI prints on the first Ctrl-C. */
const STOPPING = 'stopping after the current batch';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Starts `fixclust run` on `dataset` and sends SIGINT once the first
 * progress line is on stderr. With `presses` 2, a second SIGINT follows
 * once the CLI has reported the first, because two SIGINTs sent back to
 * back can reach the process as one.
 */
function interruptedRun(
  dataset: string,
  out: string,
  presses: 1 | 2,
): Promise<Finished> {
  const child = spawn(process.execPath, [
    binary,
    'run',
    '--dataset',
    dataset,
    '--clusters',
    '3',
    '--runs',
    '1',
    '--epochs',
    EPOCHS,
    '--seed',
    '5',
    '--backend',
    'wasm',
    '--out',
    out,
  ]);
  let stderr = '';
  let sent = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (sent === 0 && /run 1\/1 +epoch +1\//.test(stderr)) {
      sent = 1;
      child.kill('SIGINT');
    }
    if (sent === 1 && presses === 2 && stderr.includes(STOPPING)) {
      sent = 2;
      child.kill('SIGINT');
    }
  });
  child.stdout.resume();
  // Ends a run that ignored SIGINT, so that a failing test leaves no
  // process behind.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 25_000);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolvePromise({ code, signal, stderr });
    });
  });
}

describe('Ctrl-C during fixclust run', () => {
  let directory: string;
  let dataset: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-interrupt-'));
    const random = new Random(1);
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 3000; i++) {
      const centre = 4 * (i % 3);
      const row = [0, 1, 2, 3].map((j) =>
        (centre * (j % 2) + random.float()).toFixed(4),
      );
      lines.push(row.join(','));
    }
    dataset = join(directory, 'rows.csv');
    await writeFile(dataset, `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('saves the best model on one press', async () => {
    const out = join(directory, 'once');
    const finished = await interruptedRun(dataset, out, 1);
    expect(finished.signal).toBeNull();
    expect(finished.code).toBe(130);
    expect(finished.stderr).toContain(STOPPING);

    const summary = JSON.parse(
      await readFile(join(out, 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.aborted).toBe(true);
    expect(summary.runs[0]!.aborted).toBe(true);
    expect(summary.runs[0]!.epochLosses.length).toBeLessThan(Number(EPOCHS));

    await wasmBackend().initialise();
    const loaded = await loadModel(join(out, 'model'));
    const rows = await loadUserDataset(dataset);
    const labels = (await readFile(join(out, 'labels.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => Number(row.split(',')[2]));
    expect(labels).toHaveLength(3000);
    expect(Array.from(await loaded.predict(rows))).toEqual(labels);
  }, 30_000);

  it('quits at once before training and removes the folders it made', async () => {
    // A plug-in whose register() waits 20 s keeps the run in the steps
    // before training, after the output folders exist.
    const plugin = join(directory, 'slow-plugin.mjs');
    await writeFile(
      plugin,
      'export async function register() {\n' +
        "  process.stderr.write('plug-in registering\\n');\n" +
        '  await new Promise((resolve) => setTimeout(resolve, 20000));\n' +
        '}\n',
    );

    const parent = join(directory, 'early');
    const child = spawn(process.execPath, [
      binary,
      'run',
      '--dataset',
      dataset,
      '--clusters',
      '3',
      '--plugin',
      plugin,
      '--out',
      join(parent, 'out'),
      '--report',
      join(parent, 'report'),
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('plug-in registering')) child.kill('SIGINT');
    });
    child.stdout.resume();

    const deadline = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise<number | null>((resolvePromise) =>
      child.on('close', (exitCode) => resolvePromise(exitCode)),
    );
    clearTimeout(deadline);

    expect(code).toBe(130);
    expect(stderr).toContain('interrupted before training');
    expect(existsSync(parent)).toBe(false);
  }, 30_000);

  // NOTE: the second SIGINT must arrive before the outputs are written,
  // which took about 160 ms after the first was reported (wasm backend,
  // 2-core machine under load), so a stalled test process could miss it.
  it('quits at once on a second press', async () => {
    const out = join(directory, 'twice');
    const finished = await interruptedRun(dataset, out, 2);
    expect(finished.signal).toBeNull();
    expect(finished.code).toBe(130);
    expect(finished.stderr).toContain(STOPPING);
    expect(existsSync(join(out, 'model'))).toBe(false);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 30_000);
});
