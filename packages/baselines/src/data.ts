import {
  assertCsrMatrix,
  assertDenseMatrix,
  countOf,
  type CsrMatrix,
  densifyRows,
  describeValue,
  InvalidParameterError,
  isCsrMatrix,
} from '@fixclust/core';

/** A dense row-major matrix: `x` has `nSamples * nFeatures` values. */
export interface DataMatrix {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
}

/**
 * Input of the baselines: a dense matrix, or a sparse CSR matrix that is
 * densified a bounded block of rows at a time and never as a whole.
 */
export type BaselineData = DataMatrix | CsrMatrix;

/** Rows per block when the data is read or sent to a tfjs backend. */
export const CHUNK_ROWS = 4096;

/**
 * Row-block access to a dense or CSR matrix. A block is dense and
 * row-major. For CSR input its buffer is reused by the next block, so
 * a caller copies what it keeps.
 */
export interface RowSource {
  nSamples: number;
  nFeatures: number;
  /** Calls `body` on consecutive blocks of at most `chunkRows` rows. */
  forEachChunk(
    body: (block: Float32Array, start: number, end: number) => void,
    chunkRows?: number,
  ): void;
  /** Copies row `index` into a new array. */
  row(index: number): Float32Array;
}

/**
 * Checks the input's types, shape and values: a CSR matrix, or a dense
 * matrix whose `x` is a Float32Array of this realm (the only dense type
 * tfjs accepts) and whose sizes are integers.
 *
 * @throws InvalidParameterError when `data` is not a matrix object or a
 * size is not an integer.
 * @throws InvalidDataError for values of another type, naming the copy to
 * make, and for empty, malformed or non-finite input, naming the first bad
 * row and column.
 */
export function assertValidInput(data: unknown): asserts data is BaselineData {
  if (isCsrMatrix(data)) {
    assertCsrMatrix(data);
    return;
  }
  if (typeof data !== 'object' || data === null) {
    throw new InvalidParameterError(
      'data',
      data,
      'data must be a dense matrix { x, nSamples, nFeatures } with x a ' +
        `row-major Float32Array, or a CsrMatrix, got ${describeValue(data)}`,
    );
  }
  if (isCsrMatrix((data as { x?: unknown }).x)) {
    throw new InvalidParameterError(
      'data',
      data,
      'data.x is a CsrMatrix; pass the CsrMatrix itself as data',
    );
  }
  assertDenseMatrix(data);
}

/** Wraps dense or CSR input as a {@link RowSource}. */
export function rowSource(data: BaselineData): RowSource {
  return isCsrMatrix(data) ? csrSource(data) : denseSource(data);
}

/**
 * Checks `data` as {@link assertValidInput} does, then that it has the
 * number of features a fitted baseline expects.
 *
 * @throws as {@link assertValidInput}, and InvalidParameterError when the
 * number of features differs.
 */
export function assertMatchingInput(
  data: BaselineData,
  nFeatures: number,
  fittedOn: string,
): void {
  assertValidInput(data);
  const actual = isCsrMatrix(data) ? data.nCols : data.nFeatures;
  if (actual !== nFeatures) {
    throw new InvalidParameterError(
      'nFeatures',
      actual,
      `data has ${countOf(actual, 'feature')}, but the ${fittedOn} was ` +
        `fitted on ${nFeatures}; pass rows with the training data's features`,
    );
  }
}

/** Mean and population variance (divided by n) of each feature. */
export interface FeatureMoments {
  mean: Float64Array;
  variance: Float64Array;
}

/** Computes each feature's mean and variance in float64, in two passes. */
export function featureMoments(source: RowSource): FeatureMoments {
  const d = source.nFeatures;
  const mean = new Float64Array(d);
  source.forEachChunk((block, start, end) => {
    for (let p = 0; p < (end - start) * d; p++) mean[p % d]! += block[p]!;
  });
  for (let j = 0; j < d; j++) mean[j]! /= source.nSamples;

  const variance = new Float64Array(d);
  source.forEachChunk((block, start, end) => {
    for (let p = 0; p < (end - start) * d; p++) {
      const diff = block[p]! - mean[p % d]!;
      variance[p % d]! += diff * diff;
    }
  });
  for (let j = 0; j < d; j++) variance[j]! /= source.nSamples;
  return { mean, variance };
}

function denseSource(data: DataMatrix): RowSource {
  const { x, nSamples, nFeatures } = data;
  return {
    nSamples,
    nFeatures,
    forEachChunk(body, chunkRows = CHUNK_ROWS) {
      for (let start = 0; start < nSamples; start += chunkRows) {
        const end = Math.min(start + chunkRows, nSamples);
        body(x.subarray(start * nFeatures, end * nFeatures), start, end);
      }
    },
    row: (index) => x.slice(index * nFeatures, (index + 1) * nFeatures),
  };
}

function csrSource(matrix: CsrMatrix): RowSource {
  const { nRows, nCols } = matrix;
  return {
    nSamples: nRows,
    nFeatures: nCols,
    forEachChunk(body, chunkRows = CHUNK_ROWS) {
      const size = Math.min(chunkRows, nRows);
      const buffer = new Float32Array(size * nCols);
      const rows = new Int32Array(size);
      for (let start = 0; start < nRows; start += chunkRows) {
        const end = Math.min(start + chunkRows, nRows);
        for (let i = start; i < end; i++) rows[i - start] = i;
        densifyRows(matrix, rows, 0, end - start, buffer);
        body(buffer.subarray(0, (end - start) * nCols), start, end);
      }
    },
    row: (index) => densifyRows(matrix, [index], 0, 1, new Float32Array(nCols)),
  };
}
