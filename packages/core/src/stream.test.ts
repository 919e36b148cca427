import { describe, expect, it } from 'vitest';

import { InvalidDataError, InvalidParameterError } from './errors.js';
import { Random } from './random.js';
import {
  arrayStream,
  isStreamingDataset,
  type ArrayStreamSource,
  type StreamingDataset,
} from './stream.js';
import {
  blockRowPermutation,
  shuffleGroups,
  streamBatches,
  streamBlocks,
} from './stream-batches.js';

/** `nSamples × nFeatures` matrix whose value at (i, j) is i * 1000 + j. */
function indexedMatrix(nSamples: number, nFeatures: number): Float32Array {
  return Float32Array.from(
    { length: nSamples * nFeatures },
    (_, v) => Math.floor(v / nFeatures) * 1000 + (v % nFeatures),
  );
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('blockRowPermutation', () => {
  it.each([
    [1, 1, 1],
    [10, 3, 1],
    [100, 7, 4],
    [1000, 64, 16],
    [1000, 2000, 1],
  ])('visits each of %i rows once (block %i, group %i)', (n, block, group) => {
    const order = blockRowPermutation(n, block, group, new Random(3));
    const sorted = Array.from(order).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('repeats for the same seed', () => {
    const a = blockRowPermutation(500, 16, 4, new Random(0));
    const b = blockRowPermutation(500, 16, 4, new Random(0));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('differs between seeds', () => {
    const a = blockRowPermutation(500, 16, 4, new Random(0));
    const b = blockRowPermutation(500, 16, 4, new Random(1));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('keeps file order without a generator', () => {
    const order = blockRowPermutation(10, 3, 2);
    expect(Array.from(order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('equals an in-memory shuffle with one group', () => {
    const order = blockRowPermutation(300, 300, 1, new Random(9));
    const expected = new Random(9).permutation(300);
    expect(Array.from(order)).toEqual(Array.from(expected));
  });

  it('keeps each group within its blocks', () => {
    const groups = [...shuffleGroups(100, 10, 3, new Random(2))];
    expect(groups.map((g) => g.blocks.length)).toEqual([3, 3, 3, 1]);
    for (const group of groups) {
      const blocks = new Set(group.rows.map((row) => Math.floor(row / 10)));
      expect([...blocks].sort((a, b) => a - b)).toEqual(
        [...group.blocks].sort((a, b) => a - b),
      );
    }
  });

  it.each([
    ['nSamples', 0, 1, 1],
    ['blockSize', 10, 0, 1],
    ['blocksPerShuffle', 10, 1, 1.5],
  ])('rejects an invalid %s', (parameter, n, block, group) => {
    expect(() => blockRowPermutation(n, block, group)).toThrow(
      InvalidParameterError,
    );
    expect(() => blockRowPermutation(n, block, group)).toThrow(parameter);
  });
});

describe('streamBatches', () => {
  const nSamples = 103;
  const nFeatures = 3;
  const x = indexedMatrix(nSamples, nFeatures);
  const dataset = arrayStream({ x, nSamples, nFeatures }, 10);

  it('reads each row once in full batches', async () => {
    const batches = await collect(
      streamBatches(dataset, {
        batchSize: 8,
        blocksPerShuffle: 3,
        random: new Random(4),
      }),
    );
    expect(batches.map((b) => b.nRows)).toEqual([
      ...new Array<number>(12).fill(8),
      7,
    ]);
    const rows = batches.flatMap((b) =>
      Array.from({ length: b.nRows }, (_, i) => b.x[i * nFeatures]! / 1000),
    );
    expect(rows.sort((a, b) => a - b)).toEqual(
      Array.from({ length: nSamples }, (_, i) => i),
    );
  });

  it('follows blockRowPermutation', async () => {
    const options = { blockSize: 10, blocksPerShuffle: 2 };
    const batches = await collect(
      streamBatches(dataset, {
        ...options,
        batchSize: 5,
        random: new Random(6),
      }),
    );
    const expected = blockRowPermutation(nSamples, 10, 2, new Random(6));
    const rows = batches.flatMap((b) =>
      Array.from({ length: b.nRows }, (_, i) => b.x[i * nFeatures]! / 1000),
    );
    expect(rows).toEqual(Array.from(expected));
  });

  it('keeps rows whole', async () => {
    const [batch] = await collect(
      streamBatches(dataset, { batchSize: 4, random: new Random(1) }),
    );
    for (let i = 0; i < 4; i++) {
      const row = batch!.x[i * nFeatures]!;
      expect(batch!.x[i * nFeatures + 2]).toBe(row + 2);
    }
  });

  it('stops reading ahead once the consumer stops', async () => {
    const stream = arrayStream(
      { x: indexedMatrix(40, 2), nSamples: 40, nFeatures: 2 },
      2,
    );
    let reads = 0;
    const slow: StreamingDataset = {
      ...stream,
      readRows: async (start, count, into) => {
        reads += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return stream.readRows(start, count, into);
      },
    };
    // Groups of 4 blocks of 2 rows: the first group is 4 reads, and the
    // second is read while the first is used.
    const batches = streamBatches(slow, {
      batchSize: 4,
      blocksPerShuffle: 4,
      random: new Random(3),
    });
    for await (const _ of batches) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The first group, and at most the one block of the next group that
    // was being read when the consumer stopped.
    expect(reads).toBeGreaterThanOrEqual(4);
    expect(reads).toBeLessThanOrEqual(5);
  });

  it('rejects an invalid batch size', async () => {
    await expect(
      collect(streamBatches(dataset, { batchSize: 0 })),
    ).rejects.toThrow('batchSize must be an integer at least 1, got 0');
  });
});

describe('streamBlocks', () => {
  it('reads consecutive blocks', async () => {
    const x = indexedMatrix(25, 2);
    const blocks = await collect(
      streamBlocks(arrayStream({ x, nSamples: 25, nFeatures: 2 }), 10),
    );
    expect(blocks.map((b) => [b.start, b.nRows])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
    expect(blocks[2]!.x).toEqual(x.subarray(40));
  });
});

describe('arrayStream', () => {
  const x = indexedMatrix(6, 2);
  const dataset = arrayStream({ x, nSamples: 6, nFeatures: 2, name: 'six' });

  it('is a streaming dataset', () => {
    expect(isStreamingDataset(dataset)).toBe(true);
    expect(isStreamingDataset({ x, nSamples: 6, nFeatures: 2 })).toBe(false);
  });

  it('reads rows into a given array', async () => {
    const into = new Float32Array(8);
    const rows = await dataset.readRows(2, 3, into);
    expect(Array.from(rows)).toEqual([2000, 2001, 3000, 3001, 4000, 4001]);
    expect(into[0]).toBe(2000);
  });

  it.each([
    [-1, 1, 'start must be an integer between 0 and 5, got -1'],
    [6, 1, 'start must be an integer between 0 and 5, got 6'],
    [4, 3, 'count must be an integer between 1 and the rows left'],
    [0, 0, 'count must be an integer between 1'],
  ])('rejects rows %i + %i', async (start, count, message) => {
    await expect(dataset.readRows(start, count)).rejects.toThrow(message);
  });

  it('rejects a small target array', async () => {
    await expect(dataset.readRows(0, 2, new Float32Array(3))).rejects.toThrow(
      'into has 3 values, but 2 rows of 2 features need 4',
    );
  });

  it('rejects non-finite data', () => {
    const bad = Float32Array.from([1, 2, Number.NaN, 4]);
    expect(() => arrayStream({ x: bad, nSamples: 2, nFeatures: 2 })).toThrow(
      InvalidDataError,
    );
  });

  it('rejects a missing source', () => {
    expect(() => arrayStream(null as unknown as ArrayStreamSource)).toThrow(
      InvalidParameterError,
    );
    expect(() => arrayStream(null as unknown as ArrayStreamSource)).toThrow(
      'source must be an object { x, nSamples, nFeatures } with x a ' +
        'row-major Float32Array, got null',
    );
  });

  it('rejects values of another type', () => {
    const source = { x: [1, 2], nSamples: 1, nFeatures: 2 };
    expect(() => arrayStream(source as unknown as ArrayStreamSource)).toThrow(
      'source.x must be a Float32Array of this realm, got an array',
    );
  });

  it('rejects labels of another length', () => {
    const labels = new Int32Array(5);
    expect(() => arrayStream({ x, nSamples: 6, nFeatures: 2, labels })).toThrow(
      'labels has 5 values for 6 samples',
    );
  });
});
