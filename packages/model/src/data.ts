import {
  assertCsrMatrix,
  assertFloat32Values,
  assertIntegerInRange,
  assertValidData,
  densifyRows,
  describeValue,
  InvalidDataError,
  InvalidParameterError,
  isCsrMatrix,
  type CsrMatrix,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Training or prediction data: `nSamples × nFeatures`, either dense
 * (row-major `Float32Array`) or sparse (CSR). Sparse data is densified one
 * batch at a time, so memory grows with the batch, not with the data.
 */
export interface DataMatrix {
  x: Float32Array | CsrMatrix;
  nSamples: number;
  nFeatures: number;
  /**
   * Shape of one sample before flattening, such as [28, 28]; the CNN reads
   * it when the `imageShape` option is not set.
   */
  sampleShape?: readonly number[] | undefined;
}

/**
 * Checks type, shape and values: an object with a Float32Array or a CSR
 * matrix as `x` and integer sizes, non-empty, consistent sizes, finite
 * values.
 *
 * @param name - Name of the argument, for messages, such as `epochSample`.
 * @throws InvalidParameterError when `data` is not an object or a size is
 * not an integer of at least 0.
 * @throws InvalidDataError for dense data of another type, and naming the
 * first non-finite row and column.
 */
export function assertValidMatrix(data: DataMatrix, name = 'data'): void {
  assertMatrixArgument(data, name);
  if (!isCsrMatrix(data.x)) {
    assertFloat32Values(`${name}.x`, data.x, 'a CSR matrix');
    assertValidData(data.x, data.nSamples, data.nFeatures);
    return;
  }
  const { nRows, nCols } = data.x;
  if (nRows !== data.nSamples || nCols !== data.nFeatures) {
    throw new InvalidDataError(
      `sparse data is ${nRows} × ${nCols}, but nSamples × nFeatures is ` +
        `${data.nSamples} × ${data.nFeatures}`,
    );
  }
  assertCsrMatrix(data.x, `${name}.x`);
}

/**
 * Checks that `data` is an object whose sizes are integers, so that a
 * missing or misplaced argument is reported by name.
 *
 * @throws InvalidParameterError naming the argument or the size.
 */
function assertMatrixArgument(data: unknown, name: string): void {
  if (isCsrMatrix(data)) {
    throw new InvalidParameterError(
      name,
      data,
      `${name} is a CSR matrix, but it must be an object { x, nSamples, ` +
        `nFeatures }; pass { x: csr, nSamples: csr.nRows, nFeatures: ` +
        `csr.nCols }, or the data set that loadSparseDataset returns`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const rows = Array.isArray(data) && Array.isArray(data[0]);
    const hint = rows
      ? '; for an array of rows pass { x: Float32Array.from(rows.flat()), ' +
        'nSamples: rows.length, nFeatures: rows[0].length }'
      : '';
    throw new InvalidParameterError(
      name,
      data,
      `${name} must be an object { x, nSamples, nFeatures } with x a ` +
        `row-major Float32Array or a CSR matrix, got ` +
        `${describeValue(data)}${hint}`,
    );
  }
  const { nSamples, nFeatures } = data as Record<string, unknown>;
  assertIntegerInRange(`${name}.nSamples`, nSamples as number, 0);
  assertIntegerInRange(`${name}.nFeatures`, nFeatures as number, 0);
}

/**
 * Copies the rows `order[start … end - 1]` into a new dense tensor. tfjs's
 * `gather` of rows costs several milliseconds per batch on the wasm backend;
 * this copy costs a fraction of one.
 */
export function batchTensor(
  data: DataMatrix,
  order: Int32Array,
  start: number,
  end: number,
): tf.Tensor2D {
  const width = data.nFeatures;
  const values = new Float32Array((end - start) * width);
  const x = data.x;
  if (isCsrMatrix(x)) {
    densifyRows(x, order, start, end, values);
  } else {
    for (let i = start; i < end; i++) {
      const row = order[i]!;
      values.set(
        x.subarray(row * width, (row + 1) * width),
        (i - start) * width,
      );
    }
  }
  return tf.tensor2d(values, [end - start, width]);
}

/**
 * Calls `body` with consecutive chunks of at most `chunkSize` rows as
 * tensors, disposing each chunk afterwards. Dense chunks are views of
 * `data.x`. Sparse chunks are densified into one buffer that every chunk
 * reuses, so a pass over the data allocates one chunk of dense memory
 * however many chunks it has.
 */
export async function forEachChunk(
  data: DataMatrix,
  chunkSize: number,
  body: (x: tf.Tensor2D, start: number) => Promise<void>,
): Promise<void> {
  const buffer = isCsrMatrix(data.x)
    ? new Float32Array(Math.min(chunkSize, data.nSamples) * data.nFeatures)
    : undefined;
  for (let start = 0; start < data.nSamples; start += chunkSize) {
    const end = Math.min(start + chunkSize, data.nSamples);
    // tfjs's cpu backend (4.22), which the native backend builds on, keeps
    // a reference to `buffer` rather than a copy, so `x` must be disposed
    // before the next chunk overwrites it.
    const x = chunkTensor(data, start, end, buffer);
    try {
      await body(x, start);
    } finally {
      x.dispose();
    }
  }
}

function chunkTensor(
  data: DataMatrix,
  start: number,
  end: number,
  buffer: Float32Array | undefined,
): tf.Tensor2D {
  const shape: [number, number] = [end - start, data.nFeatures];
  const size = shape[0] * shape[1];
  if (!isCsrMatrix(data.x)) {
    const values = data.x.subarray(start * shape[1], end * shape[1]);
    return tf.tensor2d(values, shape);
  }
  const values = buffer!.subarray(0, size);
  const rows = Int32Array.from({ length: shape[0] }, (_, i) => start + i);
  densifyRows(data.x, rows, 0, rows.length, values);
  return tf.tensor2d(values, shape);
}

/**
 * Counts the distinct rows of `data`, stopping once `limit` are found, so
 * the cost stays small unless the data has fewer distinct rows than that.
 *
 * @returns the number of distinct rows, or `limit` when there are at least
 * that many.
 */
export function countDistinctRows(data: DataMatrix, limit: number): number {
  const width = data.nFeatures;
  const distinct: Float32Array[] = [];
  const buffer = new Float32Array(width);
  const single = new Int32Array(1);
  for (let i = 0; i < data.nSamples && distinct.length < limit; i++) {
    let row: Float32Array;
    if (isCsrMatrix(data.x)) {
      single[0] = i;
      row = densifyRows(data.x, single, 0, 1, buffer);
    } else {
      row = data.x.subarray(i * width, (i + 1) * width);
    }
    if (!distinct.some((seen) => equalRows(seen, row))) {
      distinct.push(row.slice());
    }
  }
  return distinct.length;
}

function equalRows(a: Float32Array, b: Float32Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
