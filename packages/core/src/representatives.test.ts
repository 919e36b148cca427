import { describe, expect, it } from 'vitest';

import { InvalidParameterError } from './errors.js';
import { Random } from './random.js';
import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  createRepresentatives,
  getRepresentativeType,
  listRepresentativeTypes,
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

  it('rejects a missing type', () => {
    expect(() =>
      registerRepresentativeType(undefined as unknown as RepresentativeType),
    ).toThrow(
      'type must be a representative type object with name, description, ' +
        'defaultDimension and create, got undefined',
    );
  });

  it('rejects a type without create', () => {
    const type = { ...fixedType('registry-no-create', [[0]]) };
    delete (type as Partial<RepresentativeType>).create;
    expect(() => registerRepresentativeType(type)).toThrow(
      'representative type "registry-no-create" must have a create ' +
        'function, got undefined',
    );
  });

  it('rejects an unknown option', () => {
    const type = fixedType('registry-options', [[0], [1]]);
    expect(() =>
      registerRepresentativeType(type, { replce: true } as never),
    ).toThrow('replce is not an option; the options are replace');
  });

  it('rejects a replace that is not a boolean', () => {
    const type = fixedType('registry-replace-type', [[0], [1]]);
    expect(() =>
      registerRepresentativeType(type, {
        replace: 'yes' as unknown as boolean,
      }),
    ).toThrow('replace must be true or false, got the string "yes"');
  });
});

describe('built-in representative names', () => {
  it('are taken before the built-ins are registered', () => {
    expect(listRepresentativeTypes().map((t) => t.name)).not.toContain(
      'vertex',
    );
    expect(() =>
      registerRepresentativeType(fixedType('vertex', [[0], [1]])),
    ).toThrow(
      'representative type "vertex" is a built-in type of ' +
        '@fixclust/representatives; pass { replace: true } to replace it',
    );
    expect(listRepresentativeTypes().map((t) => t.name)).not.toContain(
      'vertex',
    );
  });

  it('can be replaced before the built-ins are registered', () => {
    const type = fixedType('sphere', [[0], [1]]);
    registerRepresentativeType(type, { replace: true });
    expect(getRepresentativeType('sphere')).toBe(type);
  });

  it('say how to register an unregistered built-in', () => {
    expect(() => getRepresentativeType('simplex')).toThrow(
      'representative type "simplex" is built into ' +
        '@fixclust/representatives but not registered yet; call its ' +
        'registerBuiltInRepresentatives() first',
    );
  });

  it('list the four built-in layouts', () => {
    expect(BUILT_IN_REPRESENTATIVE_NAMES).toEqual([
      'vertex',
      'simplex',
      'orthogonal',
      'sphere',
    ]);
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
