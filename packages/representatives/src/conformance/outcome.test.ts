import { InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import {
  attempt,
  describeOutcome,
  invalidParameterMismatch,
  numberText,
} from './outcome.js';

const rejection = new InvalidParameterError(
  'dimension',
  0,
  'dimension must be at least 1, got 0',
);

describe('describeOutcome', () => {
  it('names the rows of a returned layout', () => {
    expect(describeOutcome(attempt(() => [[1], [2], [3]]))).toBe(
      'returned a layout of 3 rows',
    );
  });

  it('names the class and message of a thrown error', () => {
    const outcome = attempt(() => {
      throw new TypeError('boom');
    });
    expect(describeOutcome(outcome)).toBe('threw TypeError: boom');
  });
});

describe('invalidParameterMismatch', () => {
  it('accepts the expected error', () => {
    const outcome = attempt(() => {
      throw rejection;
    });
    expect(invalidParameterMismatch(outcome, 'dimension', '0')).toBeUndefined();
  });

  it('says that create returned a layout', () => {
    const outcome = attempt(() => [[1]]);
    expect(invalidParameterMismatch(outcome, 'dimension', '0')).toBe(
      'expected an InvalidParameterError for dimension, but create ' +
        'returned a layout of 1 row',
    );
  });

  it('names another error class and its message', () => {
    const outcome = attempt(() => {
      throw new RangeError('too small');
    });
    expect(invalidParameterMismatch(outcome, 'dimension', '0')).toBe(
      'expected an InvalidParameterError for dimension, but create threw ' +
        'RangeError: too small',
    );
  });

  it('names another parameter', () => {
    const outcome = attempt(() => {
      throw rejection;
    });
    expect(invalidParameterMismatch(outcome, 'nClusters', '0')).toMatch(
      /but create threw one for dimension: dimension must be/,
    );
  });

  it('says the message lacks the value', () => {
    const outcome = attempt(() => {
      throw rejection;
    });
    expect(invalidParameterMismatch(outcome, 'dimension', 'NaN')).toMatch(
      /whose message contains "NaN", but create threw: dimension must/,
    );
  });
});

describe('numberText', () => {
  it('writes 0 without a sign', () => {
    expect(numberText(0)).toBe('0');
  });

  it('keeps the sign of -0 and the text of NaN', () => {
    expect(numberText(-0)).toBe('-0');
    expect(numberText(Number.NaN)).toBe('NaN');
  });
});
