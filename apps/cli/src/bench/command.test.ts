import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { main } from '../program.js';
import { captureOutput, type CapturedOutput } from '../test-output.js';

describe('fixclust bench checks', () => {
  let folder: string;
  let dataDir: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fixclust-bench-checks-'));
    // The checks look for the files only; no cell reads this one.
    dataDir = join(folder, 'data');
    await mkdir(join(dataDir, 'usps'), { recursive: true });
    await writeFile(join(dataDir, 'usps', 'usps.h5'), '');
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(folder, { recursive: true, force: true });
  });

  /** Runs bench on the USPS stand-in with `extra` flags. */
  async function bench(
    extra: string[],
  ): Promise<{ status: number; output: CapturedOutput }> {
    const output = captureOutput();
    const status = await main(
      [
        ...['node', 'fixclust', 'bench', '--datasets', 'usps'],
        ...['--methods', 'random', '--pca', '0', '--data-dir', dataDir],
        ...['--out', join(folder, 'out')],
        ...extra,
      ],
      output,
    );
    return { status, output };
  }

  /** Tells whether any cell started, from the progress lines. */
  function cellStarted(output: CapturedOutput): boolean {
    return output.stderr.some((line) => line.startsWith('['));
  }

  it('rejects an --out that is a file before any cell', async () => {
    const file = join(folder, 'a-file');
    await writeFile(file, '');
    const { status, output } = await bench([
      '--backends',
      'cpu',
      '--out',
      file,
    ]);
    expect(status).toBe(2);
    expect(cellStarted(output)).toBe(false);
    expect(output.stderr.join('\n')).toContain(
      `--out "${file}" is not a writable folder`,
    );
  });

  it('rejects an unknown backend with the valid names', async () => {
    const { status, output } = await bench(['--backends', 'gpu']);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      '--backends must list values from native, webgpu, wasm, cpu, got "gpu"',
    );
  });

  it('rejects a misspelt backend after a valid one', async () => {
    const { status, output } = await bench(['--backends', 'cpu,cpuu']);
    expect(status).toBe(2);
    expect(cellStarted(output)).toBe(false);
    expect(output.stderr.join('\n')).toContain('got "cpuu"');
  });

  it('rejects a --data-dir that does not exist', async () => {
    const missing = join(folder, 'missing');
    const { status, output } = await bench([
      ...['--backends', 'cpu', '--data-dir', missing],
    ]);
    expect(status).toBe(2);
    expect(cellStarted(output)).toBe(false);
    expect(output.stderr.join('\n')).toContain(
      `--data-dir "${missing}" does not exist; the usps cells read ` +
        `usps/usps.h5 from it; pass --data-dir`,
    );
  });

  it('rejects a --data-dir without the data set file', async () => {
    const empty = join(folder, 'empty');
    await mkdir(empty, { recursive: true });
    const { status, output } = await bench([
      ...['--backends', 'cpu', '--data-dir', empty],
    ]);
    expect(status).toBe(2);
    expect(cellStarted(output)).toBe(false);
    expect(output.stderr.join('\n')).toContain(
      `--data-dir "${empty}" has no file usps/usps.h5`,
    );
  });

  it('runs a backend listed twice once', async () => {
    const { output } = await bench(['--backends', 'cpu,cpu']);
    const progress = output.stderr.filter((line) => line.startsWith('['));
    expect(progress[0]).toMatch(/^\[1\/1\] /);
  });

  it('names FIXCLUST_DATA when it set the folder', async () => {
    const empty = join(folder, 'empty-env');
    await mkdir(empty, { recursive: true });
    vi.stubEnv('FIXCLUST_DATA', empty);
    const output = captureOutput();
    const status = await main(
      [
        ...['node', 'fixclust', 'bench', '--datasets', '20news'],
        ...['--methods', 'random', '--backends', 'cpu'],
        ...['--out', join(folder, 'out')],
      ],
      output,
    );
    vi.unstubAllEnvs();
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      `FIXCLUST_DATA "${empty}" has no file 20news/20news-bydate.tar.gz`,
    );
  });

  it('rejects --no-raw with --pca 0', async () => {
    const { status, output } = await bench(['--backends', 'cpu', '--no-raw']);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      '--no-raw with --pca 0 selects no cell',
    );
  });

  it.each([
    ['--n-init', '--n-init must be an integer at least 1, got 0'],
    [
      '--silhouette-sample',
      '--silhouette-sample must be an integer at least 1, got 0',
    ],
  ])('names %s as typed', async (flag, message) => {
    const { status, output } = await bench(['--backends', 'cpu', flag, '0']);
    expect(status).toBe(2);
    expect(output.stderr).toEqual([`fixclust: ${message}`]);
  });

  it('shows a bad seed as typed', async () => {
    const { status, output } = await bench([
      ...['--backends', 'cpu', '--seeds', '1,x2'],
    ]);
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain('got "x2"');
    expect(output.stderr.join('\n')).not.toContain('NaN');
  });
});

describe('fixclust bench --help', () => {
  let help: string;

  beforeAll(async () => {
    const output = captureOutput();
    await main(['node', 'fixclust', 'bench', '--help'], output);
    help = output.stdout.join('\n').replace(/\s+/g, ' ');
  });

  it('names every file --out gets', () => {
    expect(help).toContain('benchmarks.md, .json, .csv and .html');
  });

  it('names FIXCLUST_BACKEND', () => {
    expect(help).toContain('FIXCLUST_BACKEND');
  });

  it('says which data sets --data-dir holds', () => {
    expect(help).toContain('20news/20news-bydate.tar.gz');
    expect(help).toContain('MNIST needs none');
  });

  it('says that other flags override --quick', () => {
    expect(help).toContain('other flags given with it override');
  });
});
