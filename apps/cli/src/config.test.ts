import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { captureOutput } from './test-output.js';
import { main } from './program.js';
import type { RunSummary } from './summary.js';

describe('fixclust run --config', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-config-'));
    const rows = Array.from({ length: 60 }, (_, i) => {
      const centre = i % 3;
      return [centre * 5 + (i % 7) / 10, centre * 100 + (i % 5), `c${centre}`];
    });
    await writeFile(
      join(directory, 'blobs.csv'),
      ['a,b,class', ...rows.map((r) => r.join(','))].join('\n'),
    );
    await writeFile(
      join(directory, 'experiment.yaml'),
      [
        'data:',
        '  dataset: blobs.csv',
        '  labelColumn: class',
        'preprocessing:',
        '  scaling: standard',
        'model:',
        '  preset: gmm1',
        '  hiddenSizes: [8]',
        '  autoencoder:',
        '    depth: 1',
        '    sizes: [4]',
        '    decoderActivation: linear',
        'training:',
        '  nRuns: 1',
        '  epochs: 3',
        '  batchSize: 16',
        '  seed: 5',
        'output:',
        '  out: results',
        '  quiet: true',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('runs the file with flags and variables on top', async () => {
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--config',
        join(directory, 'experiment.yaml'),
        '--epochs',
        '2',
      ],
      output,
      { FIXCLUST_EPOCHS: '7', FIXCLUST_LEARNING_RATE: '0.01' },
    );
    expect(output.stderr.join('\n')).not.toContain('fixclust:');
    expect(status).toBe(0);
    const summary = JSON.parse(
      await readFile(join(directory, 'results', 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.settings).toMatchObject({
      preset: 'gmm1',
      loss: 'gmm',
      scaling: 'standard',
      epochs: 2,
      learningRate: 0.01,
      nRuns: 1,
      seed: 5,
      autoencoder: {
        depth: 1,
        sizes: [4],
        decoderActivation: 'linear',
        reconstructionWeight: 1,
      },
      config: join(directory, 'experiment.yaml'),
      output: { out: join(directory, 'results'), quiet: true },
    });
    expect(summary.settings.origins).toMatchObject({
      'training.epochs': 'flag',
      'training.learningRate': 'environment',
      'preprocessing.scaling': 'config',
    });
    expect(summary.runs[0]!.epochLosses).toHaveLength(2);
    expect(
      (summary.runs[0] as { epochReconstruction?: number[] })
        .epochReconstruction,
    ).toHaveLength(2);
  });

  it('exits with status 2 on an invalid field', async () => {
    const config = join(directory, 'invalid.json');
    await writeFile(
      config,
      JSON.stringify({ training: { optimizer: 'lbfgs' } }),
    );
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--config', config],
      output,
      {},
    );
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain(
      `experiment file ${config}: field "training.optimizer" must be one of ` +
        `adam, sgd, got "lbfgs"`,
    );
  });

  it('names no flag for a misplaced field', async () => {
    const config = join(directory, 'misplaced.json');
    await writeFile(config, JSON.stringify({ pca: 0 }));
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--config', config],
      output,
      {},
    );
    expect(status).toBe(2);
    const message = output.stderr.join('\n');
    expect(message).toContain(
      `experiment file ${config}: field "pca" is not a known setting`,
    );
    expect(message).not.toContain('set with --pca');
  });

  it('turns off the preset PCA with pca 0', async () => {
    const config = join(directory, 'no-pca.yaml');
    await writeFile(
      config,
      [
        'data:',
        '  dataset: blobs.csv',
        '  labelColumn: class',
        'preprocessing:',
        '  pca: 0',
        'model:',
        '  preset: km-plus-text',
        'training:',
        '  nRuns: 1',
        '  epochs: 1',
        '  seed: 1',
        'output:',
        '  out: no-pca',
        '  quiet: true',
      ].join('\n'),
    );

    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--config', config],
      output,
      {},
    );
    expect(output.stderr.join('\n')).not.toContain('fixclust:');
    expect(status).toBe(0);

    const summary = JSON.parse(
      await readFile(join(directory, 'no-pca', 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.settings.preset).toBe('km-plus-text');
    expect(summary.settings.pca).toBeNull();
    expect(summary.settings.scaling).toBe('standard');
    expect(summary.settings.origins['preprocessing.pca']).toBe('config');
    expect(summary.dataset.nFeatures).toBe(2);
  });

  it('prints the reconstruction error per epoch', async () => {
    const config = join(directory, 'loud.json');
    await writeFile(
      config,
      JSON.stringify({
        data: { dataset: 'blobs.csv', labelColumn: 'class' },
        model: { preset: 'gmm1', autoencoder: { depth: 1, sizes: [4] } },
        training: { nRuns: 1, epochs: 1, seed: 1 },
      }),
    );
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--config', config],
      output,
      {},
    );
    expect(status).toBe(0);
    expect(output.stderr.join('\n')).toMatch(
      /epoch 1\/1 {2}loss -?\d+\.\d{4} {2}reconstruction \d+\.\d{4}/,
    );
  });

  it('lets the file quiet win over the environment', async () => {
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--config',
        join(directory, 'experiment.yaml'),
      ],
      output,
      { FIXCLUST_QUIET: 'false' },
    );
    expect(status).toBe(0);
    expect(output.stderr.join('\n')).not.toContain('epoch');
  });
});
