import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { main } from './program.js';
import type { RunSummary } from './summary.js';
import { captureOutput } from './test-output.js';

interface RunOutputs {
  summary: RunSummary;
  labels: string;
  status: number;
}

describeWithData('fixclust run --workers', ['usps/usps.h5'], (data) => {
  let directory: string;
  const outputs: Record<number, RunOutputs> = {};

  async function runWith(workers: number): Promise<RunOutputs> {
    const out = join(directory, `workers-${workers}`);
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--dataset',
        'usps',
        '--data',
        join(data, 'usps', 'usps.h5'),
        '--limit',
        '800',
        '--runs',
        '3',
        '--epochs',
        '2',
        '--seed',
        '4',
        '--workers',
        String(workers),
        '--quiet',
        '--out',
        out,
      ],
      captureOutput(),
    );
    const summary = JSON.parse(
      await readFile(join(out, 'summary.json'), 'utf8'),
    ) as RunSummary;
    const labels = await readFile(join(out, 'labels.csv'), 'utf8');
    return { summary, labels, status };
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-workers-'));
    outputs[1] = await runWith(1);
    outputs[2] = await runWith(2);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('exits with status 0', () => {
    expect(outputs[1]!.status).toBe(0);
    expect(outputs[2]!.status).toBe(0);
  });

  it('writes the same labels', () => {
    expect(outputs[2]!.labels).toBe(outputs[1]!.labels);
  });

  it('records the same loss histories', () => {
    const losses = (outputs: RunOutputs) =>
      outputs.summary.runs.map((run) => [run.seed, run.epochLosses]);
    expect(losses(outputs[2]!)).toEqual(losses(outputs[1]!));
    expect(outputs[2]!.summary.runs).toHaveLength(3);
  });

  it('records the threads that trained the runs', () => {
    expect(outputs[1]!.summary.workers).toBe(1);
    expect(outputs[2]!.summary.workers).toBe(2);
  });

  it('keeps the same run and metrics', () => {
    expect(outputs[2]!.summary.bestRun).toBe(outputs[1]!.summary.bestRun);
    expect(outputs[2]!.summary.trained).toEqual(outputs[1]!.summary.trained);
  });
});
