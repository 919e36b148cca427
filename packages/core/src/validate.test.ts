import { describe, expect, it } from 'vitest';

import { InvalidDataError, InvalidParameterError } from './errors.js';
import { assertIntegerInRange, assertValidData } from './validate.js';

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
