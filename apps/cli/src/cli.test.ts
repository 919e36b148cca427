import { execFile, spawn } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { captureOutput } from './test-output.js';
import { main } from './program.js';
import type { RunSummary } from './summary.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../bin/fixclust.js',
);
const run = promisify(execFile);

describe('fixclust run on 2,000 MNIST digits', () => {
  let directory: string;
  let stdout: string;
  let stderr: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-cli-'));
    const result = await run(process.execPath, [
      binary,
      'run',
      '--dataset',
      'mnist',
      '--preset',
      'km50',
      '--limit',
      '2000',
      '--epochs',
      '2',
      '--runs',
      '2',
      '--seed',
      '7',
      '--out',
      directory,
    ]);
    stdout = result.stdout;
    stderr = result.stderr;
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints the metric table', () => {
    expect(stdout).toMatch(/model\s+purity\s+ARI\s+NMI\s+ACC/);
    expect(stdout).toMatch(/^init(\s+\d\.\d{4}){4}$/m);
    expect(stdout).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
    expect(stdout).toMatch(
      /wall time .* backend (native|webgpu|wasm|cpu) .* seed 7/,
    );
  });

  it('reports progress per epoch on stderr', () => {
    expect(stderr).toMatch(/run 1\/2 {2}epoch 1\/2 {2}loss -?\d+\.\d{4}/);
    expect(stderr).toMatch(/run 2\/2 {2}epoch 2\/2/);
  });

  it('maps each label to its source row', async () => {
    const csv = await readFile(join(directory, 'labels.csv'), 'utf8');
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(','));
    const sourceRows = rows.map((row) => Number(row[1]));
    expect(new Set(sourceRows).size).toBe(2000);
    expect(sourceRows).toEqual([...sourceRows].sort((a, b) => a - b));
    expect(Math.max(...sourceRows)).toBeLessThan(70_000);
  });

  it('writes 2,000 labels in [0, 10)', async () => {
    const csv = await readFile(join(directory, 'labels.csv'), 'utf8');
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('index,row,label,init_label,class');
    expect(rows).toHaveLength(2000);
    const labels = rows.map((row) => Number(row.split(',')[2]));
    expect(labels.every((l) => Number.isInteger(l) && l >= 0 && l < 10)).toBe(
      true,
    );
  });

  it('saves a model that predicts the same labels', async () => {
    const predicted = join(directory, 'predicted.csv');
    await run(process.execPath, [
      binary,
      'predict',
      '--model',
      join(directory, 'model'),
      '--dataset',
      'mnist',
      '--limit',
      '2000',
      '--seed',
      '7',
      '--out',
      predicted,
    ]);
    const trained = await readFile(join(directory, 'labels.csv'), 'utf8');
    const again = await readFile(predicted, 'utf8');
    const column = (csv: string, index: number) =>
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((row) => row.split(',')[index]);
    // Both files have index, row and label first: the sampled rows and
    // their labels match.
    expect(again.split('\n')[0]).toBe('index,row,label');
    expect(column(again, 1)).toEqual(column(trained, 1));
    expect(column(again, 2)).toEqual(column(trained, 2));
  });

  it('writes summary.json with metrics and settings', async () => {
    const text = await readFile(join(directory, 'summary.json'), 'utf8');
    const summary = JSON.parse(text) as RunSummary;
    expect(summary.schemaVersion).toBe(1);
    expect(summary.seed).toBe(7);
    expect(['native', 'webgpu', 'wasm', 'cpu']).toContain(summary.backend.name);
    expect(stdout).toContain(`backend ${summary.backend.name} `);
    expect(summary.dataset).toMatchObject({ nSamples: 2000, limit: 2000 });
    expect(summary.settings).toMatchObject({
      preset: 'km50',
      lambda: 50,
      epochs: 2,
      nRuns: 2,
    });
    for (const model of [summary.init, summary.trained]) {
      expect(Object.keys(model!).sort()).toEqual([
        'accuracy',
        'ari',
        'nmi',
        'purity',
      ]);
      for (const value of Object.values(model!)) {
        expect(value).toBeGreaterThanOrEqual(-1);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(summary.runs).toHaveLength(2);
    expect(summary.runs[0]!.epochLosses).toHaveLength(2);
    expect(summary.timings.fitMs).toBeGreaterThan(0);
    expect(summary.clusterSizes.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});

describeWithData(
  'fixclust run with --data',
  ['mnist', 'usps/usps.h5'],
  (data) => {
    it('reads MNIST from a folder of gzipped files', async () => {
      const output = captureOutput();
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--data',
          join(data, 'mnist'),
          '--limit',
          '500',
          '--epochs',
          '1',
          '--runs',
          '1',
          '--seed',
          '0',
          '--quiet',
        ],
        output,
      );
      expect(status).toBe(0);
      expect(output.stderr.join('\n')).toContain('mnist: 500 samples × 784');
    });

    it('reads USPS from its HDF5 file', async () => {
      const output = captureOutput();
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--dataset',
          'usps',
          '--data',
          join(data, 'usps/usps.h5'),
          '--limit',
          '500',
          '--epochs',
          '1',
          '--runs',
          '1',
          '--seed',
          '1',
          '--quiet',
        ],
        output,
      );
      expect(status).toBe(0);
      expect(output.stderr.join('\n')).toContain('usps: 500 samples × 256');
    });
  },
);

