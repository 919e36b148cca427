import { execFile } from 'node:child_process';
import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import { InvalidDataError, Random } from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FixedRepresentativeClustering } from '../model.js';
import { MODEL_PACKAGE_VERSION } from '../version.js';
import { loadModel, saveModel } from './files.js';

function blobs(seed: number) {
  const random = new Random(seed);
  const nSamples = 120;
  const nFeatures = 5;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      x[i * nFeatures + j] = (j === i % 3 ? 3 : 0) + random.float() - 0.5;
    }
  }
  return { x, nSamples, nFeatures };
}

const options = { nClusters: 3, nRuns: 2, epochs: 3, batchSize: 32 };
let root: string;
let model: FixedRepresentativeClustering;
let saved: string;

beforeAll(async () => {
  await wasmBackend().initialise();
  root = await mkdtemp(join(tmpdir(), 'fixclust-model-'));
  model = new FixedRepresentativeClustering({ ...options, seed: 1 });
  await model.fit(blobs(1));
  saved = join(root, 'saved');
  await saveModel(model, saved);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await wasmBackend().initialise();
});

/** Copies the saved model into a new folder for one corruption. */
async function copyOfSaved(name: string): Promise<string> {
  const target = join(root, name);
  await saveModel(model, target);
  return target;
}

async function manifestOf(directory: string) {
  return JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
}

async function weightsPathOf(directory: string): Promise<string> {
  return join(directory, (await manifestOf(directory)).weights.file);
}

describe('saveModel and loadModel', () => {
  it('round-trips the labels', async () => {
    const loaded = await loadModel(saved);
    const data = blobs(2);
    expect(Array.from(await loaded.predict(data))).toEqual(
      Array.from(await model.predict(data)),
    );
    expect(Array.from(await loaded.transform(data))).toEqual(
      Array.from(await model.transform(data)),
    );
  });

  it('records options, seed and training', async () => {
    const manifest = await manifestOf(saved);
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.options).toEqual(model.options);
    expect(manifest.training.seed).toBe(1);
    expect(manifest.training.bestRun).toBe(model.fittedState!.training.bestRun);
    expect(manifest.representatives.type).toBe('vertex');
    expect(manifest.versions['@fixclust/model']).toBe(MODEL_PACKAGE_VERSION);
  });

  it('loads on another backend', async () => {
    await cpuBackend().initialise();
    const loaded = await loadModel(saved);
    const data = blobs(3);
    const labels = await loaded.predict(data);
    await wasmBackend().initialise();
    const expected = await model.predict(data);
    const same = labels.filter((l, i) => l === expected[i]).length;
    expect(same / labels.length).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps one weights file after saving twice', async () => {
    const directory = await copyOfSaved('twice');
    const other = new FixedRepresentativeClustering({ ...options, seed: 2 });
    await other.fit(blobs(1));
    await saveModel(other, directory);
    const files = (await readdir(directory)).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('model.json');
  });

  it('rejects saving an unfitted model', async () => {
    const unfitted = new FixedRepresentativeClustering(options);
    await expect(saveModel(unfitted, join(root, 'none'))).rejects.toThrow(
      /not fitted yet/,
    );
  });
});

