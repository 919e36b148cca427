import { InvalidDataError } from './errors.js';

/**
 * A sparse matrix in compressed sparse row (CSR) form, as scipy.sparse
 * stores it: the nonzeros of row i are `data[indptr[i] … indptr[i + 1] - 1]`
 * in the columns `indices[indptr[i] … indptr[i + 1] - 1]`.
 */
export interface CsrMatrix {
  format: 'csr';
  nRows: number;
  nCols: number;
  /** `nRows + 1` offsets into `indices` and `data`, from 0 to nnz. */
  indptr: Int32Array;
  /** Column of each stored value, increasing within a row. */
  indices: Int32Array;
  /** The stored values. */
  data: Float32Array;
}

/** Tells whether `value` is a {@link CsrMatrix}. */
export function isCsrMatrix(value: unknown): value is CsrMatrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'csr'
  );
}

/**
 * Writes the rows `rows[start … end - 1]` of `matrix` densely into `output`
 * (row-major, `(end - start) × nCols`), zero-filling it first.
 */
export function densifyRows(
  matrix: CsrMatrix,
  rows: ArrayLike<number>,
  start: number,
  end: number,
  output: Float32Array,
): Float32Array {
  output.fill(0, 0, (end - start) * matrix.nCols);
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    const offset = (i - start) * matrix.nCols;
    for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) {
      output[offset + matrix.indices[p]!] = matrix.data[p]!;
    }
  }
  return output;
}

/**
 * Checks a CSR matrix's structure and values: offsets that start at 0,
 * never decrease and end at the number of stored values, column indices in
 * range, finite values.
 *
 * @throws InvalidDataError naming the first row (and column) at fault.
 */
export function assertValidCsr(matrix: CsrMatrix): void {
  const { nRows, nCols, indptr, indices, data } = matrix;
  if (nRows < 1 || nCols < 1) {
    throw new InvalidDataError(
      `data is empty (${nRows} samples × ${nCols} features); ` +
        `pass at least one sample with at least one feature`,
    );
  }
  if (indptr.length !== nRows + 1 || indptr[0] !== 0) {
    throw new InvalidDataError(
      `CSR indptr must have ${nRows + 1} offsets starting at 0, got ` +
        `${indptr.length} starting at ${indptr[0]}`,
    );
  }
  if (indptr[nRows] !== indices.length || indices.length !== data.length) {
    throw new InvalidDataError(
      `CSR indptr ends at ${indptr[nRows]}, but indices has ` +
        `${indices.length} entries and data ${data.length}`,
    );
  }
  for (let row = 0; row < nRows; row++) {
    if (indptr[row + 1]! < indptr[row]!) {
      throw new InvalidDataError(`CSR indptr decreases at row ${row}`);
    }
    for (let p = indptr[row]!; p < indptr[row + 1]!; p++) {
      const column = indices[p]!;
      if (column < 0 || column >= nCols) {
        throw new InvalidDataError(
          `CSR row ${row} has column index ${column}, outside [0, ${nCols})`,
        );
      }
      if (!Number.isFinite(data[p])) {
        throw new InvalidDataError(
          `data contains ${data[p]} at row ${row}, column ${column}; ` +
            `remove or impute non-finite values before clustering`,
        );
      }
    }
  }
}
