import { describe, expect, it } from 'vitest';

import { InvalidParameterError } from './errors.js';
import { Random } from './random.js';
import {
  createRepresentatives,
  getRepresentativeType,
  registerRepresentativeType,
  type RepresentativeType,
} from './representatives.js';

function fixedType(name: string, points: number[][]): RepresentativeType {
  return {
    name,
    description: 'test layout',
    defaultDimension: () => points[0]?.length ?? 0,
    create: () => points,
  };
}

const random = new Random(1);

describe('representative registry', () => {
  it('returns a registered type by name', () => {
    const type = fixedType('registry-lookup', [[0], [1]]);
    registerRepresentativeType(type);
    expect(getRepresentativeType('registry-lookup')).toBe(type);
  });

  it('rejects a duplicate name unless replacing', () => {
    registerRepresentativeType(fixedType('registry-duplicate', [[0], [1]]));
    expect(() =>
      registerRepresentativeType(fixedType('registry-duplicate', [[2], [3]])),
    ).toThrow(/already registered/);
    registerRepresentativeType(fixedType('registry-duplicate', [[2], [3]]), {
      replace: true,
    });
    expect(
      createRepresentatives('registry-duplicate', { nClusters: 2, random }),
    ).toEqual([[2], [3]]);
  });

  it('names the known types for an unknown name', () => {
    registerRepresentativeType(fixedType('registry-known', [[0], [1]]));
    expect(() => getRepresentativeType('no-such-type')).toThrow(
      /unknown representative type "no-such-type"; registered types: .*registry-known/,
    );
  });

  it('rejects a name with capitals or spaces', () => {
    expect(() =>
      registerRepresentativeType(fixedType('Bad Name', [[0], [1]])),
    ).toThrow(InvalidParameterError);
  });
});

describe('createRepresentatives', () => {
  it.each([
    ['wrong row count', [[0, 1]], /expected 2 rows, got 1/],
    ['wrong row length', [[0, 1], [1]], /row 1 has 1 values, expected 2/],
    [
      'non-finite value',
      [
        [0, Number.NaN],
        [1, 1],
      ],
      /row 0 has a non-finite/,
    ],
    [
      'repeated row',
      [
        [1, 1],
        [1, 1],
      ],
      /row 1 repeats an earlier row/,
    ],
  ])('rejects a layout with %s', (_, points, message) => {
    const name = `layout-${String(_).replaceAll(' ', '-')}`;
    registerRepresentativeType(fixedType(name, points as number[][]), {
      replace: true,
    });
    expect(() =>
      createRepresentatives(name, { nClusters: 2, dimension: 2, random }),
    ).toThrow(message);
  });
});
