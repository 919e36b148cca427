import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { InvalidDataError, InvalidParameterError } from './errors.js';
import type { CsrMatrix } from './sparse.js';
import {
  assertCsrMatrix,
  assertDenseMatrix,
  assertFiniteAbove,
  assertFloat32Values,
  assertIntegerInRange,
  assertKnownKeys,
  assertOptionsObject,
  assertValidData,
  describeValue,
} from './validate.js';

describe('assertIntegerInRange', () => {
  it('names the parameter, range and value', () => {
    expect(() =>
      assertIntegerInRange('nClusters', 5, 1, 3, 'the number of samples (3)'),
    ).toThrow(
      'nClusters must be an integer between 1 and the number of samples (3), got 5',
    );
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (v) => {
    expect(() => assertIntegerInRange('epochs', v, 1)).toThrow(
      InvalidParameterError,
    );
  });
});

describe('values of the wrong type', () => {
  it('shows a string with its type, not as the number it spells', () => {
    const clusters = '2' as unknown as number;
    expect(() => assertIntegerInRange('nClusters', clusters, 1)).toThrow(
      'nClusters must be an integer at least 1, got the string "2"',
    );
    const rate = '0.01' as unknown as number;
    expect(() => assertFiniteAbove('learningRate', rate, 0)).toThrow(
      'learningRate must be a finite number greater than 0, got the string "0.01"',
    );
  });

  it.each([
    [3, '3'],
    [Number.NaN, 'NaN'],
    [undefined, 'undefined'],
    [null, 'null'],
    [[1, 2], 'an array of 2'],
    [{ a: 1 }, 'an object'],
    [new Float64Array(2), 'a Float64Array'],
    [true, 'boolean true'],
  ])('describes %s as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('assertOptionsObject', () => {
  it('names a missing required argument', () => {
    expect(() => assertOptionsObject('options', undefined, true)).toThrow(
      'options must be an object of options, got undefined',
    );
  });

  it('accepts a missing optional argument and rejects other values', () => {
    expect(() =>
      assertOptionsObject('options', undefined, false),
    ).not.toThrow();
    expect(() => assertOptionsObject('options', 3, false)).toThrow(
      'options must be an object of options, got 3',
    );
    expect(() => assertOptionsObject('options', [], false)).toThrow(
      'got an array of 0',
    );
  });
});

describe('assertKnownKeys', () => {
  it('names the first unknown key and the known ones', () => {
    expect(() =>
      assertKnownKeys('', { nClusters: 2, n_init: 1 }, ['nClusters', 'nInit']),
    ).toThrow('n_init is not an option; the options are nClusters, nInit');
  });
});

describe('assertValidData', () => {
  it('names the first non-finite row and column', () => {
    const x = new Float32Array([0, 1, 2, 3, Number.NaN, 5, Infinity, 7, 8]);
    expect(() => assertValidData(x, 3, 3)).toThrow(
      'data contains NaN at row 1, column 1',
    );
  });

  it('reports infinite values', () => {
    const x = new Float32Array([0, -Infinity]);
    expect(() => assertValidData(x, 1, 2)).toThrow(
      'data contains -Infinity at row 0, column 1',
    );
  });

  it('rejects empty data', () => {
    expect(() => assertValidData(new Float32Array(0), 0, 784)).toThrow(
      InvalidDataError,
    );
  });

  it('rejects a length that does not match the shape', () => {
    expect(() => assertValidData(new Float32Array(5), 2, 3)).toThrow(
      'data has 5 values, but 2 samples × 3 features need 6',
    );
  });
});

describe('assertFloat32Values', () => {
  it.each([
    ['a Float64Array', new Float64Array(6), 'a Float64Array'],
    ['a plain array', [1, 2, 3], 'an array of 3'],
    ['a string', 'abc', 'the string "abc"'],
    ['undefined', undefined, 'undefined'],
    [
      'a Float32Array of another realm',
      runInNewContext('new Float32Array(6)'),
      'a Float32Array of another realm',
    ],
  ])('rejects %s with the copy to make', (_, values, kind) => {
    expect(() => assertFloat32Values('data.x', values)).toThrow(
      `data.x must be a Float32Array of this realm, got ${kind}; copy a ` +
        'flat array of numbers with Float32Array.from(x), rows with ' +
        'Float32Array.from(rows.flat())',
    );
  });

  it('accepts a Float32Array', () => {
    expect(() =>
      assertFloat32Values('data.x', new Float32Array(2)),
    ).not.toThrow();
  });
});

describe('assertDenseMatrix', () => {
  const x = new Float32Array([0, 1, 2, 3]);

  it('accepts a matrix with extra fields', () => {
    const data = { x, nSamples: 2, nFeatures: 2, name: 'points' };
    expect(() => assertDenseMatrix(data)).not.toThrow();
  });

  it.each([
    [undefined, 'undefined', ''],
    [3, '3', ''],
    ['abc', 'the string "abc"', ''],
    [
      [1, 2],
      'an array of 2',
      '; pass { x: Float32Array.from(values), nSamples, nFeatures }',
    ],
    [
      new Float32Array(2),
      'a Float32Array',
      '; pass { x: values, nSamples, nFeatures }',
    ],
    [
      new Float64Array(2),
      'a Float64Array',
      '; pass { x: Float32Array.from(values), nSamples, nFeatures }',
    ],
    [
      [[1], [2]],
      'an array of 2',
      '; for an array of rows pass { x: Float32Array.from(rows.flat()), ' +
        'nSamples: rows.length, nFeatures: rows[0].length }',
    ],
  ])('rejects %s as the argument', (data, kind, hint) => {
    expect(() => assertDenseMatrix(data, 'points')).toThrow(
      'points must be an object { x, nSamples, nFeatures } with x a ' +
        `row-major Float32Array, got ${kind}${hint}`,
    );
    expect(() => assertDenseMatrix(data)).toThrow(InvalidParameterError);
  });

  it('rejects sizes that are not integers', () => {
    expect(() => assertDenseMatrix({ x, nSamples: '2', nFeatures: 2 })).toThrow(
      'data.nSamples must be an integer at least 0, got the string "2"',
    );
    expect(() => assertDenseMatrix({ x, nSamples: 2 })).toThrow(
      'data.nFeatures must be an integer at least 0, got undefined',
    );
  });

  it('rejects values of another type as data', () => {
    const data = { x: Array.from(x), nSamples: 2, nFeatures: 2 };
    expect(() => assertDenseMatrix(data)).toThrow(InvalidDataError);
    expect(() => assertDenseMatrix(data)).toThrow(
      'data.x must be a Float32Array of this realm, got an array of 4',
    );
  });

  it('checks size and values', () => {
    expect(() => assertDenseMatrix({ x, nSamples: 3, nFeatures: 2 })).toThrow(
      'data has 4 values, but 3 samples × 2 features need 6',
    );
    const infinite = Float32Array.of(0, Infinity);
    expect(() =>
      assertDenseMatrix({ x: infinite, nSamples: 1, nFeatures: 2 }),
    ).toThrow('data contains Infinity at row 0, column 1');
  });
});

describe('assertCsrMatrix', () => {
  /** Builds the 2 × 3 matrix [[1, 0, 2], [0, 3, 0]], with `changes`. */
  function csr(changes: Record<string, unknown> = {}): CsrMatrix {
    return {
      format: 'csr',
      nRows: 2,
      nCols: 3,
      indptr: Int32Array.of(0, 2, 3),
      indices: Int32Array.of(0, 2, 1),
      data: Float32Array.of(1, 2, 3),
      ...changes,
    } as CsrMatrix;
  }

  it('accepts a valid matrix and arrays of another realm', () => {
    expect(() => assertCsrMatrix(csr())).not.toThrow();
    const data = runInNewContext('Float32Array.of(1, 2, 3)') as Float32Array;
    expect(() => assertCsrMatrix(csr({ data }))).not.toThrow();
  });

  it('rejects sizes that are not integers', () => {
    expect(() => assertCsrMatrix(csr({ nRows: '2' }))).toThrow(
      'data.nRows must be an integer at least 0, got the string "2"',
    );
    expect(() => assertCsrMatrix(csr({ nCols: 2.5 }))).toThrow(
      InvalidParameterError,
    );
  });

  it('names the array of another type and the copy', () => {
    expect(() => assertCsrMatrix(csr({ indptr: [0, 2, 3] }))).toThrow(
      'data.indptr must be an Int32Array, got an array of 3; copy it with ' +
        'Int32Array.from(indptr)',
    );
    const data = Float64Array.of(1, 2, 3);
    expect(() => assertCsrMatrix(csr({ data }), 'rows')).toThrow(
      'rows.data must be a Float32Array, got a Float64Array; copy it with ' +
        'Float32Array.from(data)',
    );
  });

  it('checks the structure', () => {
    const indices = Int32Array.of(0, 5, 1);
    expect(() => assertCsrMatrix(csr({ indices }))).toThrow(
      'CSR row 0 has column index 5, outside [0, 3)',
    );
  });
});
