import {
  arrayStream,
  InvalidParameterError,
  Random,
  type StreamingDataset,
} from '@fixclust/core';
import { loadUsps } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import {
  miniBatchKMeans,
  type MiniBatchEpoch,
  type MiniBatchKMeansResult,
} from './mini-batch-kmeans.js';

/**
 * Inertia of scikit-learn's full `KMeans(n_clusters=10, n_init=10)` on all
 * 9,298 USPS digits (train then test), as in kmeans-usps.test.ts.
 */
const SKLEARN_FULL_INERTIA = 177_682;
/** Largest ratio of mini-batch to full k-means inertia accepted on USPS. */
const INERTIA_FACTOR = 1.05;

/** Three well-separated blobs in 4 dimensions, stored blob after blob. */
function sortedBlobs(nPerBlob: number) {
  const random = new Random(5);
  const nFeatures = 4;
  const nSamples = 3 * nPerBlob;
  const x = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const blob = Math.floor(i / nPerBlob);
    labels[i] = blob;
    for (let j = 0; j < nFeatures; j++) {
      x[i * nFeatures + j] = 10 * blob + random.float();
    }
  }
  return { x, nSamples, nFeatures, labels };
}

describe('miniBatchKMeans', () => {
  const data = sortedBlobs(200);
  const stream = arrayStream(data, 25);

  it('finds separated blobs', async () => {
    const result = await miniBatchKMeans(stream, {
      nClusters: 3,
      batchSize: 32,
      seed: 1,
    });
    expect(externalMetrics(data.labels, result.labels).ari).toBe(1);
    expect(result.clusterSizes).toEqual([200, 200, 200]);
    expect(result.warnings).toEqual([]);
  });

  it('labels with the nearest centre', async () => {
    const result = await miniBatchKMeans(stream, { nClusters: 3, seed: 2 });
    let inertia = 0;
    for (let i = 0; i < data.nSamples; i++) {
      const distances = [0, 1, 2].map((c) => {
        let sum = 0;
        for (let j = 0; j < 4; j++) {
          const d = data.x[i * 4 + j]! - result.centres[c * 4 + j]!;
          sum += d * d;
        }
        return sum;
      });
      const nearest = distances.indexOf(Math.min(...distances));
      expect(result.labels[i]).toBe(nearest);
      inertia += distances[nearest]!;
    }
    expect(result.inertia).toBeCloseTo(inertia, 6);
  });

  it('repeats for the same seed', async () => {
    const options = { nClusters: 3, batchSize: 16, seed: 0 };
    const first = await miniBatchKMeans(stream, options);
    const second = await miniBatchKMeans(stream, options);
    expect(Array.from(second.centres)).toEqual(Array.from(first.centres));
    expect(second.epochInertias).toEqual(first.epochInertias);
  });

  it('counts steps and epochs', async () => {
    const result = await miniBatchKMeans(stream, {
      nClusters: 3,
      batchSize: 100,
      epochs: 2,
      seed: 3,
    });
    expect(result.nSteps).toBe(12);
    expect(result.epochInertias).toHaveLength(2);
  });

  it('reports each epoch', async () => {
    const epochs: MiniBatchEpoch[] = [];
    const result = await miniBatchKMeans(stream, {
      nClusters: 3,
      batchSize: 100,
      epochs: 2,
      seed: 3,
      onEpochEnd: (progress) => epochs.push(progress),
    });
    expect(epochs.map((e) => [e.epoch, e.epochs, e.steps])).toEqual([
      [0, 2, 6],
      [1, 2, 12],
    ]);
    expect(epochs.map((e) => e.inertia)).toEqual(result.epochInertias);
    expect(epochs[1]!.elapsedMs).toBeGreaterThanOrEqual(epochs[0]!.elapsedMs);
  });

  it('stops with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    let blocksRead = 0;
    const counting: StreamingDataset = {
      ...stream,
      readRows: (start, count, into) => {
        blocksRead += 1;
        return stream.readRows(start, count, into);
      },
    };
    const run = miniBatchKMeans(counting, {
      nClusters: 3,
      batchSize: 16,
      epochs: 50,
      seed: 4,
      signal: controller.signal,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 1) controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    // The initialisation reads its 48 rows one at a time and each epoch
    // reads the 24 blocks: epochs 0 and 1, and none of the 48 after them.
    expect(blocksRead).toBe(48 + 2 * 24);
  });

  it('stops the initialisation once the signal aborts', async () => {
    const controller = new AbortController();
    let reads = 0;
    const counting: StreamingDataset = {
      ...stream,
      readRows: (start, count, into) => {
        reads += 1;
        if (reads === 10) controller.abort(new Error('stop at 10'));
        return stream.readRows(start, count, into);
      },
    };
    const run = miniBatchKMeans(counting, {
      nClusters: 3,
      seed: 1,
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('stop at 10');
    expect(reads).toBe(10);
  });

  it('rejects an already aborted signal before reading', async () => {
    const controller = new AbortController();
    controller.abort(new Error('never started'));
    let reads = 0;
    const counting: StreamingDataset = {
      ...stream,
      readRows: (start, count, into) => {
        reads += 1;
        return stream.readRows(start, count, into);
      },
    };
    await expect(
      miniBatchKMeans(counting, {
        nClusters: 3,
        seed: 1,
        signal: controller.signal,
      }),
    ).rejects.toThrow('never started');
    expect(reads).toBe(0);
  });

  it('warns about empty clusters', async () => {
    const twoPoints = arrayStream({
      x: Float32Array.from([0, 0, 0, 0, 1, 1]),
      nSamples: 3,
      nFeatures: 2,
    });
    const result = await miniBatchKMeans(twoPoints, {
      nClusters: 3,
      seed: 4,
    });
    expect(result.clusterSizes.filter((size) => size === 0)).toHaveLength(1);
    expect(result.warnings.map((w) => w.code)).toContain('empty-clusters');
    expect(result.centres.every(Number.isFinite)).toBe(true);
  });

  it.each([
    ['nClusters', { nClusters: 601 }],
    ['nClusters', { nClusters: 0 }],
    ['batchSize', { nClusters: 3, batchSize: 0 }],
    ['epochs', { nClusters: 3, epochs: 1.5 }],
    ['initSize', { nClusters: 3, initSize: 2 }],
    ['nInit', { nClusters: 3, nInit: 0 }],
    ['blocksPerShuffle', { nClusters: 3, blocksPerShuffle: -1 }],
    ['seed', { nClusters: 3, seed: -1 }],
  ])('rejects an invalid %s', async (parameter, options) => {
    const error = await miniBatchKMeans(stream, options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(parameter);
  });
});

describeWithData('miniBatchKMeans on USPS', ['usps/usps.h5'], (directory) => {
  let result: MiniBatchKMeansResult;
  let labels: Int32Array;

  beforeAll(async () => {
    const usps = await loadUsps({ path: `${directory}/usps/usps.h5` });
    labels = usps.labels!;
    const stream: StreamingDataset = arrayStream(usps);
    result = await miniBatchKMeans(stream, { nClusters: 10, seed: 0 });
  });

  it(`reaches full k-means inertia within ${INERTIA_FACTOR}`, () => {
    expect(result.inertia / SKLEARN_FULL_INERTIA).toBeLessThan(INERTIA_FACTOR);
  });

  it('labels every digit', () => {
    expect(result.labels).toHaveLength(labels.length);
    expect(externalMetrics(labels, result.labels).nmi).toBeGreaterThan(0.5);
  });
});
