import { describe, expect, it } from 'vitest';

import { InvalidDataError, InvalidParameterError } from './errors.js';
import {
  assertFiniteAbove,
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
