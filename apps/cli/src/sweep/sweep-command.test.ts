import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../program.js';
import { captureOutput } from '../test-output.js';

/** A loopback port where no test starts a server; nothing is reached. */
const UNUSED = 'redis://127.0.0.1:1';

async function fixclust(...args: string[]) {
  const output = captureOutput();
  const status = await main(['node', 'fixclust', ...args], output);
  return { status, stderr: output.stderr.join('\n') };
}

describe('sweep and worker checks before Redis', () => {
  let directory: string;
  let file: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-sweep-checks-'));
    file = join(directory, 'a-file');
    await writeFile(file, '');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['sweep', '--collect'],
    ['worker', '--models', join(tmpdir(), 'fixclust-unused-models')],
  ])('%s rejects an invalid queue', async (command, ...rest) => {
    for (const queue of ['', 'a:b']) {
      const args = [command, ...rest, '--redis', UNUSED, '--queue', queue];
      const { status, stderr } = await fixclust(...args);
      expect(status).toBe(2);
      expect(stderr).toContain('--queue must be a non-empty name without ":"');
    }
  });

  it.each(['redis://127.0.0.1:notaport', 'redis://:hunter2@127.0.0.1:99999'])(
    'rejects the URL %s',
    async (url) => {
      const { status, stderr } = await fixclust(
        'sweep',
        '--collect',
        '--redis',
        url,
      );
      expect(status).toBe(2);
      expect(stderr).toMatch(/^fixclust: --redis must be a redis:\/\//);
      expect(stderr).not.toContain('hunter2');
    },
  );

  it('rejects a file as --out', async () => {
    const args = ['--collect', '--redis', UNUSED, '--out', file];
    const { status, stderr } = await fixclust('sweep', ...args);
    expect(status).toBe(2);
    expect(stderr).toContain(`--out "${file}" is not a writable folder`);
  });

  it('rejects a file as --models', async () => {
    const args = ['--redis', UNUSED, '--models', file];
    const { status, stderr } = await fixclust('worker', ...args);
    expect(status).toBe(2);
    expect(stderr).toContain(`--models "${file}" is not a writable folder`);
  });

  it('rejects a negative --backoff', async () => {
    const grid = join(directory, 'grid.json');
    await writeFile(
      grid,
      JSON.stringify({ datasets: ['mnist'], methods: ['kmeans'] }),
    );
    const args = ['--grid', grid, '--redis', UNUSED, '--backoff', '-1'];
    const { status, stderr } = await fixclust('sweep', ...args);
    expect(status).toBe(2);
    expect(stderr).toContain('--backoff');
  });
});
