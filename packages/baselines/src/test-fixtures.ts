/**
 * Small synthetic data sets for the tests. Not part of the published build.
 */
import { Random, type CsrMatrix } from '@fixclust/core';

import type { DataMatrix } from './data.js';

/**
 * Uniform blobs: `nPerBlob` samples drawn uniformly in a cube of side
 * `spread` around each of the given centres, blob by blob.
 */
export function blobs(
  centres: readonly (readonly number[])[],
  nPerBlob: number,
  seed: number,
  spread = 1,
): DataMatrix & { labels: Int32Array } {
  const random = new Random(seed);
  const nFeatures = centres[0]!.length;
  const nSamples = centres.length * nPerBlob;
  const x = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const blob = Math.floor(i / nPerBlob);
    labels[i] = blob;
    for (let j = 0; j < nFeatures; j++) {
      x[i * nFeatures + j] =
        centres[blob]![j]! + spread * (random.float() - 0.5);
    }
  }
  return { x, nSamples, nFeatures, labels };
}

/** Samples from independent normal coordinates (Box–Muller). */
export function normalMatrix(
  nSamples: number,
  means: readonly number[],
  scales: readonly number[],
  random: Random,
): Float32Array {
  const d = means.length;
  const x = new Float32Array(nSamples * d);
  for (let p = 0; p < x.length; p++) {
    const u = 1 - random.float();
    const v = random.float();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    x[p] = means[p % d]! + scales[p % d]! * z;
  }
  return x;
}

/** Stores a dense matrix in CSR form, dropping its zeros. */
export function toCsr(data: DataMatrix): CsrMatrix {
  const indptr = new Int32Array(data.nSamples + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < data.nSamples; i++) {
    for (let j = 0; j < data.nFeatures; j++) {
      const value = data.x[i * data.nFeatures + j]!;
      if (value !== 0) {
        indices.push(j);
        values.push(value);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return {
    format: 'csr',
    nRows: data.nSamples,
    nCols: data.nFeatures,
    indptr,
    indices: Int32Array.from(indices),
    data: Float32Array.from(values),
  };
}

/**
 * Runs `action` and returns the error it threw.
 *
 * @throws Error when `action` throws nothing.
 */
export async function catchError(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected an error, but none was thrown');
}
