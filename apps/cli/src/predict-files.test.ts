import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  gaussianMixture,
  kmeans,
  pca,
  saveBaseline,
} from '@fixclust/baselines';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from './program.js';
import { captureOutput } from './test-output.js';

/** 90 rows of three blobs in 4 features, with a class column. */
function blobRows(offset: number): string[] {
  return Array.from({ length: 90 }, (_, i) => {
    const centre = i % 3;
    const values = [0, 1, 2, 3].map(
      (j) => (j === centre ? 6 : 0) + (((i + offset) * (j + 3)) % 11) / 11,
    );
    return [...values, `c${centre}`].join(',');
  });
}

function matrixOf(rows: string[]) {
  const values = rows.flatMap((row) => row.split(',').slice(0, 4).map(Number));
  return { x: Float32Array.from(values), nSamples: rows.length, nFeatures: 4 };
}

/** Runs the CLI in this process and returns its status and output. */
async function fixclust(...args: string[]) {
  const output = captureOutput();
  const status = await main(['node', 'fixclust', ...args], output, {});
  const stdout = output.stdout.join('\n').split('\n');
  return { status, stdout, stderr: output.stderr.join('\n') };
}

function column(csv: string, index: number): string[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.split(',')[index]!);
}

describe('fixclust predict on files and saved baselines', () => {
  let directory: string;
  const train = blobRows(0);
  const fresh = blobRows(5);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fixclust-predict-'));
    const header = 'a,b,c,d,class';
    await writeFile(
      join(directory, 'train.csv'),
      [header, ...train].join('\n'),
    );
    await writeFile(join(directory, 'new.csv'), [header, ...fresh].join('\n'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('labels a new CSV file with a trained model', async () => {
    const trained = await fixclust(
      'run',
      '--dataset',
      join(directory, 'train.csv'),
      '--label-column',
      'class',
      '--clusters',
      '3',
      '--runs',
      '1',
      '--epochs',
      '2',
      '--seed',
      '3',
      '--backend',
      'cpu',
      '--quiet',
      '--out',
      join(directory, 'run'),
    );
    expect(trained.stderr).not.toContain('fixclust:');
    expect(trained.status).toBe(0);

    const predicted = await fixclust(
      'predict',
      '--model',
      join(directory, 'run', 'model'),
      '--dataset',
      join(directory, 'train.csv'),
      '--label-column',
      'class',
      '--backend',
      'cpu',
    );
    expect(predicted.status).toBe(0);
    const labels = await readFile(join(directory, 'run', 'labels.csv'), 'utf8');
    const header = labels.split('\n')[0]!.split(',');
    expect(column(predicted.stdout.join('\n'), 1)).toEqual(
      column(labels, header.indexOf('label')),
    );

    const onNew = await fixclust(
      'predict',
      '--model',
      join(directory, 'run', 'model'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
      '--backend',
      'cpu',
    );
    expect(onNew.status).toBe(0);
    expect(column(onNew.stdout.join('\n'), 1)).toHaveLength(90);
  });

  it('names --plugin for a model whose representative type is missing', async () => {
    const model = join(directory, 'run', 'model');
    const copy = join(directory, 'plug-in-model');
    await cp(model, copy, { recursive: true });
    const manifestPath = join(copy, 'model.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      representatives: { type: string };
    };
    manifest.representatives.type = 'not-installed-type';
    await writeFile(manifestPath, JSON.stringify(manifest));

    const predicted = await fixclust(
      'predict',
      '--model',
      copy,
      '--dataset',
      join(directory, 'train.csv'),
      '--label-column',
      'class',
      '--backend',
      'cpu',
    );
    expect(predicted.status).toBe(2);
    expect(predicted.stderr).toContain(
      'install the package that provides it and pass it with --plugin MODULE',
    );
  });

  it('points from a run folder to its model', async () => {
    const result = await fixclust(
      'predict',
      '--model',
      join(directory, 'run'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `its model is in ${join(directory, 'run', 'model')}`,
    );
  });

  it('rejects --proba for a k-means model', async () => {
    const result = await fixclust(
      'predict',
      '--model',
      join(directory, 'run', 'model'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
      '--proba',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('this model uses km, so leave out --proba');
  });

  it('rejects a file with another number of features', async () => {
    const narrow = join(directory, 'narrow.csv');
    await writeFile(narrow, 'a,b\n1,2\n3,4\n');
    const result = await fixclust(
      'predict',
      '--model',
      join(directory, 'run', 'model'),
      '--dataset',
      narrow,
      '--backend',
      'cpu',
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\b2\b.*\b4\b|\b4\b.*\b2\b/);
  });

  it('labels new rows with a saved k-means model', async () => {
    const fitted = await kmeans(matrixOf(train), { nClusters: 3, seed: 1 });
    await saveBaseline(fitted, join(directory, 'kmeans'));
    const result = await fixclust(
      'predict',
      '--model',
      join(directory, 'kmeans'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
    );
    expect(result.stderr).not.toContain('fixclust:');
    expect(column(result.stdout.join('\n'), 1)).toEqual(
      Array.from(fitted.predict(matrixOf(fresh)), String),
    );
  });

  it('writes mixture probabilities with --proba', async () => {
    const fitted = await gaussianMixture(matrixOf(train), {
      nComponents: 3,
      covarianceType: 'diag',
      seed: 1,
    });
    await saveBaseline(fitted, join(directory, 'gmm'));
    const result = await fixclust(
      'predict',
      '--model',
      join(directory, 'gmm'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
      '--proba',
    );
    const [header, first] = result.stdout;
    expect(header).toBe('index,label,p0,p1,p2');
    const probabilities = first!.split(',').slice(2).map(Number);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('transforms with a saved PCA and rejects predict', async () => {
    const fitted = await pca(matrixOf(train), { nComponents: 2 });
    await saveBaseline(fitted, join(directory, 'pca'));
    const args = [
      '--model',
      join(directory, 'pca'),
      '--dataset',
      join(directory, 'new.csv'),
      '--label-column',
      'class',
    ];
    const mapped = await fixclust('transform', ...args);
    expect(mapped.stdout[0]).toBe('index,pc0,pc1');
    expect(mapped.stdout).toHaveLength(91);
    const rejected = await fixclust('predict', ...args);
    expect(rejected.status).not.toBe(0);
    expect(rejected.stderr).toContain('use fixclust transform');
  });
});
