import { wasmBackend } from '@fixclust/backend-wasm';
import {
  createRepresentatives,
  getRepresentativeType,
  Random,
} from '@fixclust/core';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { beforeAll, describe, expect, it } from 'vitest';

import { crossRepresentatives, register } from './index.js';

/** Four Gaussian blobs in 6 dimensions, 50 samples each. */
function blobs() {
  const random = new Random(7);
  const nFeatures = 6;
  const nSamples = 200;
  const x = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const centre = j === i % 4 ? 4 : 0;
      x[i * nFeatures + j] = centre + (random.float() - 0.5);
    }
  }
  return { x, nSamples, nFeatures };
}

beforeAll(async () => {
  await wasmBackend().initialise();
  register();
});

describe('cross plug-in', () => {
  it('registers the cross type', () => {
    expect(getRepresentativeType('cross')).toBe(crossRepresentatives);
  });

  it('passes the registry checks of core', () => {
    const points = createRepresentatives('cross', {
      nClusters: 4,
      random: new Random(0),
    });
    expect(points).toEqual([
      [2, 0],
      [-2, 0],
      [0, 2],
      [0, -2],
    ]);
  });

  it('rejects a second registration', () => {
    expect(() => register()).toThrow(/"cross" is already registered/);
  });

  it('trains the model', async () => {
    const model = new FixedRepresentativeClustering({
      nClusters: 4,
      representatives: 'cross',
      seed: 1,
      nRuns: 1,
      epochs: 2,
      batchSize: 16,
    });
    const data = blobs();
    const result = await model.fit(data);

    expect(result.representatives).toEqual(
      createRepresentatives('cross', { nClusters: 4, random: new Random(0) }),
    );
    const losses = result.runs[0]!.epochLosses;
    expect(losses).toHaveLength(2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(result.emptyClusters).toEqual([]);
    expect(result.labels.every((label) => label >= 0 && label < 4)).toBe(true);
    const mapped = await model.transform(data);
    expect(mapped).toHaveLength(200 * 2);
  });
});
