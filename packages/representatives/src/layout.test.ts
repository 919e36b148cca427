import {
  getRepresentativeType,
  InvalidParameterError,
  Random,
} from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { describeRepresentativeConformance } from './conformance/index.js';
import {
  describeOptions,
  minimumPairwiseDistance,
  registerBuiltInRepresentatives,
  resolveLayoutShape,
  simplexRepresentatives,
  vertexRepresentatives,
} from './index.js';

const random = new Random(0);

describe('argument checks', () => {
  it('describeOptions rejects a missing type', () => {
    expect(() => describeOptions(undefined as unknown as string)).toThrow(
      'type must be a representative type or its registered name, got ' +
        'undefined',
    );
  });

  it('create rejects a missing request', () => {
    expect(() =>
      vertexRepresentatives.create(undefined as unknown as never),
    ).toThrow('request must be an object of options, got undefined');
  });

  it('resolveLayoutShape rejects a missing type', () => {
    const resolve = () =>
      resolveLayoutShape(null as unknown as never, { nClusters: 3, random });
    expect(resolve).toThrow(InvalidParameterError);
    expect(resolve).toThrow(
      'type must be a representative type that describes its dimensions, ' +
        "such as getRepresentativeType('simplex'), got null",
    );
  });

  it('create shows a string nClusters as a string', () => {
    registerBuiltInRepresentatives();
    const request = { nClusters: '3', random };
    expect(() =>
      getRepresentativeType('simplex').create(request as unknown as never),
    ).toThrow(
      'simplex representatives need nClusters to be an integer of at ' +
        'least 1, got the string "3"',
    );
  });

  it('create shows a string dimension as a string', () => {
    const request = { nClusters: 3, dimension: '2', random };
    expect(() =>
      simplexRepresentatives.create(request as unknown as never),
    ).toThrow(/integer dimension of at least 2, got the string "2"$/);
  });

  it('minimumPairwiseDistance rejects missing points', () => {
    expect(() =>
      minimumPairwiseDistance(null as unknown as number[][]),
    ).toThrow(
      'points must be an array of rows of finite numbers, all of one ' +
        'length, such as a representative layout, got null',
    );
  });

  it('minimumPairwiseDistance rejects ragged rows', () => {
    expect(() => minimumPairwiseDistance([[0, 1], [2]])).toThrow(
      InvalidParameterError,
    );
  });

  it('create rejects an unknown request key', () => {
    const request = { nClusters: 3, dimensions: 3, random };
    expect(() =>
      simplexRepresentatives.create(request as unknown as never),
    ).toThrow(
      'dimensions is not an option; the options are nClusters, ' +
        'dimension, options, random',
    );
  });

  it('create rejects options that are not an object', () => {
    const request = { nClusters: 3, options: 'scale=2', random };
    let error: unknown;
    try {
      vertexRepresentatives.create(request as unknown as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(
      'representativeOptions',
    );
    expect((error as Error).message).toBe(
      'representativeOptions must be an object of options, got the ' +
        'string "scale=2"',
    );
  });

  it('conformance rejects an unknown option', () => {
    expect(() =>
      describeRepresentativeConformance(vertexRepresentatives, {
        optionSet: [{ scale: 2 }],
      } as never),
    ).toThrow(
      'optionSet is not an option; the options are clusterCounts, ' +
        'dimensionRange, optionSets, seeds',
    );
  });
});