describe('fixclust run on a CSV file', () => {
  let directory: string;
  let labelled: string;
  let unlabelled: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-csv-'));
    const rows = Array.from({ length: 40 }, (_, i) => {
      const centre = i % 2 === 0 ? 0 : 10;
      const f1 = centre + ((i * 7) % 5) / 10;
      const f2 = centre - ((i * 3) % 4) / 10;
      return { f1, f2, group: i % 2 === 0 ? 'a' : 'b' };
    });
    labelled = join(directory, 'labelled.csv');
    unlabelled = join(directory, 'unlabelled.csv');
    await writeFile(
      labelled,
      ['f1;f2;group', ...rows.map((r) => `${r.f1};${r.f2};${r.group}`)].join(
        '\n',
      ),
    );
    await writeFile(
      unlabelled,
      ['f1,f2', ...rows.map((r) => `${r.f1},${r.f2}`)].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const fast = ['--runs', '1', '--epochs', '2', '--seed', '1', '--quiet'];

  it('uses the label column only for the metrics', async () => {
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--dataset',
        labelled,
        '--label-column',
        'group',
        ...fast,
      ],
      output,
    );
    expect(status).toBe(0);
    expect(output.stderr.join('\n')).toContain('40 samples × 2 features');
    expect(output.stdout.join('\n')).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
  });

  it('prints label-free measures without labels', async () => {
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--dataset',
        unlabelled,
        '--clusters',
        '2',
        ...fast,
      ],
      output,
    );
    expect(status).toBe(0);
    const stdout = output.stdout.join('\n');
    expect(stdout).not.toContain('trained');
    expect(stdout).toMatch(
      /silhouette (-?\d\.\d{4}|undefined \(one cluster\)), Davies–Bouldin/,
    );
  });

  it('rejects a NaN cell before training', async () => {
    const file = join(directory, 'nan.csv');
    const out = join(directory, 'nan-out');
    await writeFile(file, 'f1,f2\n0,1\n2,3\n4,NaN\n6,7\n8,9\n10,11\n');
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--dataset',
        file,
        '--clusters',
        '2',
        '--out',
        out,
        ...fast,
      ],
      output,
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toMatch(/nan\.csv:4:\d+/);
    expect(output.stderr.join('\n')).toContain('NaN');
    expect(output.stdout.join('\n')).not.toContain('silhouette');
    await expect(readFile(join(out, 'labels.csv'))).rejects.toThrow();
  });

  describe('PCA progress', () => {
    const withPca = (quiet: boolean) => [
      'node',
      'fixclust',
      'run',
      '--dataset',
      labelled,
      '--label-column',
      'group',
      '--pca',
      '1',
      ...fast.filter((flag) => quiet || flag !== '--quiet'),
    ];

    it('reports the start and end of the PCA fit', async () => {
      const output = captureOutput();
      expect(await main(withPca(false), output, {})).toBe(0);
      const lines = output.stderr.join('\n');
      expect(lines).toMatch(
        /^fitting PCA on \d+ rows: 2 features -> 1 component$/m,
      );
      expect(lines).toMatch(/^fitted PCA in \d+\.\d+ s$/m);
    });

    it('says nothing with --quiet', async () => {
      const output = captureOutput();
      expect(await main(withPca(true), output, {})).toBe(0);
      expect(output.stderr.join('\n')).not.toContain('PCA');
    });
  });

  describe('--pca 0', () => {
    const textPreset = () => [
      'node',
      'fixclust',
      'run',
      '--dataset',
      labelled,
      '--label-column',
      'group',
      '--preset',
      'km-plus-text',
      ...fast,
    ];

    it('keeps the preset PCA without it', async () => {
      const output = captureOutput();
      const status = await main(textPreset(), output, {});
      expect(status).toBe(2);
      expect(output.stderr.join('\n')).toContain(
        'pca must be an integer between 1 and min(nSamples, nFeatures) (2), got 100',
      );
      expect(output.stderr.join('\n')).toContain(
        '(set with --pca; --pca 0 means none)',
      );
    });

    it('turns off the preset PCA', async () => {
      const output = captureOutput();
      const status = await main([...textPreset(), '--pca', '0'], output, {});
      expect(output.stderr.join('\n')).not.toContain('fixclust:');
      expect(status).toBe(0);
      expect(output.stdout.join('\n')).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
    });

    it('turns it off from FIXCLUST_PCA', async () => {
      const output = captureOutput();
      const status = await main(textPreset(), output, { FIXCLUST_PCA: '0' });
      expect(output.stderr.join('\n')).not.toContain('fixclust:');
      expect(status).toBe(0);
    });
  });

  it('asks for --clusters without labels', async () => {
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--dataset', unlabelled, ...fast],
      output,
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain('pass --clusters');
  });
});

