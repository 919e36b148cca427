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

import { wasmBackend } from '@fixclust/backend-wasm';
import {
  encodeArrays,
  InvalidDataError,
  InvalidParameterError,
  sha256Hex,
} from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FittedKMeans } from '../fitted.js';
import { gaussianMixture } from '../gaussian-mixture.js';
import { kmeans, type KMeansResult } from '../kmeans.js';
import { pca } from '../pca.js';
import { blobs } from '../test-fixtures.js';
import { BASELINES_PACKAGE_VERSION } from '../version.js';
import { deserializeBaseline, serializeBaseline } from './artifacts.js';
import { loadBaseline, loadBaselineFromUrl, saveBaseline } from './files.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CENTRES = [
  [0, 0],
  [6, 0],
  [0, 6],
];
let root: string;
let model: KMeansResult;
let saved: string;

beforeAll(async () => {
  await wasmBackend().initialise();
  root = await mkdtemp(join(tmpdir(), 'fixclust-baselines-'));
  model = await kmeans(blobs(CENTRES, 30, 1), { nClusters: 3, seed: 4 });
  saved = join(root, 'saved');
  await saveBaseline(model, saved);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Saves the k-means model into a new folder for one corruption. */
async function copyOfSaved(name: string): Promise<string> {
  const target = join(root, name);
  await saveBaseline(model, target);
  return target;
}

async function manifestOf(directory: string) {
  return JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
}

async function rewriteManifest(
  directory: string,
  change: (manifest: Record<string, any>) => void,
): Promise<void> {
  const manifest = await manifestOf(directory);
  change(manifest);
  await writeFile(join(directory, 'model.json'), JSON.stringify(manifest));
}

async function weightsPathOf(directory: string): Promise<string> {
  return join(directory, (await manifestOf(directory)).weights.file);
}

describe('saveBaseline', () => {
  it('records kind, settings and versions', async () => {
    const manifest = await manifestOf(saved);
    expect(manifest.format).toBe('fixclust-baseline');
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.kind).toBe('kmeans');
    expect(manifest.nFeatures).toBe(2);
    expect(manifest.settings).toEqual({ nClusters: 3, seed: 4 });
    expect(manifest.versions['@fixclust/baselines']).toBe(
      BASELINES_PACKAGE_VERSION,
    );
    expect(manifest.weights.tensors).toEqual([
      { name: 'mean', shape: [2], dtype: 'float64' },
      { name: 'centredCentres', shape: [3, 2], dtype: 'float64' },
    ]);
  });

  it('keeps one weights file after saving twice', async () => {
    const directory = await copyOfSaved('twice');
    const other = await kmeans(blobs(CENTRES, 30, 2), {
      nClusters: 3,
      seed: 5,
    });
    await saveBaseline(other, directory);
    const files = (await readdir(directory)).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('model.json');
  });

  it('rejects a copy of a result', async () => {
    const copy: FittedKMeans = { ...model };
    await expect(saveBaseline(copy, join(root, 'copy'))).rejects.toThrow(
      InvalidParameterError,
    );
  });

  it('saves a loaded baseline again', async () => {
    const loaded = await loadBaseline(saved);
    await saveBaseline(loaded, join(root, 'again'));
    const again = await loadBaseline(join(root, 'again'), { kind: 'kmeans' });
    expect(again.centres).toEqual(model.centres);
  });
});

describe('loadBaseline', () => {
  it('loads each kind', async () => {
    const data = blobs(CENTRES, 30, 3);
    const fits = [
      await gaussianMixture(data, { nComponents: 3, seed: 1 }),
      await gaussianMixture(data, {
        nComponents: 3,
        covarianceType: 'diag',
        seed: 1,
      }),
      await pca(data, { nComponents: 1 }),
    ];
    for (const [i, fitted] of fits.entries()) {
      const directory = join(root, `kind-${i}`);
      await saveBaseline(fitted, directory);
      const loaded = await loadBaseline(directory);
      expect(loaded.kind).toBe(fitted.kind);
    }
  });

  it('rejects rows with another feature count', async () => {
    const data = blobs(CENTRES, 30, 3);
    const narrow = { x: new Float32Array(15), nSamples: 5, nFeatures: 3 };
    const mixture = join(root, 'narrow-gmm');
    await saveBaseline(
      await gaussianMixture(data, { nComponents: 2, seed: 1 }),
      mixture,
    );
    const loadedMixture = await loadBaseline(mixture, {
      kind: 'gaussian-mixture',
    });
    const projection = join(root, 'narrow-pca');
    await saveBaseline(await pca(data, { nComponents: 1 }), projection);
    const loadedPca = await loadBaseline(projection, { kind: 'pca' });
    const loadedKMeans = await loadBaseline(saved, { kind: 'kmeans' });

    const cases: Array<[() => unknown, string]> = [
      [() => loadedKMeans.predict(narrow), 'k-means model'],
      [() => loadedMixture.predict(narrow), 'Gaussian mixture'],
      [() => loadedMixture.predictProba(narrow), 'Gaussian mixture'],
      [() => loadedPca.transform(narrow), 'PCA'],
    ];
    for (const [call, model] of cases) {
      expect(call).toThrow(
        `data has 3 features, but the ${model} was fitted on 2`,
      );
    }
  });

  it('loads from a URL', async () => {
    const manifestText = await readFile(join(saved, 'model.json'));
    const weights = await readFile(await weightsPathOf(saved));
    const fetchFunction = (async (url: string) =>
      new Response(
        url.endsWith('model.json') ? manifestText : weights,
      )) as typeof fetch;
    const loaded = await loadBaselineFromUrl(
      'https://example.test/model.json',
      {
        kind: 'kmeans',
        fetchFunction,
      },
    );
    expect(loaded.centres).toEqual(model.centres);
  });
});

describe('loadBaseline on damaged files', () => {
  it('names a missing manifest', async () => {
    const directory = join(root, 'empty');
    await expect(loadBaseline(directory)).rejects.toThrow(
      `model file ${join(directory, 'model.json')} is missing`,
    );
  });

  it('names an unknown format version', async () => {
    const directory = await copyOfSaved('version');
    await rewriteManifest(directory, (m) => (m.formatVersion = 99));
    await expect(loadBaseline(directory)).rejects.toThrow(
      `model manifest ${join(directory, 'model.json')}: field "formatVersion" is 99, but this version of @fixclust/baselines reads only format version 1`,
    );
  });

  it('names missing weights', async () => {
    const directory = await copyOfSaved('missing');
    const weights = await weightsPathOf(directory);
    await rm(weights);
    await expect(loadBaseline(directory)).rejects.toThrow(
      `model file ${weights} is missing`,
    );
  });

  it('names truncated weights', async () => {
    const directory = await copyOfSaved('truncated');
    const weights = await weightsPathOf(directory);
    await truncate(weights, 20);
    await expect(loadBaseline(directory)).rejects.toThrow(
      `weights file ${weights.split('/').pop()} of ${join(directory, 'model.json')} has 20 bytes, but field "weights.byteLength" says 64; the file is truncated`,
    );
  });

  it('names a checksum mismatch', async () => {
    const directory = await copyOfSaved('checksum');
    const path = await weightsPathOf(directory);
    const bytes = await readFile(path);
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(path, bytes);
    await expect(loadBaseline(directory)).rejects.toThrow(
      /but field "weights.sha256" says [0-9a-f]{64}; the file is corrupted/,
    );
  });

  it('names a shape mismatch', async () => {
    const directory = await copyOfSaved('shape');
    await rewriteManifest(directory, (m) => (m.settings.nClusters = 2));
    await expect(loadBaseline(directory)).rejects.toThrow(
      'field "weights.tensors[1]" (centredCentres) has shape [3, 2], but fields "nFeatures" and "settings" need [2, 2]',
    );
  });

  it('names an array of another kind', async () => {
    const directory = await copyOfSaved('array');
    await rewriteManifest(
      directory,
      (m) => (m.weights.tensors[0].name = 'components'),
    );
    await expect(loadBaseline(directory)).rejects.toThrow(
      'field "weights.tensors[0]" (components) is not an array of a "kmeans" model',
    );
  });

  it('names another kind than requested', async () => {
    const directory = join(root, 'pca');
    await saveBaseline(
      await pca(blobs(CENTRES, 30, 1), { nComponents: 1 }),
      directory,
    );
    await expect(loadBaseline(directory, { kind: 'kmeans' })).rejects.toThrow(
      'field "kind" is "pca", but a "kmeans" model was requested',
    );
  });

  it('names a deep model folder', async () => {
    const directory = await copyOfSaved('deep');
    await rewriteManifest(directory, (m) => (m.format = 'fixclust-model'));
    await expect(loadBaseline(directory)).rejects.toThrow(
      'field "format" is "fixclust-model": the folder holds a deep clustering model, which loads with loadModel from @fixclust/model',
    );
  });

  it('names an unknown kind', async () => {
    const directory = await copyOfSaved('kind');
    await rewriteManifest(directory, (m) => (m.kind = 'dbscan'));
    await expect(loadBaseline(directory)).rejects.toThrow(
      'field "kind" must be one of "kmeans", "gaussian-mixture", "pca", got "dbscan"',
    );
  });

  it('names invalid JSON', async () => {
    const directory = await copyOfSaved('json');
    await writeFile(join(directory, 'model.json'), '{"format": ');
    await expect(loadBaseline(directory)).rejects.toBeInstanceOf(
      InvalidDataError,
    );
  });

  it('rejects a weights file name with a path', async () => {
    const directory = await copyOfSaved('path');
    await rewriteManifest(
      directory,
      (m) => (m.weights.file = '../../etc/passwd'),
    );
    await expect(loadBaseline(directory)).rejects.toThrow(
      /field "weights.file" must be a plain file name/,
    );
  });

  it('names non-finite values', async () => {
    const { manifest } = await serializeBaseline(model);
    const weights = encodeArrays([
      { values: [0, NaN], dtype: 'float64' },
      { values: new Float64Array(6), dtype: 'float64' },
    ]);
    manifest.weights.sha256 = await sha256Hex(weights);
    await expect(
      deserializeBaseline(manifest, weights, 'memory'),
    ).rejects.toThrow(
      'model manifest memory: field "weights.tensors" (mean) contains NaN or infinite values',
    );
  });
});

describe('interrupted saveBaseline', () => {
  it('leaves the previous baseline loadable', async () => {
    const directory = await copyOfSaved('interrupted');
    const distIndex = join(packageRoot, 'dist/index.js');
    const script = `
      import { cpuBackend } from '@fixclust/backend-cpu';
      import { kmeans, saveBaseline } from ${JSON.stringify(pathToFileURL(distIndex).href)};
      await cpuBackend().initialise();
      const x = new Float32Array(60 * 2).map((_, i) => (i * 7919) % 13);
      const fitted = await kmeans({ x, nSamples: 60, nFeatures: 2 }, { nClusters: 3, seed: 9 });
      await saveBaseline(fitted, ${JSON.stringify(directory)}, {
        onWeightsWritten: () => process.kill(process.pid, 'SIGKILL'),
      });
    `;
    const child = promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: packageRoot },
    );
    await expect(child).rejects.toMatchObject({ signal: 'SIGKILL' });

    const files = await readdir(directory);
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    const loaded = await loadBaseline(directory, { kind: 'kmeans' });
    const data = blobs(CENTRES, 30, 4);
    expect(Array.from(loaded.predict(data))).toEqual(
      Array.from(model.predict(data)),
    );
  });
});

describe('BASELINES_PACKAGE_VERSION', () => {
  it('matches package.json', async () => {
    const manifest = JSON.parse(
      await readFile(join(packageRoot, 'package.json'), 'utf8'),
    );
    expect(BASELINES_PACKAGE_VERSION).toBe(manifest.version);
  });
});
