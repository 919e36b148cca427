import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import {
  adjustedRandIndex,
  clusteringAccuracy,
  contingencyTable,
  daviesBouldinScore,
  externalMetrics,
  normalizedMutualInfo,
  purity,
  silhouetteScore,
} from './index.js';

/** Calls a function as plain JavaScript would, without type checks. */
type Untyped = (...args: unknown[]) => unknown;

const labelFunctions: [string, Untyped][] = [
  ['externalMetrics', externalMetrics as Untyped],
  ['purity', purity as Untyped],
  ['adjustedRandIndex', adjustedRandIndex as Untyped],
  ['normalizedMutualInfo', normalizedMutualInfo as Untyped],
  ['clusteringAccuracy', clusteringAccuracy as Untyped],
  ['contingencyTable', contingencyTable as Untyped],
];

/** Two pairs on a line. */
const POINTS = {
  x: Float32Array.of(0, 1, 5, 6),
  nSamples: 4,
  nFeatures: 1,
};

function labelMessage(name: string, kind: string): string {
  return (
    `${name} must be an array of labels (numbers or strings) or a typed ` +
    `array such as an Int32Array, got ${kind}`
  );
}

/** Returns the error `action` throws. */
function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('label arguments', () => {
  it.each(labelFunctions)('%s rejects numbers', (_, metric) => {
    const error = thrown(() => metric(3, 3));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(labelMessage('labelsTrue', '3'));
  });

  it.each(labelFunctions)('%s rejects strings', (_, metric) => {
    const error = thrown(() => metric('abc', 'abd'));
    expect(error.message).toBe(labelMessage('labelsTrue', 'the string "abc"'));
  });

  it.each(labelFunctions)('%s names a missing argument', (_, metric) => {
    expect(thrown(() => metric(undefined, [1])).message).toBe(
      labelMessage('labelsTrue', 'undefined'),
    );
    expect(thrown(() => metric([1])).message).toBe(
      labelMessage('labelsPred', 'undefined'),
    );
  });

  it.each([
    ['a DataView', new DataView(new ArrayBuffer(2)), 'a DataView'],
    ['an object without length', { 0: 0, 1: 1 }, 'an object'],
    ['a boolean', true, 'boolean true'],
  ])('rejects %s', (_, labels, kind) => {
    expect(thrown(() => externalMetrics([0, 1], labels as never)).message).toBe(
      labelMessage('labelsPred', kind),
    );
  });

  it.each([
    ['array-like', { length: 3, 0: 0, 1: 1, 2: 1 }],
    ['Int8Array', Int8Array.of(0, 1, 1)],
    ['Uint8Array', Uint8Array.of(0, 1, 1)],
    ['Uint16Array', Uint16Array.of(0, 1, 1)],
    ['Uint32Array', Uint32Array.of(0, 1, 1)],
    ['Float32Array', Float32Array.of(0, 1, 1)],
    ['Float64Array', Float64Array.of(0, 1, 1)],
  ])('accepts %s labels', (_, labels) => {
    expect(externalMetrics(labels, ['a', 'b', 'b'])).toEqual({
      purity: 1,
      ari: 1,
      nmi: 1,
      accuracy: 1,
    });
  });

  it('names a BigInt label', () => {
    const error = thrown(() => purity([0, 1], new BigInt64Array(2) as never));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      'labelsPred[0] is a value of type bigint; each label must be a finite ' +
        'number or a string',
    );
  });

  it('counts one label in the singular', () => {
    expect(thrown(() => purity([0], [0, 1])).message).toBe(
      'labelsTrue has 1 label but labelsPred has 2; pass one label per ' +
        'sample in both',
    );
  });
});

describe('silhouetteScore arguments', () => {
  const copy =
    'copy a flat array of numbers with Float32Array.from(x), rows with ' +
    'Float32Array.from(rows.flat())';

  it('rejects an unknown option', () => {
    const error = thrown(() =>
      silhouetteScore(POINTS, [0, 0, 1, 1], { sampelSize: 2 } as never),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'sampelSize is not an option; the options are sampleSize, seed',
    );
  });

  it('rejects options that are not an object', () => {
    expect(
      thrown(() => silhouetteScore(POINTS, [0, 0, 1, 1], null as never))
        .message,
    ).toBe('options must be an object of options, got null');
  });

  it.each([
    ['a plain array', [0, 1, 5, 6], 'an array of 4'],
    ['a Float64Array', Float64Array.of(0, 1, 5, 6), 'a Float64Array'],
  ])('rejects %s as values', (_, x, kind) => {
    const data = { ...POINTS, x } as never;
    const error = thrown(() => silhouetteScore(data, [0, 0, 1, 1]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe(
      `data.x must be a Float32Array of this realm, got ${kind}; ${copy}`,
    );
  });

  it('names missing data and labels', () => {
    expect(thrown(() => (silhouetteScore as Untyped)()).message).toBe(
      'data must be an object { x, nSamples, nFeatures } with x a ' +
        'row-major Float32Array, got undefined',
    );
    expect(thrown(() => (silhouetteScore as Untyped)(POINTS)).message).toBe(
      labelMessage('labels', 'undefined'),
    );
  });

  it.each([
    [
      'sampleSize',
      { sampleSize: '2' },
      'sampleSize must be an integer between 2 and the number of samples ' +
        '(4), got the string "2"',
    ],
    [
      'seed',
      { seed: '1' },
      'seed must be an integer between 0 and 4294967295, got the string "1"',
    ],
  ])('shows a string %s as a string', (_, options, message) => {
    const error = thrown(() =>
      silhouetteScore(POINTS, [0, 0, 1, 1], options as never),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(message);
  });

  it('rejects a string size', () => {
    const data = { ...POINTS, nSamples: '4' } as never;
    expect(thrown(() => silhouetteScore(data, [0, 0, 1, 1])).message).toBe(
      'data.nSamples must be an integer at least 0, got the string "4"',
    );
  });

  it('counts one label in the singular', () => {
    const data = { x: Float32Array.of(0, 1), nSamples: 2, nFeatures: 1 };
    expect(thrown(() => silhouetteScore(data, [0])).message).toBe(
      'labels has 1 entry but data has 2 samples; pass one label per sample',
    );
  });
});

describe('daviesBouldinScore arguments', () => {
  it('rejects a plain array as values', () => {
    const data = { ...POINTS, x: [0, 1, 5, 6] } as never;
    const error = thrown(() => daviesBouldinScore(data, [0, 0, 1, 1]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/^data\.x must be a Float32Array/);
  });

  it('rejects labels that are a string', () => {
    expect(
      thrown(() => daviesBouldinScore(POINTS, 'aabb' as never)).message,
    ).toBe(labelMessage('labels', 'the string "aabb"'));
  });
});
