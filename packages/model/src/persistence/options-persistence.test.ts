import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from '../data.js';
import { FixedRepresentativeClustering } from '../model.js';
import type { FixedRepresentativeOptions } from '../options.js';
import { loadModel, saveModel } from './files.js';

/** Three blobs as 4 × 4 single-channel images (16 features). */
function images(seed: number): DataMatrix {
  const random = new Random(seed);
  const nSamples = 90;
  const x = new Float32Array(nSamples * 16);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < 16; j++) {
      x[i * 16 + j] = (j % 3 === i % 3 ? 0.8 : 0.1) + 0.2 * random.float();
    }
  }
  return { x, nSamples, nFeatures: 16, sampleShape: [4, 4] };
}

const base = { nClusters: 3, nRuns: 1, epochs: 2, batchSize: 32, seed: 3 };
let root: string;

beforeAll(async () => {
  await wasmBackend().initialise();
  root = await mkdtemp(join(tmpdir(), 'fixclust-options-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cases: Array<[string, Partial<FixedRepresentativeOptions>, number]> = [
  ['default options', {}, 1],
  ['tanh output and sgd', { outputActivation: 'tanh', optimizer: 'sgd' }, 1],
  ['standard scaling', { scaling: 'standard' }, 2],
  ['minmax scaling after pca', { pca: 5, scaling: 'minmax' }, 2],
  ['an autoencoder', { autoencoder: { depth: 2, sizes: [8, 6] } }, 2],
  ['a code as mapped space', { hiddenSizes: [], autoencoder: { depth: 1 } }, 2],
  [
    'a CNN autoencoder',
    { network: 'cnn', filters: [2, 3], autoencoder: { depth: 1, sizes: [5] } },
    2,
  ],
  [
    'trained mixture parameters',
    {
      loss: 'gmm',
      trainableLocations: true,
      trainableLogits: true,
      trainableScale: true,
    },
    2,
  ],
];

describe('saving new options', () => {
  it.each(cases)('round-trips %s', async (name, options, version) => {
    const data = images(1);
    const model = new FixedRepresentativeClustering({ ...base, ...options });
    await model.fit(data);
    const directory = join(root, name.replaceAll(' ', '-'));
    await saveModel(model, directory);
    const manifest = JSON.parse(
      await readFile(join(directory, 'model.json'), 'utf8'),
    );
    expect(manifest.formatVersion).toBe(version);
    expect(manifest.options).toEqual(model.options);

    const loaded = await loadModel(directory);
    const other = images(2);
    expect(loaded.options).toEqual(model.options);
    expect(Array.from(await loaded.predict(other))).toEqual(
      Array.from(await model.predict(other)),
    );
    expect(Array.from(await loaded.transform(other))).toEqual(
      Array.from(await model.transform(other)),
    );
  });

  it('describes the preprocessing in the manifest', async () => {
    const model = new FixedRepresentativeClustering({
      ...base,
      pca: 4,
      scaling: 'standard',
    });
    await model.fit(images(1));
    const directory = join(root, 'described');
    await saveModel(model, directory);
    const manifest = JSON.parse(
      await readFile(join(directory, 'model.json'), 'utf8'),
    );
    expect(manifest.preprocessing).toEqual({
      pca: {
        nComponents: 4,
        mean: 'preprocessing.pca.mean',
        components: 'preprocessing.pca.components',
      },
      scaling: {
        method: 'standard',
        shift: 'preprocessing.scaling.shift',
        factor: 'preprocessing.scaling.factor',
      },
    });
    const names = manifest.weights.tensors.map((t: { name: string }) => t.name);
    expect(names).toContain('preprocessing.pca.components');
  });

  it('names a missing tensor', async () => {
    const model = new FixedRepresentativeClustering({
      ...base,
      scaling: 'minmax',
    });
    await model.fit(images(1));
    const directory = join(root, 'missing-tensor');
    await saveModel(model, directory);
    const path = join(directory, 'model.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.options.scaling = 'none';
    await writeFile(path, JSON.stringify(manifest));
    await expect(loadModel(directory)).rejects.toThrow(
      /\(preprocessing.scaling.shift\) is not part of the network the options describe/,
    );
  });

  it('loads format version 1 without the new option fields', async () => {
    const model = new FixedRepresentativeClustering(base);
    await model.fit(images(1));
    const directory = join(root, 'version-1');
    await saveModel(model, directory);
    const path = join(directory, 'model.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const { nClusters, loss, lambda, hiddenSizes, activation, seed } =
      manifest.options;
    manifest.options = {
      nClusters,
      loss,
      lambda,
      hiddenSizes,
      activation,
      seed,
    };
    await writeFile(path, JSON.stringify(manifest));
    const loaded = await loadModel(directory);
    expect(loaded.options.scaling).toBe('none');
    expect(Array.from(await loaded.predict(images(2)))).toEqual(
      Array.from(await model.predict(images(2))),
    );
  });
});
