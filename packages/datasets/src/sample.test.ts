import { InvalidParameterError, Random, type Dataset } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { sampleDataset, sampleSparseDataset } from './sample.js';
import { toDense, type SparseDataset } from './text/sparse-dataset.js';

/** Creates a data set of `n` rows of 3 features: row i is [i, 10 i, 100 i]. */
function numberedDataset(n: number): Dataset {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([i, 10 * i, 100 * i], 3 * i);
  return {
    name: 'numbered',
    x,
    nSamples: n,
    nFeatures: 3,
    labels: Int32Array.from({ length: n }, (_, i) => i % 7),
    nClasses: 7,
    sampleShape: [3],
  };
}

/** Returns the row indices of a sample of {@link numberedDataset}. */
function rowsOf(dataset: Dataset): number[] {
  return Array.from(
    { length: dataset.nSamples },
    (_, i) => dataset.x[3 * i] ?? -1,
  );
}

describe('sampleDataset', () => {
  const dataset = numberedDataset(100);

  it('keeps n rows with their features', () => {
    const sample = sampleDataset(dataset, 10, new Random(1));
    expect(sample.nSamples).toBe(10);
    expect(sample.nFeatures).toBe(3);
    expect(sample.x).toHaveLength(30);
    for (let i = 0; i < 10; i++) {
      const row = sample.x[3 * i] as number;
      expect(sample.x[3 * i + 1]).toBe(10 * row);
      expect(sample.x[3 * i + 2]).toBe(100 * row);
    }
  });

  it('keeps rows in their original order', () => {
    const rows = rowsOf(sampleDataset(dataset, 30, new Random(5)));
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(new Set(rows).size).toBe(30);
  });

  it('records the source row of each sample', () => {
    const sample = sampleDataset(dataset, 25, new Random(6));
    expect(Array.from(sample.sourceRows!)).toEqual(rowsOf(sample));
  });

  it('maps a sample of a sample to the original rows', () => {
    const first = sampleDataset(dataset, 40, new Random(7));
    const second = sampleDataset(first, 10, new Random(8));
    expect(Array.from(second.sourceRows!)).toEqual(rowsOf(second));
  });

  it('carries labels with their rows', () => {
    const sample = sampleDataset(dataset, 20, new Random(2));
    const expected = rowsOf(sample).map((row) => row % 7);
    expect(Array.from(sample.labels ?? [])).toEqual(expected);
  });

  it('keeps name, classes and sample shape', () => {
    const sample = sampleDataset(dataset, 5, new Random(3));
    expect(sample.name).toBe('numbered');
    expect(sample.nClasses).toBe(7);
    expect(sample.sampleShape).toEqual([3]);
  });

  it('repeats rows for the same seed', () => {
    const first = rowsOf(sampleDataset(dataset, 10, new Random(42)));
    const second = rowsOf(sampleDataset(dataset, 10, new Random(42)));
    expect(second).toEqual(first);
  });

  it('changes rows for another seed', () => {
    const first = rowsOf(sampleDataset(dataset, 10, new Random(42)));
    const second = rowsOf(sampleDataset(dataset, 10, new Random(43)));
    expect(second).not.toEqual(first);
  });

  it('accepts seed 0', () => {
    const first = rowsOf(sampleDataset(dataset, 10, new Random(0)));
    const second = rowsOf(sampleDataset(dataset, 10, new Random(0)));
    const other = rowsOf(sampleDataset(dataset, 10, new Random(1)));
    expect(first).toHaveLength(10);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('returns the whole data set for n = nSamples', () => {
    expect(sampleDataset(dataset, 100, new Random(1))).toBe(dataset);
  });

  it('copies rows without touching the source', () => {
    const sample = sampleDataset(dataset, 10, new Random(1));
    sample.x.fill(-1);
    expect(rowsOf(dataset)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('works without labels', () => {
    const { labels: _, ...unlabelled } = dataset;
    const sample = sampleDataset(unlabelled, 4, new Random(1));
    expect(sample.labels).toBeUndefined();
    expect(sample.nSamples).toBe(4);
  });

  it('rejects n above nSamples', () => {
    expect(() => sampleDataset(dataset, 101, new Random(1))).toThrow(
      InvalidParameterError,
    );
    expect(() => sampleDataset(dataset, 101, new Random(1))).toThrow(
      'sample size must be an integer between 1 and the 100 samples of ' +
        'numbered, got 101',
    );
  });

  it('shows a string n as a string', () => {
    const data = { x: new Float32Array(8), nSamples: 4, nFeatures: 2 };
    const sample = () =>
      sampleDataset(data as Dataset, '2' as unknown as number, new Random(0));
    expect(sample).toThrow(
      'sample size must be an integer between 1 and the 4 samples of the ' +
        'data set, got the string "2"',
    );
  });

  it('rejects n below 1 and fractions', () => {
    for (const n of [0, -3, 2.5, Number.NaN]) {
      expect(() => sampleDataset(dataset, n, new Random(1))).toThrow(
        InvalidParameterError,
      );
    }
  });
});

describe('sampleSparseDataset', () => {
  // Rows: [1, 0, 2], [], [0, 3, 0], [4, 0, 0]
  const sparse: SparseDataset = {
    name: 'tiny',
    x: {
      format: 'csr',
      nRows: 4,
      nCols: 3,
      indptr: new Int32Array([0, 2, 2, 3, 4]),
      indices: new Int32Array([0, 2, 1, 0]),
      data: new Float32Array([1, 2, 3, 4]),
    },
    nSamples: 4,
    nFeatures: 3,
    labels: new Int32Array([0, 1, 2, 3]),
    nClasses: 4,
  };

  it('keeps rows with their values and labels', () => {
    const sampled = sampleSparseDataset(sparse, 2, new Random(3));
    const rows = Array.from(sampled.labels!);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    const dense = toDense(sampled.x);
    const original = toDense(sparse.x);
    rows.forEach((row, i) => {
      expect(Array.from(dense.subarray(i * 3, i * 3 + 3))).toEqual(
        Array.from(original.subarray(row * 3, row * 3 + 3)),
      );
    });
    expect(sampled.x.indptr[2]).toBe(sampled.x.data.length);
  });

  it('repeats for a seed', () => {
    const a = sampleSparseDataset(sparse, 3, new Random(0));
    const b = sampleSparseDataset(sparse, 3, new Random(0));
    expect(Array.from(a.labels!)).toEqual(Array.from(b.labels!));
  });

  it('rejects a sample larger than the data', () => {
    expect(() => sampleSparseDataset(sparse, 5, new Random(0))).toThrow(
      'sample size must be an integer between 1 and the 4 samples of tiny, got 5',
    );
  });
});
