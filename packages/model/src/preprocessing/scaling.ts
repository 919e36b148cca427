import {
  densifyRows,
  InvalidParameterError,
  isCsrMatrix,
  type CsrMatrix,
} from '@fixclust/core';

import type { DataMatrix } from '../data.js';

/**
 * A fitted per-feature scaling, `x' = (x − shift) · factor`. `factor` is
 * 0 for a feature that was constant in the training data, which maps it
 * to 0.
 */
export interface ScalingParameters {
  method: 'standard' | 'minmax';
  /** Subtracted from each feature: its mean or its minimum. */
  shift: Float32Array;
  /** Multiplies each shifted feature: 1 / deviation or 1 / range, or 0. */
  factor: Float32Array;
}

/**
 * Fits a scaling on the training data: `standard` uses each feature's
 * mean and population standard deviation, `minmax` its minimum and range,
 * both accumulated in float64.
 *
 * @throws InvalidParameterError for `standard` on sparse (CSR) data, and
 * for `minmax` on sparse data with a column whose minimum is not 0: both
 * would turn the zeros into non-zeros.
 */
export function fitScaling(
  data: DataMatrix,
  method: 'standard' | 'minmax',
): ScalingParameters {
  if (isCsrMatrix(data.x)) return fitSparseMinMax(data.x, method);
  const x = data.x;
  const d = data.nFeatures;
  const shift = new Float64Array(d);
  const spread = new Float64Array(d);
  if (method === 'standard') {
    for (let i = 0; i < x.length; i++) shift[i % d]! += x[i]!;
    for (let j = 0; j < d; j++) shift[j] = shift[j]! / data.nSamples;
    for (let i = 0; i < x.length; i++) {
      spread[i % d]! += (x[i]! - shift[i % d]!) ** 2;
    }
    for (let j = 0; j < d; j++) {
      spread[j] = Math.sqrt(spread[j]! / data.nSamples);
    }
  } else {
    const max = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
    shift.fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < x.length; i++) {
      shift[i % d] = Math.min(shift[i % d]!, x[i]!);
      max[i % d] = Math.max(max[i % d]!, x[i]!);
    }
    for (let j = 0; j < d; j++) spread[j] = max[j]! - shift[j]!;
  }
  return {
    method,
    shift: Float32Array.from(shift),
    factor: Float32Array.from(spread, (s) => (s > 0 ? 1 / s : 0)),
  };
}

/**
 * Applies a fitted scaling. Dense data gives a new dense matrix. Sparse
 * data stays sparse when every shift is 0, as after fitting on sparse
 * data; otherwise it is densified, because the shift makes zeros
 * non-zero.
 */
export function applyScaling(
  data: DataMatrix,
  scaling: ScalingParameters,
): DataMatrix {
  const { shift, factor } = scaling;
  const d = data.nFeatures;
  if (isCsrMatrix(data.x) && shift.every((s) => s === 0)) {
    const matrix = data.x;
    const values = Float32Array.from(
      matrix.data,
      (v, p) => v * factor[matrix.indices[p]!]!,
    );
    return { ...data, x: { ...matrix, data: values } };
  }
  const x = isCsrMatrix(data.x) ? densify(data.x) : data.x;
  const scaled = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    scaled[i] = (x[i]! - shift[i % d]!) * factor[i % d]!;
  }
  return { ...data, x: scaled };
}

function fitSparseMinMax(
  matrix: CsrMatrix,
  method: 'standard' | 'minmax',
): ScalingParameters {
  if (method === 'standard') {
    throw new InvalidParameterError(
      'scaling',
      method,
      `scaling "standard" would centre sparse (CSR) data and make every ` +
        `zero non-zero; use scaling "minmax" or "none", or pass dense data`,
    );
  }
  const d = matrix.nCols;
  const min = new Float64Array(d).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
  const stored = new Int32Array(d);
  matrix.data.forEach((value, p) => {
    const j = matrix.indices[p]!;
    min[j] = Math.min(min[j]!, value);
    max[j] = Math.max(max[j]!, value);
    stored[j]! += 1;
  });
  for (let j = 0; j < d; j++) {
    // A column with fewer stored values than rows also contains zeros.
    if (stored[j]! < matrix.nRows) {
      min[j] = Math.min(min[j]!, 0);
      max[j] = Math.max(max[j]!, 0);
    }
    if (min[j] !== 0) {
      throw new InvalidParameterError(
        'scaling',
        method,
        `scaling "minmax" on sparse (CSR) data keeps zeros only when each ` +
          `column's minimum is 0, but column ${j} has minimum ${min[j]}; ` +
          `pass dense data or use scaling "none"`,
      );
    }
  }
  return {
    method,
    shift: new Float32Array(d),
    factor: Float32Array.from(max, (m) => (m > 0 ? 1 / m : 0)),
  };
}

function densify(matrix: CsrMatrix): Float32Array {
  const rows = Int32Array.from({ length: matrix.nRows }, (_, i) => i);
  const output = new Float32Array(matrix.nRows * matrix.nCols);
  return densifyRows(matrix, rows, 0, matrix.nRows, output);
}
