import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type CsrMatrix } from '@fixclust/core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { DataMatrix } from '../data.js';
import { FixedRepresentativeClustering } from '../model.js';
import { fitPreprocessing } from './index.js';
import { applyPca, fitPca, type PcaProgress } from './pca.js';
import { applyScaling, fitScaling } from './scaling.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

function dense(rows: number[][]): DataMatrix & { x: Float32Array } {
  return {
    x: Float32Array.from(rows.flat()),
    nSamples: rows.length,
    nFeatures: rows[0]!.length,
  };
}

function csr(rows: number[][]): DataMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of rows) {
    row.forEach((value, j) => {
      if (value !== 0) {
        indices.push(j);
        data.push(value);
      }
    });
    indptr.push(indices.length);
  }
  const x: CsrMatrix = {
    format: 'csr',
    nRows: rows.length,
    nCols: rows[0]!.length,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
  return { x, nSamples: rows.length, nFeatures: rows[0]!.length };
}

/** Three blobs in 6 dimensions; feature 5 has a 1,000 times larger scale. */
function skewedBlobs(seed: number): DataMatrix & { x: Float32Array } {
  const random = new Random(seed);
  const rows = Array.from({ length: 150 }, (_, i) =>
    Array.from({ length: 6 }, (_, j) => {
      const value = (j === i % 3 ? 3 : 0) + random.float() - 0.5;
      return j === 5 ? 1000 * random.float() : value;
    }),
  );
  return dense(rows);
}

const small = { nClusters: 3, nRuns: 1, epochs: 4, batchSize: 32, seed: 2 };

describe('fitScaling', () => {
  const data = dense([
    [1, 5, 2],
    [3, 5, -2],
    [5, 5, 0],
  ]);

  it('standardises each feature', () => {
    const scaled = applyScaling(data, fitScaling(data, 'standard'));
    const values = Array.from(scaled.x as Float32Array);
    const sd = Math.sqrt(8 / 3);
    const expected = [-2 / sd, 0, 2 / sd, 0, 0, 0, 2 / sd, -2 / sd, 0];
    const columnMajor = [0, 3, 6, 1, 4, 7, 2, 5, 8].map((i) => values[i]!);
    columnMajor.forEach((value, i) =>
      expect(value).toBeCloseTo(expected[i]!, 6),
    );
  });

  it('maps a constant feature to 0', () => {
    for (const method of ['standard', 'minmax'] as const) {
      const scaled = applyScaling(data, fitScaling(data, method));
      const column = [1, 4, 7].map((i) => (scaled.x as Float32Array)[i]);
      expect(column).toEqual([0, 0, 0]);
    }
  });

  it('maps the training range to [0, 1]', () => {
    const scaled = applyScaling(data, fitScaling(data, 'minmax'));
    const values = Array.from(scaled.x as Float32Array);
    expect([values[0], values[3], values[6]]).toEqual([0, 0.5, 1]);
    expect([values[2], values[5], values[8]]).toEqual([1, 0, 0.5]);
  });

  it('rejects standard on sparse data', () => {
    expect(() =>
      fitScaling(
        csr([
          [1, 0],
          [0, 2],
        ]),
        'standard',
      ),
    ).toThrow(/scaling "standard" would centre sparse \(CSR\) data/);
  });

  it('keeps sparse data sparse under minmax', () => {
    const matrix = csr([
      [2, 0, 0],
      [0, 4, 0],
      [1, 1, 0],
    ]);
    const scaled = applyScaling(matrix, fitScaling(matrix, 'minmax'));
    const x = scaled.x as CsrMatrix;
    expect(x.format).toBe('csr');
    expect(Array.from(x.data)).toEqual([1, 1, 0.5, 0.25]);
  });

  it('rejects minmax on sparse data with a negative minimum', () => {
    expect(() =>
      fitScaling(
        csr([
          [-1, 0],
          [0, 2],
        ]),
        'minmax',
      ),
    ).toThrow('column 0 has minimum -1');
  });

  it('rejects minmax on a sparse column without zeros', () => {
    expect(() =>
      fitScaling(
        csr([
          [1, 0],
          [2, 3],
        ]),
        'minmax',
      ),
    ).toThrow('column 0 has minimum 1');
  });
});

