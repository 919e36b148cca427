import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { loadUsps } from '@fixclust/datasets';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import type { DataMatrix } from '../data.js';
import type { FittedBaseline } from '../fitted.js';
import { gaussianMixture } from '../gaussian-mixture.js';
import { kmeans } from '../kmeans.js';
import { pca } from '../pca.js';
import { deserializeBaseline, serializeBaseline } from './artifacts.js';
import { loadBaseline, saveBaseline } from './files.js';

/** Rows `start` to `end − 1` of a dense matrix. */
function rows(data: DataMatrix, start: number, end: number): DataMatrix {
  const d = data.nFeatures;
  return {
    x: data.x.slice(start * d, end * d),
    nSamples: end - start,
    nFeatures: d,
  };
}

describeWithData('saved baselines on USPS', ['usps/usps.h5'], (directory) => {
  let root: string;
  let train: DataMatrix;
  let heldOut: DataMatrix;
  let reducedTrain: DataMatrix;
  let reducedHeldOut: DataMatrix;
  const fitted = new Map<string, FittedBaseline>();

  beforeAll(async () => {
    await wasmBackend().initialise();
    root = await mkdtemp(join(tmpdir(), 'fixclust-baselines-'));
    const usps = await loadUsps({ path: `${directory}/usps/usps.h5` });
    // The first 7,291 rows are USPS's training set, the rest its test set.
    train = rows(usps, 0, 1500);
    heldOut = rows(usps, 7291, 7791);

    const projection = await pca(train, { nComponents: 20 });
    reducedTrain = projection.transform(train);
    reducedHeldOut = projection.transform(heldOut);
    fitted.set('pca', projection);
    fitted.set(
      'kmeans',
      await kmeans(train, { nClusters: 10, nInit: 2, seed: 0 }),
    );
    fitted.set(
      'gmm-diag',
      await gaussianMixture(train, {
        nComponents: 10,
        covarianceType: 'diag',
        maxIterations: 20,
        seed: 0,
      }),
    );
    fitted.set(
      'gmm-full',
      await gaussianMixture(reducedTrain, {
        nComponents: 10,
        maxIterations: 20,
        seed: 0,
      }),
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Saves and loads `name`'s fitted baseline through a folder. */
  async function roundTrip(name: string) {
    const original = fitted.get(name)!;
    await saveBaseline(original, join(root, name));
    const loaded = await loadBaseline(join(root, name), {
      kind: original.kind,
    });
    return { original, loaded };
  }

  const inputs = (name: string) =>
    name === 'gmm-full' ? [reducedTrain, reducedHeldOut] : [train, heldOut];

  for (const name of ['kmeans', 'gmm-diag', 'gmm-full']) {
    it(`predicts the same labels after loading ${name}`, async () => {
      const { original, loaded } = await roundTrip(name);
      if (original.kind === 'pca' || loaded.kind === 'pca') {
        throw new Error(`${name} is not a clustering`);
      }
      for (const data of inputs(name)) {
        const expected = original.predict(data);
        expect(new Set(expected).size).toBeGreaterThan(1);
        expect(Array.from(loaded.predict(data))).toEqual(Array.from(expected));
      }
    });
  }

  it('predicts the same posteriors after loading gmm-full', async () => {
    const { original, loaded } = await roundTrip('gmm-full');
    if (
      original.kind !== 'gaussian-mixture' ||
      loaded.kind !== 'gaussian-mixture'
    ) {
      throw new Error('gmm-full is not a Gaussian mixture');
    }
    expect(loaded.covarianceType).toBe('full');
    expect(loaded.predictProba(reducedHeldOut)).toEqual(
      original.predictProba(reducedHeldOut),
    );
  });

  it('keeps the k-means centres and training labels', async () => {
    const { original, loaded } = await roundTrip('kmeans');
    if (original.kind !== 'kmeans' || loaded.kind !== 'kmeans') {
      throw new Error('kmeans is not a k-means model');
    }
    expect(loaded.centres).toEqual(original.centres);
    expect(loaded.seed).toBe(0);
    const labels = (original as { labels?: Int32Array }).labels!;
    expect(Array.from(loaded.predict(train))).toEqual(Array.from(labels));
  });

  it('transforms the same after loading pca', async () => {
    const { original, loaded } = await roundTrip('pca');
    if (original.kind !== 'pca' || loaded.kind !== 'pca') {
      throw new Error('pca is not a PCA');
    }
    expect(loaded.explainedVariance).toEqual(original.explainedVariance);
    expect(loaded.transform(heldOut)).toEqual(original.transform(heldOut));
  });

  it('round-trips through memory buffers', async () => {
    const original = fitted.get('kmeans')!;
    const { manifest, weights } = await serializeBaseline(original);
    const loaded = await deserializeBaseline(
      JSON.parse(JSON.stringify(manifest)),
      weights,
      'memory',
      { kind: 'kmeans' },
    );
    const expected = (
      original as { predict(d: DataMatrix): Int32Array }
    ).predict(heldOut);
    expect(Array.from(loaded.predict(heldOut))).toEqual(Array.from(expected));
  });

  it('rejects rows with another feature count', async () => {
    const { loaded } = await roundTrip('kmeans');
    const narrow = { x: new Float32Array(30), nSamples: 3, nFeatures: 10 };
    if (loaded.kind !== 'kmeans') throw new Error('not k-means');
    expect(() => loaded.predict(narrow)).toThrow(
      'data has 10 features, but the k-means model was fitted on 256',
    );
  });
});
