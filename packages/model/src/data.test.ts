import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type CsrMatrix } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

import { assertValidMatrix, forEachChunk, type DataMatrix } from './data.js';
import { FixedRepresentativeClustering } from './model.js';

/** Builds a seeded matrix, about a third of it nonzero, in both forms. */
function sparseAndDense(
  nRows: number,
  nCols: number,
): { sparse: DataMatrix; dense: DataMatrix } {
  const random = new Random(3);
  const values = new Float32Array(nRows * nCols);
  const indptr = new Int32Array(nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let row = 0; row < nRows; row++) {
    for (let column = 0; column < nCols; column++) {
      if (random.float() < 2 / 3) continue;
      const value = Math.fround(random.float() * 4 - 2);
      values[row * nCols + column] = value;
      indices.push(column);
      data.push(value);
    }
    indptr[row + 1] = indices.length;
  }
  const x: CsrMatrix = {
    format: 'csr',
    nRows,
    nCols,
    indptr,
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
  return {
    sparse: { x, nSamples: nRows, nFeatures: nCols },
    dense: { x: values, nSamples: nRows, nFeatures: nCols },
  };
}

async function collectChunks(
  data: DataMatrix,
  chunkSize: number,
): Promise<{ starts: number[]; values: number[] }> {
  const starts: number[] = [];
  const values: number[] = [];
  await forEachChunk(data, chunkSize, async (x, start) => {
    starts.push(start);
    values.push(...(await x.data()));
  });
  return { starts, values };
}

describe.each([
  ['cpu', cpuBackend],
  ['wasm', wasmBackend],
])('sparse chunks on %s', (_, backend) => {
  beforeAll(async () => {
    await backend().initialise();
  });

  it('forEachChunk matches the dense rows', async () => {
    const { sparse, dense } = sparseAndDense(11, 5);
    const before = tf.memory().numTensors;

    const fromSparse = await collectChunks(sparse, 4);

    expect(fromSparse.starts).toEqual([0, 4, 8]);
    expect(fromSparse.values).toEqual(Array.from(dense.x as Float32Array));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predict matches across forms', async () => {
    const { sparse, dense } = sparseAndDense(40, 6);
    const model = new FixedRepresentativeClustering({
      nClusters: 3,
      seed: 2,
      epochs: 1,
      nRuns: 1,
      predictBatchSize: 7,
    });
    await model.fit(dense);

    const fromSparse = await model.predict(sparse);
    const fromDense = await model.predict(dense);

    expect(Array.from(fromSparse)).toEqual(Array.from(fromDense));
  });

  it('transform matches across capped chunks', async () => {
    // 2^16 features cap a densified sparse chunk at 16 rows, so 20 rows
    // take two chunks where the dense form takes one.
    const { sparse, dense } = sparseAndDense(20, 2 ** 16);
    const model = new FixedRepresentativeClustering({
      nClusters: 3,
      seed: 2,
      epochs: 1,
      nRuns: 1,
    });
    await model.fit(dense);

    const fromSparse = await model.transform(sparse);
    const fromDense = await model.transform(dense);

    expect(fromSparse.length).toBe(fromDense.length);
    for (let i = 0; i < fromDense.length; i++) {
      expect(fromSparse[i]).toBeCloseTo(fromDense[i]!, 5);
    }
  });
});

describe('assertValidMatrix', () => {
  it.each([
    ['a Float64Array', new Float64Array(6), 'a Float64Array'],
    ['a plain array', [1, 2, 3, 4, 5, 6], 'an array of 6'],
    ['a string', 'abc', 'the string "abc"'],
    ['a missing x', undefined, 'undefined'],
    [
      'a Float32Array of another realm',
      runInNewContext('new Float32Array(6)'),
      'a Float32Array of another realm',
    ],
  ])('rejects %s as dense data', (_, x, kind) => {
    const data = { x, nSamples: 3, nFeatures: 2 } as unknown as DataMatrix;
    expect(() => assertValidMatrix(data)).toThrow(
      `data.x must be a Float32Array of this realm or a CSR matrix, got ` +
        `${kind}; copy a flat array of numbers with Float32Array.from(x), ` +
        'rows with Float32Array.from(rows.flat())',
    );
  });

  it('names the CSR field of another array type', () => {
    const x = {
      format: 'csr',
      nRows: 2,
      nCols: 2,
      indptr: [0, 1, 2],
      indices: new Int32Array([0, 1]),
      data: new Float32Array([1, 2]),
    };
    const data = { x, nSamples: 2, nFeatures: 2 } as unknown as DataMatrix;
    expect(() => assertValidMatrix(data)).toThrow(
      'data.x.indptr must be an Int32Array, got an array of 3; copy it ' +
        'with Int32Array.from(indptr)',
    );
  });
});
