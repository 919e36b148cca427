import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import {
  arrayStream,
  InvalidDataError,
  InvalidParameterError,
  Random,
  UnsupportedFeatureError,
} from '@fixclust/core';
import { NpyRowWriter, openNpyStream } from '@fixclust/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FixedRepresentativeClustering } from './model.js';

/** Four Gaussian blobs in 6 dimensions, stored blob after blob. */
function sortedBlobs(seed: number, nPerBlob = 50) {
  const random = new Random(seed);
  const nFeatures = 6;
  const nSamples = 4 * nPerBlob;
  const x = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const blob = Math.floor(i / nPerBlob);
    labels[i] = blob;
    for (let j = 0; j < nFeatures; j++) {
      const centre = j === blob ? 4 : 0;
      x[i * nFeatures + j] = centre + (random.float() - 0.5);
    }
  }
  return { x, nSamples, nFeatures, labels };
}

/** Fraction of samples in the majority class of their cluster. */
function purity(labels: Int32Array, classes: Int32Array): number {
  const counts = new Map<string, number>();
  const best = new Map<number, number>();
  labels.forEach((label, i) => {
    const key = `${label},${classes[i]}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    best.set(label, Math.max(best.get(label) ?? 0, count));
  });
  let total = 0;
  for (const count of best.values()) total += count;
  return total / labels.length;
}

const smallFit = { nClusters: 4, nRuns: 2, epochs: 3, batchSize: 32 };

beforeAll(async () => {
  await wasmBackend().initialise();
});

describe('fit on a streaming dataset', () => {
  it('equals the array fit with one shuffle group', async () => {
    const data = sortedBlobs(1);
    const options = { ...smallFit, seed: 7 };
    const fromArray = await new FixedRepresentativeClustering(options).fit(
      data,
    );
    const stream = arrayStream(data, data.nSamples);
    const fromStream = await new FixedRepresentativeClustering(options).fit(
      stream,
    );
    expect(fromStream.runs).toEqual(fromArray.runs);
    expect(Array.from(fromStream.labels)).toEqual(Array.from(fromArray.labels));
    expect(Array.from(fromStream.initLabels)).toEqual(
      Array.from(fromArray.initLabels),
    );
    expect(fromStream.bestRun).toBe(fromArray.bestRun);
  });

  it.each(['loss', 'balance'] as const)(
    'keeps the run chosen by %s without all run labels',
    async (runSelection) => {
      const data = sortedBlobs(2);
      const options = { ...smallFit, nRuns: 5, seed: 3, runSelection };
      const fromArray = await new FixedRepresentativeClustering(options).fit(
        data,
      );
      const fromStream = await new FixedRepresentativeClustering(options).fit(
        arrayStream(data, data.nSamples),
      );
      expect(fromStream.bestRun).toBe(fromArray.bestRun);
      expect(fromStream.runs).toEqual(fromArray.runs);
      expect(Array.from(fromStream.labels)).toEqual(
        Array.from(fromArray.labels),
      );
      expect(fromStream.runLabels).toEqual([]);
    },
  );

  it('clusters sorted data as well as the array fit', async () => {
    // km50 merges some of these blobs in memory too (purity 0.75 at seed
    // 3), so the stream is held to the array fit's purity, not to 1.
    const data = sortedBlobs(2);
    const options = { ...smallFit, epochs: 10, seed: 3 };
    const fromArray = await new FixedRepresentativeClustering(options).fit(
      data,
    );
    const stream = arrayStream(data, 20);
    const fromStream = await new FixedRepresentativeClustering(options).fit(
      stream,
      { blocksPerShuffle: 4 },
    );
    const arrayPurity = purity(fromArray.labels, data.labels);
    expect(purity(fromStream.labels, data.labels)).toBeGreaterThanOrEqual(
      arrayPurity - 0.05,
    );
  });

  it('repeats for the same seed', async () => {
    const data = sortedBlobs(3);
    const fit = () =>
      new FixedRepresentativeClustering({ ...smallFit, seed: 4 }).fit(
        arrayStream(data, 16),
        { blocksPerShuffle: 3 },
      );
    const first = await fit();
    const second = await fit();
    expect(second.runs).toEqual(first.runs);
    expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
  });

  it('predicts a stream as the matrix', async () => {
    const data = sortedBlobs(4);
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 5 });
    const result = await model.fit(arrayStream(data, 32));
    const fromStream = await model.predict(arrayStream(data, 24));
    expect(Array.from(fromStream)).toEqual(Array.from(result.labels));
    expect(Array.from(await model.predict(data))).toEqual(
      Array.from(fromStream),
    );
  });

  it('predicts a stream with the preprocessing of an array fit', async () => {
    const data = sortedBlobs(5);
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      scaling: 'standard',
      seed: 6,
    });
    const result = await model.fit(data);
    const fromStream = await model.predict(arrayStream(data, 30));
    expect(Array.from(fromStream)).toEqual(Array.from(result.labels));
  });

  it('leaks no tensors', async () => {
    const data = sortedBlobs(6);
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 8 });
    const before = tf.memory().numTensors;
    await model.fit(arrayStream(data, 40));
    await model.predict(arrayStream(data, 40));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('warns after an abort', async () => {
    const controller = new AbortController();
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 2 });
    const result = await model.fit(arrayStream(sortedBlobs(6), 40), {
      signal: controller.signal,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 0) controller.abort();
      },
    });
    expect(result.runs).toHaveLength(1);
    expect(result.warnings.map((w) => w.message)).toContain(
      'training was stopped by the abort signal after 1 of 2 runs ' +
        'started (run 0 was cut short), so the result uses the best ' +
        'weights trained before the stop',
    );
  });

  it('rejects scaling', async () => {
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      scaling: 'minmax',
    });
    await expect(model.fit(arrayStream(sortedBlobs(7)))).rejects.toThrow(
      UnsupportedFeatureError,
    );
  });

  it('rejects workers', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 1 });
    await expect(
      model.fit(arrayStream(sortedBlobs(7)), { workers: 2 }),
    ).rejects.toThrow('a streaming fit trains its runs one after another');
  });

  it('rejects more clusters than samples', async () => {
    const data = sortedBlobs(8, 1);
    const model = new FixedRepresentativeClustering({
      ...smallFit,
      nClusters: 5,
    });
    await expect(model.fit(arrayStream(data))).rejects.toThrow(
      'nClusters must be an integer between 1 and the number of samples (4)',
    );
  });

  it('rejects an invalid shuffle group size', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 1 });
    await expect(
      model.fit(arrayStream(sortedBlobs(9)), { blocksPerShuffle: 0 }),
    ).rejects.toThrow(InvalidParameterError);
  });

  it('reports a non-finite value read from a file', async () => {
    const data = sortedBlobs(10);
    data.x[130 * 6 + 2] = Number.NaN;
    const directory = await mkdtemp(join(tmpdir(), 'fixclust-stream-'));
    try {
      const path = join(directory, 'blobs.npy');
      const writer = await NpyRowWriter.create(path, data.nFeatures);
      await writer.append(data.x);
      await writer.close();
      const stream = await openNpyStream(path, { blockSize: 50 });
      const model = new FixedRepresentativeClustering({ ...smallFit, seed: 1 });
      const error = await model.fit(stream).catch((e: unknown) => e);
      await stream.close();
      expect(error).toBeInstanceOf(InvalidDataError);
      expect((error as Error).message).toContain('NaN at index [130, 2]');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects predict before fit', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit });
    await expect(model.predict(arrayStream(sortedBlobs(11)))).rejects.toThrow(
      'the model is not fitted yet',
    );
  });

  it('rejects a stream of another width', async () => {
    const model = new FixedRepresentativeClustering({ ...smallFit, seed: 2 });
    await model.fit(arrayStream(sortedBlobs(12)));
    const narrow = arrayStream({
      x: new Float32Array(10),
      nSamples: 5,
      nFeatures: 2,
    });
    await expect(model.predict(narrow)).rejects.toThrow(
      'data has 2 features, but the model was fitted on 6',
    );
  });
});
