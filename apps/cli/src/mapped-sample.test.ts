import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type Dataset } from '@fixclust/core';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { beforeAll, describe, expect, it } from 'vitest';

import { mappedSample } from './mapped-sample.js';

/** Four Gaussian blobs in 6 dimensions, 50 rows each, with their classes. */
function blobs(): Dataset {
  const random = new Random(3);
  const nFeatures = 6;
  const nSamples = 200;
  const x = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    labels[i] = i % 4;
    for (let j = 0; j < nFeatures; j++) {
      x[i * nFeatures + j] = (j === i % 4 ? 4 : 0) + random.float() - 0.5;
    }
  }
  return { name: 'blobs', x, nSamples, nFeatures, labels, nClasses: 4 };
}

async function sampleWith(representatives: string) {
  const data = blobs();
  const model = new FixedRepresentativeClustering({
    nClusters: 4,
    representatives,
    nRuns: 1,
    epochs: 2,
    seed: 1,
  });
  const result = await model.fit(data);
  return mappedSample(model, data, result, 1);
}

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('mappedSample', () => {
  it('keeps k coordinates with the vertex layout', async () => {
    const sample = await sampleWith('vertex');
    expect(sample.mapped).toHaveLength(200);
    expect(sample.mapped.every((row) => row.length === 4)).toBe(true);
    expect(sample.pca?.[0]).toHaveLength(2);
  });

  it('keeps k - 1 coordinates with simplex', async () => {
    const sample = await sampleWith('simplex');
    expect(sample.nClusters).toBe(4);
    expect(sample.representatives[0]).toHaveLength(3);
    expect(sample.mapped.every((row) => row.length === 3)).toBe(true);
    expect(sample.pca).toHaveLength(200);
    expect(sample.representativesPca).toHaveLength(4);
  });
});