describe('saved model on all of MNIST', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-roundtrip-'));
    await run(process.execPath, [
      binary,
      'run',
      '--dataset',
      'mnist',
      '--runs',
      '1',
      '--epochs',
      '1',
      '--seed',
      '3',
      '--backend',
      'wasm',
      '--quiet',
      '--out',
      directory,
    ]);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function predictedLabels(backend: string): Promise<string[]> {
    const file = join(directory, `${backend}.csv`);
    await run(process.execPath, [
      binary,
      'predict',
      '--model',
      join(directory, 'model'),
      '--dataset',
      'mnist',
      '--backend',
      backend,
      '--out',
      file,
    ]);
    const csv = await readFile(file, 'utf8');
    return csv
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[1]!);
  }

  async function trainedLabels(): Promise<string[]> {
    const csv = await readFile(join(directory, 'labels.csv'), 'utf8');
    return csv
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[2]!);
  }

  it('predicts the same labels in a new process', async () => {
    expect(await predictedLabels('wasm')).toEqual(await trainedLabels());
  });

  it('agrees on 99% of labels on another backend', async () => {
    const expected = await trainedLabels();
    const labels = await predictedLabels('cpu');
    const same = labels.filter((label, i) => label === expected[i]).length;
    expect(labels).toHaveLength(70_000);
    expect(same / labels.length).toBeGreaterThanOrEqual(0.99);
  });
});