describe('scaling in the model', () => {
  it('changes what the network sees', async () => {
    const data = skewedBlobs(1);
    const plain = new FixedRepresentativeClustering(small);
    const scaled = new FixedRepresentativeClustering({
      ...small,
      scaling: 'standard',
    });
    await plain.fit(data);
    await scaled.fit(data);
    expect(scaled.fittedState!.preprocessing!.scaling!.method).toBe('standard');
    expect(plain.fittedState!.preprocessing).toBeUndefined();
    expect(Array.from(await scaled.transform(data))).not.toEqual(
      Array.from(await plain.transform(data)),
    );
  });

  it('applies the training scaling in predict', async () => {
    const data = skewedBlobs(2);
    const model = new FixedRepresentativeClustering({
      ...small,
      scaling: 'minmax',
    });
    const result = await model.fit(data);
    expect(Array.from(await model.predict(data))).toEqual(
      Array.from(result.labels),
    );
  });

  it('rejects standard scaling of sparse input in fit', async () => {
    const model = new FixedRepresentativeClustering({
      ...small,
      scaling: 'standard',
    });
    await expect(
      model.fit(
        csr([
          [1, 0],
          [0, 2],
          [3, 0],
        ]),
      ),
    ).rejects.toThrow(expect.objectContaining({ parameter: 'scaling' }));
  });
});

describe('pca preprocessing', () => {
  it('projects onto the leading components', async () => {
    const data = dense([
      [0, 0],
      [2, 2],
      [4, 4],
    ]);
    const { parameters } = await fitPca(data, 1);
    const projected = await applyPca(data, parameters);
    const values = Array.from(projected.x as Float32Array);
    expect(values[0]).toBeCloseTo(-Math.sqrt(8), 5);
    expect(values[1]).toBeCloseTo(0, 5);
    expect(values[2]).toBeCloseTo(Math.sqrt(8), 5);
  });

  it('feeds the network its components', async () => {
    const data = skewedBlobs(3);
    const model = new FixedRepresentativeClustering({ ...small, pca: 4 });
    const result = await model.fit(data);
    expect(model.fittedState!.weights.layers[0]!.inputSize).toBe(4);
    expect(model.fittedState!.preprocessing!.pca!.components).toHaveLength(24);
    expect(Array.from(await model.predict(data))).toEqual(
      Array.from(result.labels),
    );
  });

  it('reports the start and end of the fit', async () => {
    const events: PcaProgress[] = [];
    const prepared = await fitPreprocessing(
      skewedBlobs(6),
      { pca: 2, scaling: 'none' },
      { onPcaProgress: (progress) => events.push(progress) },
    );
    const shape = { nSamples: 150, nFeatures: 6, nComponents: 2 };
    expect(events.map((event) => event.phase)).toEqual(['start', 'end']);
    expect(events[0]).toEqual({ phase: 'start', ...shape, elapsedMs: 0 });
    expect(events[1]).toMatchObject(shape);
    expect(events[1]!.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(prepared.data.nFeatures).toBe(2);
  });

  it('reports no progress without pca', async () => {
    const events: PcaProgress[] = [];
    await fitPreprocessing(
      skewedBlobs(7),
      { pca: null, scaling: 'standard' },
      { onPcaProgress: (progress) => events.push(progress) },
    );
    expect(events).toEqual([]);
  });

  it('reports no progress for an invalid count', async () => {
    const events: PcaProgress[] = [];
    const fit = fitPca(skewedBlobs(8), 7, (progress) => events.push(progress));
    await expect(fit).rejects.toThrow('got 7');
    expect(events).toEqual([]);
  });

  it('rejects more components than features', async () => {
    const model = new FixedRepresentativeClustering({ ...small, pca: 7 });
    await expect(model.fit(skewedBlobs(4))).rejects.toThrow(
      'pca must be an integer between 1 and min(nSamples, nFeatures) (6), got 7',
    );
  });

  it('runs before the scaling', async () => {
    const data = skewedBlobs(5);
    const model = new FixedRepresentativeClustering({
      ...small,
      pca: 3,
      scaling: 'standard',
    });
    await model.fit(data);
    const { scaling } = model.fittedState!.preprocessing!;
    expect(scaling!.shift).toHaveLength(3);
    // PCA output is centred, so the standard scaling's means are near 0.
    scaling!.shift.forEach((mean) => expect(Math.abs(mean)).toBeLessThan(1e-2));
  });
});
