import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import {
  createProgress,
  conversionProgress,
  downloadProgress,
  epochProgress,
  gridProgress,
  progressTerminal,
} from './progress.js';
import { captureOutput } from './test-output.js';

/** A fake terminal that records what is drawn on it. */
function fakeTerminal() {
  const stream = new PassThrough() as PassThrough & {
    isTTY: boolean;
    columns: number;
  };
  stream.isTTY = true;
  stream.columns = 100;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('createProgress', () => {
  it('prints plain lines without a terminal', () => {
    const output = captureOutput();
    const progress = createProgress(output, 3, undefined);
    progress.update(1, 'epoch 1/3');
    progress.log('a warning');
    progress.update(2, 'epoch 2/3');
    progress.stop();
    expect(output.stderr).toEqual(['epoch 1/3', 'a warning', 'epoch 2/3']);
    expect(output.stderr.join('')).not.toMatch(/\r|\x1b/);
  });

  it('draws a bar on a terminal', async () => {
    const output = captureOutput();
    const terminal = fakeTerminal();
    const progress = createProgress(output, 4, terminal.stream);
    progress.update(2, 'epoch 2/4');
    progress.log('a warning');
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminal.text()).toContain('2/4 epoch 2/4');
    expect(terminal.text()).toContain('a warning\n');
    expect(output.stderr).toEqual([]);
  });
});

describe('progressTerminal', () => {
  it('returns none for a captured output', () => {
    expect(progressTerminal(captureOutput())).toBeUndefined();
  });
});

describe('gridProgress', () => {
  it('passes lines through without a terminal', () => {
    const output = captureOutput();
    const grid = gridProgress(output, 2, undefined);
    grid.error('[1/2] usps raw km50 …');
    grid.error('[1/2] done; recent: km50 1.0 s');
    grid.stop();
    expect(output.stderr).toEqual([
      '[1/2] usps raw km50 …',
      '[1/2] done; recent: km50 1.0 s',
    ]);
  });

  it('counts finished cells on a terminal', async () => {
    const terminal = fakeTerminal();
    const grid = gridProgress(captureOutput(), 3, terminal.stream);
    grid.error('[1/3] usps raw km50 …');
    grid.error('[1/3] done; recent: km50 1.0 s');
    grid.error('[2/3] failed: exit status 1');
    grid.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminal.text()).toContain('2/3 [2/3] failed: exit status 1');
    expect(terminal.text()).toContain('[2/3] failed: exit status 1\n');
  });
});

describe('epochProgress', () => {
  it('prints the epoch lines without a terminal', () => {
    const output = captureOutput();
    const epochs = epochProgress(output, undefined);
    const progress = {
      run: 0,
      nRuns: 2,
      epoch: 0,
      epochs: 3,
      loss: 1.5,
      elapsedMs: 1200,
    };
    epochs.update(progress);
    epochs.update({ ...progress, epoch: 1, loss: 1.25 });
    epochs.stop();
    expect(output.stderr).toEqual([
      'run 1/2  epoch 1/3  loss 1.5000  elapsed 1.2 s',
      'run 1/2  epoch 2/3  loss 1.2500  elapsed 1.2 s',
    ]);
  });
});

describe('downloadProgress', () => {
  it('prints a line per 10 points without a terminal', () => {
    const output = captureOutput();
    const download = downloadProgress(output, 'data', undefined);
    for (const receivedBytes of [0, 50, 99, 100, 250, 1000]) {
      download.onProgress({ receivedBytes, totalBytes: 1000 });
    }
    download.onProgress({ receivedBytes: 10 });
    download.stop();
    expect(output.stderr).toEqual([
      'downloading data: 9%',
      'downloading data: 25%',
      'downloading data: 100%',
    ]);
  });
});

describe('conversionProgress', () => {
  it('prints the converted share without a terminal', () => {
    const output = captureOutput();
    const conversion = conversionProgress(output, 'big.csv', undefined);
    for (const readBytes of [400, 800, 1000]) {
      conversion.onProgress({ readBytes, totalBytes: 1000 });
    }
    conversion.stop();
    expect(output.stderr).toEqual([
      'converting big.csv to its binary cache: 40%',
      'converting big.csv to its binary cache: 80%',
      'converting big.csv to its binary cache: 100%',
    ]);
  });
});