describe('fixclust backends and --version', () => {
  it('lists every backend with whether it starts', async () => {
    const output = captureOutput();
    const status = await main(['node', 'fixclust', 'backends'], output);
    expect(status).toBe(0);
    const lines = output.stdout.join('\n');
    for (const name of ['native', 'webgpu', 'wasm', 'cpu']) {
      expect(lines).toMatch(
        new RegExp(`^${name}: (starts|does not start): `, 'm'),
      );
    }
    expect(lines).toMatch(
      /^wasm: starts: wasm 4\.22\.0 \(1 thread, SIMD on\)$/m,
    );
  });

  it('prints the versions of fixclust, tfjs and each backend', async () => {
    const output = captureOutput();
    const status = await main(['node', 'fixclust', '--version'], output);
    expect(status).toBe(0);
    const text = output.stdout.join('\n');
    expect(text).toMatch(/^fixclust \d+\.\d+\.\d+$/m);
    expect(text).toContain('@tensorflow/tfjs-core 4.22.0');
    expect(text).toMatch(/^@fixclust\/backend-native \d/m);
    expect(text).toMatch(/^@fixclust\/backend-wasm \d/m);
  });
});

describe('fixclust run input errors', () => {
  it.each([
    [['--clusters', '0'], 'nClusters must be an integer at least 1, got 0'],
    [['--clusters', '3.5'], '--clusters must be an integer, got "3.5"'],
    [['--epochs', 'ten'], '--epochs must be an integer, got "ten"'],
    [['--lambda', 'NaN'], '--lambda must be a finite number, got "NaN"'],
    [['--seed', '-1'], 'seed must be an integer between 0 and 4294967295'],
    [['--limit', '0'], '--limit must be an integer at least 1, got 0'],
    [
      ['--pca', '-1'],
      '--pca must be an integer at least 0 (0 for no PCA), got -1',
    ],
    [
      ['--backend', 'tpu'],
      'unknown backend "tpu"; available: native, webgpu, wasm, cpu',
    ],
    [['--epochs', '1e1'], '--epochs must be an integer, got "1e1"'],
    [['--out', '/dev/null/inside'], 'is not a writable folder'],
    [['--dataset', 'cifar'], 'cifar'],
    [['--delimiter', ';'], '--delimiter applies only to CSV and NPY files'],
    [['--dataset', 'usps'], 'USPS has no bundled copy'],
    [['--data', '/no/such/folder'], '/no/such/folder'],
  ])('rejects %j', async (args, message) => {
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--runs', '1', '--epochs', '1', ...args],
      output,
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(message);
    expect(output.stdout.join('\n')).not.toContain('trained');
  });

  // procfs returns ENOENT for mkdir of a new entry although /proc exists,
  // and Node's recursive mkdir then retries for ever.
  it.skipIf(process.platform !== 'linux')(
    'rejects --out under /proc on Linux',
    async () => {
      const output = captureOutput();
      const status = await main(
        ['node', 'fixclust', 'run', '--out', '/proc/fixclust-test/out'],
        output,
      );
      expect(status).toBe(2);
      expect(output.stderr.join('\n')).toContain(
        '--out "/proc/fixclust-test/out" is not a writable folder (ENOENT)',
      );
    },
  );

  it('removes the folders it made when the run fails', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fixclust-out-'));
    try {
      const out = join(parent, 'made', 'out');
      const report = join(parent, 'report');
      const output = captureOutput();
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--data',
          join(parent, 'missing.csv'),
          '--out',
          out,
          '--report',
          report,
        ],
        output,
      );
      expect(status).toBe(2);
      expect(output.stderr.join('\n')).toContain('missing.csv');
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('removes new folders shared by --out and --report', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fixclust-out-'));
    try {
      const shared = join(parent, 'shared');
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--data',
          join(parent, 'missing.csv'),
          '--out',
          join(shared, 'out'),
          '--report',
          join(shared, 'out', 'report'),
        ],
        captureOutput(),
      );
      expect(status).toBe(2);
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('never removes a folder reached through ..', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fixclust-out-'));
    try {
      await mkdir(join(parent, 'work'));
      await mkdir(join(parent, 'existing'));
      // Spelled out, since path.join would resolve the `..` parts.
      const out = [parent, 'work', 'new', '..', '..', 'existing', 'out'].join(
        sep,
      );
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--data',
          join(parent, 'x.csv'),
          '--out',
          out,
        ],
        captureOutput(),
      );
      expect(status).toBe(2);
      // The existing folder stays; so do the folders the path made.
      expect(await readdir(join(parent, 'existing'))).toEqual(['out']);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('keeps an --out folder that existed before a failed run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fixclust-out-'));
    try {
      const status = await main(
        [
          'node',
          'fixclust',
          'run',
          '--data',
          join(out, 'missing.csv'),
          '--out',
          out,
        ],
        captureOutput(),
      );
      expect(status).toBe(2);
      // readdir fails on a removed folder.
      expect(await readdir(out)).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('ends quietly when its reader closes the pipe', async () => {
    const child = spawn(process.execPath, [binary, 'run', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the help is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('reads decimal commas with --decimal-separator', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'fixclust-csv-'));
    try {
      const file = join(parent, 'commas.csv');
      const rows = Array.from(
        { length: 12 },
        (_, i) => `${i % 2},${i};${i % 3};${(i * 7) % 5},5`,
      );
      await writeFile(file, `a;b;c\n${rows.join('\n')}\n`);
      const base = ['node', 'fixclust', 'run', '--dataset', file];
      const fast = ['--clusters', '2', '--runs', '1', '--epochs', '1'];
      const without = captureOutput();
      expect(await main([...base, ...fast], without)).toBe(2);
      expect(without.stderr.join('\n')).toContain(
        "it looks like a decimal comma, so pass --decimal-separator ','",
      );
      const wrong = captureOutput();
      expect(
        await main([...base, ...fast, '--decimal-separator', ';'], wrong),
      ).toBe(2);
      expect(wrong.stderr.join('\n')).toContain(
        '--decimal-separator must be one of ".", ",", got ";"',
      );
      const output = captureOutput();
      const status = await main(
        [...base, ...fast, '--decimal-separator', ',', '--quiet'],
        output,
      );
      expect(output.stderr.join('\n')).not.toContain('fixclust:');
      expect(status).toBe(0);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('prints no stack trace without --debug', async () => {
    const output = captureOutput();
    await main(['node', 'fixclust', 'run', '--clusters', '0'], output);
    expect(output.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('prints the stack trace with --debug', async () => {
    const output = captureOutput();
    await main(
      ['node', 'fixclust', '--debug', 'run', '--clusters', '0'],
      output,
    );
    expect(output.stderr.join('\n')).toMatch(/\n\s+at /);
  });

  it('rejects more clusters than samples before training', async () => {
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--limit', '20', '--clusters', '21'],
      output,
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      'nClusters must be an integer between 1 and the number of samples (20), got 21',
    );
    expect(output.stderr.join('\n')).not.toContain('epoch');
  });
});

describe('fixclust sweep --grid errors', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-sweep-grid-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('names each bad value', async () => {
    const grid = join(directory, 'grid.json');
    await writeFile(
      grid,
      JSON.stringify({
        datasets: ['usps'],
        methods: ['km50'],
        seeds: [1, 'two'],
        pca: [-20],
      }),
    );
    const output = captureOutput();
    // No server listens on loopback port 1, and none is needed to check
    // the grid.
    const status = await main(
      [
        'node',
        'fixclust',
        'sweep',
        '--grid',
        grid,
        '--redis',
        'redis://127.0.0.1:1',
      ],
      output,
    );
    expect(status).toBe(2);
    const stderr = output.stderr.join('\n');
    expect(stderr).toContain(
      `fixclust: grid file ${grid} is invalid:\n` +
        '  grid.seeds[1] is "two"; expected an integer between 0 and ' +
        '4294967295\n' +
        '  grid.pca[0] is -20; expected an integer at least 0',
    );
    expect(stderr).not.toContain('Redis');
  });
});
