import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Random } from '@fixclust/core';
import { encodeNpyHeader } from '@fixclust/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from './program.js';
import { captureOutput } from './test-output.js';

const N_SAMPLES = 600;
const N_FEATURES = 5;

/** Three blobs in 5 dimensions, with the class of each row. */
function blobs() {
  const random = new Random(2);
  const x = new Float32Array(N_SAMPLES * N_FEATURES);
  const labels = new Int32Array(N_SAMPLES);
  for (let i = 0; i < N_SAMPLES; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < N_FEATURES; j++) {
      x[i * N_FEATURES + j] = (j === i % 3 ? 3 : 0) + random.float() - 0.5;
    }
  }
  return { x, labels };
}

function npy(descr: string, shape: number[], values: ArrayBufferView) {
  const bytes = new Uint8Array(values.buffer);
  return Buffer.concat([encodeNpyHeader(descr, shape), bytes]);
}

describe('fixclust run --stream', () => {
  let directory: string;
  let data: string;
  let labels: string;
  let csv: string;
  /** The same rows as `data`, stored in Fortran (column-major) order. */
  let fortran: string;
  const fast = ['--runs', '2', '--epochs', '2', '--seed', '1', '--quiet'];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-stream-'));
    const { x, labels: classes } = blobs();
    data = join(directory, 'blobs.npy');
    labels = join(directory, 'blobs.labels.npy');
    await writeFile(data, npy('<f4', [N_SAMPLES, N_FEATURES], x));
    await writeFile(labels, npy('<i4', [N_SAMPLES], classes));
    const rows = Array.from({ length: N_SAMPLES }, (_, i) => {
      const row = Array.from(x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
      return `${row.join(',')},c${classes[i]}`;
    });
    csv = join(directory, 'blobs.csv');
    await writeFile(csv, `${rows.join('\n')}\n`);
    const columns = new Float32Array(x.length);
    for (let i = 0; i < N_SAMPLES; i++) {
      for (let j = 0; j < N_FEATURES; j++) {
        columns[j * N_SAMPLES + i] = x[i * N_FEATURES + j]!;
      }
    }
    const header = encodeNpyHeader('<f4', [N_SAMPLES, N_FEATURES]);
    const fortranHeader = Buffer.from(
      Buffer.from(header).toString('latin1').replace('False', 'True '),
      'latin1',
    );
    fortran = join(directory, 'blobs-fortran.npy');
    await writeFile(
      fortran,
      Buffer.concat([fortranHeader, new Uint8Array(columns.buffer)]),
    );
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    const output = captureOutput();
    const status = await main(['node', 'fixclust', 'run', ...args], output, {});
    return { status, output };
  }

  it('equals the in-memory run with one block', async () => {
    const outputs = [join(directory, 'memory'), join(directory, 'stream')];
    const base = ['--dataset', data, '--labels', labels, ...fast];
    const memory = await run([...base, '--out', outputs[0]!]);
    const streamed = await run([
      ...base,
      '--stream',
      '--block-size',
      String(N_SAMPLES),
      '--out',
      outputs[1]!,
    ]);
    expect(memory.status).toBe(0);
    expect(streamed.status).toBe(0);

    const [inMemory, inBlocks] = await Promise.all(
      outputs.map((out) => readFile(join(out, 'labels.csv'), 'utf8')),
    );
    expect(inBlocks).toBe(inMemory);

    const summaries = await Promise.all(
      outputs.map(async (out) =>
        JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')),
      ),
    );
    expect(summaries[1].trained).toEqual(summaries[0].trained);
    expect(summaries[1].labelFree).toEqual(summaries[0].labelFree);
    expect(summaries[1].workers).toBe(1);
    expect(summaries[1].stream).toEqual({
      blockSize: N_SAMPLES,
      blocksPerShuffle: 16,
    });
    expect(summaries[0].stream).toBeNull();
  });

  it('streams a Fortran-order file to the same labels', async () => {
    const outputs = [join(directory, 'c-order'), join(directory, 'f-order')];
    const streamed = (file: string, out: string) =>
      run([
        '--dataset',
        file,
        '--labels',
        labels,
        ...fast,
        '--stream',
        '--block-size',
        '64',
        '--out',
        out,
      ]);
    expect((await streamed(data, outputs[0]!)).status).toBe(0);
    expect((await streamed(fortran, outputs[1]!)).status).toBe(0);
    const [cOrder, fOrder] = await Promise.all(
      outputs.map((out) => readFile(join(out, 'labels.csv'), 'utf8')),
    );
    expect(fOrder).toBe(cOrder);
  });

  it('predicts a file in blocks as the run labelled it', async () => {
    const out = join(directory, 'for-predict');
    const base = ['--dataset', data, '--labels', labels, '--stream'];
    expect((await run([...base, ...fast, '--out', out])).status).toBe(0);
    const predicted = join(directory, 'predicted.csv');
    const output = captureOutput();
    const args = ['--model', join(out, 'model'), '--dataset', data];
    const status = await main(
      ['node', 'fixclust', 'predict', ...args, '--stream', '--out', predicted],
      output,
      {},
    );
    expect(output.stderr.join('\n')).not.toContain('fixclust:');
    expect(status).toBe(0);
    const labelColumn = (text: string, column: number) =>
      text
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[column]);
    const runLabels = labelColumn(
      await readFile(join(out, 'labels.csv'), 'utf8'),
      2,
    );
    const lines = await readFile(predicted, 'utf8');
    expect(lines.startsWith('index,label\n')).toBe(true);
    expect(labelColumn(lines, 1)).toEqual(runLabels);
    expect(runLabels).toHaveLength(N_SAMPLES);

    const rejected = captureOutput();
    const proba = await main(
      ['node', 'fixclust', 'predict', ...args, '--stream', '--proba'],
      rejected,
      {},
    );
    expect(proba).toBe(2);
    expect(rejected.stderr.join('\n')).toContain(
      '--proba needs the rows in memory, so it does not combine with --stream',
    );
  });

  it('removes a mapped sample left in --out by an earlier run', async () => {
    const out = join(directory, 'reused');
    const base = ['--dataset', data, '--labels', labels, ...fast];
    expect((await run([...base, '--out', out])).status).toBe(0);
    await readFile(join(out, 'mapped-sample.json'));
    expect((await run([...base, '--stream', '--out', out])).status).toBe(0);
    await expect(readFile(join(out, 'mapped-sample.json'))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('streams a CSV file through its cache', async () => {
    // The default cache folder follows XDG_CACHE_HOME.
    const previous = process.env['XDG_CACHE_HOME'];
    process.env['XDG_CACHE_HOME'] = join(directory, 'cache');
    try {
      const args = ['--dataset', csv, '--label-column', '6', '--stream'];
      const { status, output } = await run([...args, ...fast]);
      const messages = output.stderr.join('\n');
      expect(messages).not.toContain('fixclust:');
      expect(messages).toContain(
        `reading ${csv} into its binary cache in ${join(directory, 'cache')}`,
      );
      expect(messages).toContain(
        'converting blobs.csv to its binary cache: 100%',
      );
      expect(status).toBe(0);
      expect(output.stdout.join('\n')).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
    } finally {
      if (previous === undefined) delete process.env['XDG_CACHE_HOME'];
      else process.env['XDG_CACHE_HOME'] = previous;
    }
  });

  it.each([
    [['--dataset', 'usps'], '--stream reads a CSV or NPY file'],
    [['--dataset', 'x.npy', '--limit', '10'], '--limit draws a sample'],
    [['--dataset', 'x.npy', '--report', 'r'], '--report draws its charts'],
    [
      ['--dataset', 'x.npy', '--workers', '2'],
      'does not combine with --stream',
    ],
  ])('rejects %j', async (args, message) => {
    const { status, output } = await run([...args, '--stream', ...fast]);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(message);
  });

  it.each([
    [['--pca', '2'], 'cannot fit scaling (none) or PCA (2)'],
    [['--scaling', 'standard'], 'cannot fit scaling (standard) or PCA (none)'],
    [
      ['--preset', 'km-plus-text'],
      'cannot fit scaling (standard) or PCA (100)',
    ],
  ])('rejects preprocessing %j before reading', async (args, message) => {
    const previous = process.env['XDG_CACHE_HOME'];
    const cache = join(directory, 'untouched-cache');
    process.env['XDG_CACHE_HOME'] = cache;
    try {
      const { status, output } = await run([
        '--dataset',
        csv,
        '--label-column',
        '6',
        '--stream',
        ...args,
        ...fast,
      ]);
      expect(status).toBe(2);
      expect(output.stderr.join('\n')).toContain(message);
      await expect(readFile(cache)).rejects.toThrow(/ENOENT/);
    } finally {
      if (previous === undefined) delete process.env['XDG_CACHE_HOME'];
      else process.env['XDG_CACHE_HOME'] = previous;
    }
  });

  it.each([
    [['--workers', '0'], '--workers must be an integer at least 1, got 0'],
    [['--block-size', '0'], 'got 0 (set with --block-size)'],
  ])('rejects %j', async (args, message) => {
    const base = ['--dataset', data, '--labels', labels, '--stream'];
    const { status, output } = await run([...base, ...args, ...fast]);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(message);
  });

  it('rejects --block-size without --stream', async () => {
    const { status, output } = await run([
      '--dataset',
      data,
      '--block-size',
      '64',
      ...fast,
    ]);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      '--block-size sets how --stream reads the file',
    );
  });
});
