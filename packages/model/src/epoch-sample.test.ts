import { cpuBackend } from '@fixclust/backend-cpu';
import { Random } from '@fixclust/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FixedRepresentativeClustering } from './model.js';
import type { EpochProgress } from './train.js';

/** 120 rows of 5 features in three blobs, and 9 rows to map. */
function blobs() {
  const random = new Random(3);
  const rows = (n: number) => {
    const x = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 5; j++) {
        x[i * 5 + j] = (j === i % 3 ? 3 : 0) + random.float() - 0.5;
      }
    }
    return { x, nSamples: n, nFeatures: 5 };
  };
  return { data: rows(120), sample: rows(9) };
}

describe('epochSample', () => {
  beforeAll(async () => {
    await cpuBackend().initialise();
  });

  it('maps the sample after every epoch', async () => {
    const { data, sample } = blobs();
    const progress: EpochProgress[] = [];
    const model = new FixedRepresentativeClustering({
      nClusters: 3,
      nRuns: 2,
      epochs: 4,
      batchSize: 16,
      seed: 2,
      scaling: 'standard',
    });
    const result = await model.fit(data, {
      epochSample: sample,
      onEpochEnd: (p) => progress.push(p),
    });

    expect(progress).toHaveLength(8);
    for (const p of progress) expect(p.mapped).toHaveLength(9 * 3);
    const kept = result.runs[result.bestRun]!;
    const bestEpoch = progress.find(
      (p) => p.run === result.bestRun && p.epoch === kept.bestEpoch,
    )!;
    // The kept weights are those of the best epoch, scaling included.
    expect(Array.from(bestEpoch.mapped!)).toEqual(
      Array.from(await model.transform(sample)),
    );
    expect(progress[0]!.mapped).not.toEqual(progress[3]!.mapped);
  });

  it('rejects a sample of another width', async () => {
    const { data } = blobs();
    const narrow = { x: new Float32Array(4), nSamples: 2, nFeatures: 2 };
    const model = new FixedRepresentativeClustering({ nClusters: 3 });
    await expect(model.fit(data, { epochSample: narrow })).rejects.toThrow(
      'epochSample has 2 features, but the fit data has 5',
    );
  });
});