describe('loadModel on damaged files', () => {
  it('names a missing manifest', async () => {
    const directory = join(root, 'empty');
    await expect(loadModel(directory)).rejects.toThrow(
      `model file ${join(directory, 'model.json')} is missing`,
    );
  });

  it('names an unknown format version', async () => {
    const directory = await copyOfSaved('version');
    const manifest = await manifestOf(directory);
    manifest.formatVersion = 99;
    await writeFile(join(directory, 'model.json'), JSON.stringify(manifest));
    await expect(loadModel(directory)).rejects.toThrow(
      /field "formatVersion" is 99, but this version of @fixclust\/model reads only format version 1/,
    );
  });

  it('names missing weights', async () => {
    const directory = await copyOfSaved('missing');
    const weights = await weightsPathOf(directory);
    await rm(weights);
    await expect(loadModel(directory)).rejects.toThrow(
      `model file ${weights} is missing`,
    );
  });

  it('names truncated weights', async () => {
    const directory = await copyOfSaved('truncated');
    await truncate(await weightsPathOf(directory), 100);
    await expect(loadModel(directory)).rejects.toThrow(
      /has 100 bytes, but field "weights.byteLength" says \d+; the file is truncated/,
    );
  });

  it('names a checksum mismatch', async () => {
    const directory = await copyOfSaved('checksum');
    const path = await weightsPathOf(directory);
    const bytes = await readFile(path);
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(path, bytes);
    await expect(loadModel(directory)).rejects.toThrow(
      /but field "weights.sha256" says [0-9a-f]{64}; the file is corrupted/,
    );
  });

  it('names a shape mismatch', async () => {
    const directory = await copyOfSaved('shape');
    const manifest = await manifestOf(directory);
    manifest.weights.tensors[0].shape = [5, 16];
    await writeFile(join(directory, 'model.json'), JSON.stringify(manifest));
    await expect(loadModel(directory)).rejects.toThrow(
      'field "weights.tensors[0]" (layers.0.weight) has shape [5, 16], but the network the options describe needs [5, 32]',
    );
  });

  it('names an unregistered representative type', async () => {
    const directory = await copyOfSaved('type');
    const manifest = await manifestOf(directory);
    manifest.representatives.type = 'hexagon';
    await writeFile(join(directory, 'model.json'), JSON.stringify(manifest));
    await expect(loadModel(directory)).rejects.toThrow(
      /field "representatives.type" is "hexagon", which is not registered/,
    );
  });

  it('names invalid JSON', async () => {
    const directory = await copyOfSaved('json');
    await writeFile(join(directory, 'model.json'), '{"format": ');
    await expect(loadModel(directory)).rejects.toBeInstanceOf(InvalidDataError);
  });

  it('rejects a weights file name with a path', async () => {
    const directory = await copyOfSaved('path');
    const manifest = await manifestOf(directory);
    manifest.weights.file = '../../etc/passwd';
    await writeFile(join(directory, 'model.json'), JSON.stringify(manifest));
    await expect(loadModel(directory)).rejects.toThrow(
      /field "weights.file" must be a plain file name/,
    );
  });
});

describe('interrupted save', () => {
  it('leaves the previous model loadable', async () => {
    const directory = await copyOfSaved('interrupted');
    const distIndex = resolve(
      dirname(fileURLToPath(import.meta.url)),
      '../../dist/index.js',
    );
    const script = `
      import { wasmBackend } from '@fixclust/backend-wasm';
      import { FixedRepresentativeClustering, saveModel } from ${JSON.stringify(pathToFileURL(distIndex).href)};
      await wasmBackend().initialise();
      const x = new Float32Array(120 * 5).map((_, i) => (i * 7919) % 13);
      const model = new FixedRepresentativeClustering({ nClusters: 3, nRuns: 1, epochs: 1, seed: 9 });
      await model.fit({ x, nSamples: 120, nFeatures: 5 });
      await saveModel(model, ${JSON.stringify(directory)}, {
        onWeightsWritten: () => process.kill(process.pid, 'SIGKILL'),
      });
    `;
    const child = promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: resolve(dirname(fileURLToPath(import.meta.url)), '../..') },
    );
    await expect(child).rejects.toMatchObject({ signal: 'SIGKILL' });

    const files = await readdir(directory);
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    const loaded = await loadModel(directory);
    const data = blobs(4);
    expect(Array.from(await loaded.predict(data))).toEqual(
      Array.from(await model.predict(data)),
    );
  });
});

describe('MODEL_PACKAGE_VERSION', () => {
  it('matches package.json', async () => {
    const manifest = JSON.parse(
      await readFile(
        resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json'),
        'utf8',
      ),
    );
    expect(MODEL_PACKAGE_VERSION).toBe(manifest.version);
  });
});
