import { describe, expect, it } from 'vitest';

import { assertValidCsr, densifyRows, type CsrMatrix } from './sparse.js';

// [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
const matrix: CsrMatrix = {
  format: 'csr',
  nRows: 3,
  nCols: 3,
  indptr: new Int32Array([0, 2, 2, 3]),
  indices: new Int32Array([0, 2, 1]),
  data: new Float32Array([1, 2, 3]),
};

describe('densifyRows', () => {
  it('writes the chosen rows densely', () => {
    const output = new Float32Array(6).fill(9);
    densifyRows(matrix, [2, 0], 0, 2, output);
    expect(Array.from(output)).toEqual([0, 3, 0, 1, 0, 2]);
  });

  it('zero-fills an empty row', () => {
    const output = new Float32Array(3).fill(9);
    densifyRows(matrix, [1], 0, 1, output);
    expect(Array.from(output)).toEqual([0, 0, 0]);
  });
});

describe('assertValidCsr', () => {
  it('accepts a valid matrix', () => {
    expect(() => assertValidCsr(matrix)).not.toThrow();
  });

  it('rejects a column out of range', () => {
    const bad = { ...matrix, indices: new Int32Array([0, 3, 1]) };
    expect(() => assertValidCsr(bad)).toThrow(
      'CSR row 0 has column index 3, outside [0, 3)',
    );
  });

  it('names a non-finite value', () => {
    const bad = { ...matrix, data: new Float32Array([1, 2, Number.NaN]) };
    expect(() => assertValidCsr(bad)).toThrow(
      'data contains NaN at row 2, column 1',
    );
  });

  it('rejects offsets that do not match the values', () => {
    const bad = { ...matrix, indptr: new Int32Array([0, 2, 2, 4]) };
    expect(() => assertValidCsr(bad)).toThrow(/indptr ends at 4/);
  });
});
