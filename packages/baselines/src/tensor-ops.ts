import {
  assertTensorBackendStarted,
  requireTensorBackend,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import type { RowSource } from './data.js';

/**
 * Waits for the tfjs backend before the tensor work of `operation`, such
 * as `kmeans`.
 *
 * @throws BackendUnavailableError, saying how to start a backend, when
 * none is registered or none starts.
 */
export async function requireBackend(operation: string): Promise<void> {
  await requireTensorBackend(operation, tf);
}

/**
 * Checks, without waiting, that the tfjs backend has started before the
 * tensor work of the synchronous `operation`, such as `predict`.
 *
 * @throws BackendUnavailableError, saying how to start a backend, when
 * none is registered or the active one has not finished starting.
 */
export function assertBackendStarted(operation: string): void {
  assertTensorBackendStarted(operation, tf);
}

/**
 * Computes `(x − mean) · vᵀ` for every row x and each of the `nVectors`
 * rows v of `vectors` (row-major, `nVectors × d`) on the active tfjs
 * backend, one block of rows at a time. `body` receives each block's
 * products (`rows × nVectors`, float32) with the raw rows.
 *
 * The backend subtracts `mean` in float32 before the product, so the
 * products lose little precision on data far from the origin. Every tensor
 * is disposed before this returns or throws.
 */
export function projectChunks(
  source: RowSource,
  mean: Float64Array,
  vectors: Float64Array,
  nVectors: number,
  body: (
    products: Float32Array,
    block: Float32Array,
    start: number,
    end: number,
  ) => void,
): void {
  const d = source.nFeatures;
  // tfjs-backend-wasm 4.22 multiplies 3 to 6 times slower with its
  // transpose flags set, so the vectors go up already transposed.
  const vt = tf.tensor2d(transpose(vectors, nVectors, d), [d, nVectors]);
  const meanRow = tf.tensor2d(Float32Array.from(mean), [1, d]);
  try {
    source.forEachChunk((block, start, end) => {
      const products = tf.tidy(() => {
        const x = tf.tensor2d(block, [end - start, d]);
        return tf.matMul(tf.sub(x, meanRow), vt);
      });
      let result: Float32Array;
      try {
        result = products.dataSync() as Float32Array;
      } finally {
        products.dispose();
      }
      body(result, block, start, end);
    });
  } finally {
    vt.dispose();
    meanRow.dispose();
  }
}

/**
 * Computes the scatter matrix `Σ (x − mean)ᵀ (x − mean)` (`d × d`,
 * row-major, float64). Each block's product runs on the active tfjs backend
 * in float32 and the blocks are summed in float64. The result is exactly
 * symmetric: its lower triangle mirrors the upper one.
 */
export function centredScatter(
  source: RowSource,
  mean: Float64Array,
): Float64Array {
  const d = source.nFeatures;
  const scatter = new Float64Array(d * d);
  const meanRow = tf.tensor2d(Float32Array.from(mean), [1, d]);
  try {
    source.forEachChunk((block, start, end) => {
      const product = tf.tidy(() => {
        const x = tf.sub(tf.tensor2d(block, [end - start, d]), meanRow);
        return tf.matMul(tf.transpose(x), x);
      });
      try {
        const partial = product.dataSync();
        for (let p = 0; p < d * d; p++) scatter[p]! += partial[p]!;
      } finally {
        product.dispose();
      }
    });
  } finally {
    meanRow.dispose();
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) scatter[j * d + i] = scatter[i * d + j]!;
  }
  return scatter;
}

function transpose(
  values: Float64Array,
  nRows: number,
  nCols: number,
): Float32Array {
  const result = new Float32Array(values.length);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++)
      result[j * nRows + i] = values[i * nCols + j]!;
  }
  return result;
}
