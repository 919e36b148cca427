import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  createRepresentatives,
  getRepresentativeType,
  InvalidParameterError,
  Random,
  registerRepresentativeType,
  type RepresentativeType,
} from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import {
  BUILT_IN_REPRESENTATIVE_TYPES,
  registerBuiltInRepresentatives,
  vertexRepresentatives,
} from './index.js';

/** Builds a plug-in type named `name` that puts k points on a line. */
function lineType(name: string): RepresentativeType {
  return {
    name,
    description: 'k points on a line',
    defaultDimension: () => 1,
    create: ({ nClusters }) =>
      Array.from({ length: nClusters }, (_, i) => [10 * i]),
  };
}

const random = new Random(0);

// Each test file runs in its own process, so this file's registry starts
// empty. The built-ins stay unregistered until a test here registers them.
describe('built-in names in the registry', () => {
  it('match the names core reserves', () => {
    const names = BUILT_IN_REPRESENTATIVE_TYPES.map((type) => type.name);
    expect(names).toEqual([...BUILT_IN_REPRESENTATIVE_NAMES]);
  });

  it('reject a plug-in before registration', () => {
    const error = catchError(() =>
      registerRepresentativeType(lineType('vertex')),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toContain('pass { replace: true }');
  });

  it('reject a plug-in after registration', () => {
    registerBuiltInRepresentatives();
    const error = catchError(() =>
      registerRepresentativeType(lineType('vertex')),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as Error).message).toContain('pass { replace: true }');
    expect(getRepresentativeType('vertex')).toBe(vertexRepresentatives);
  });

  it('keep a replacement made before registration', () => {
    const replacement = lineType('simplex');
    registerRepresentativeType(replacement, { replace: true });
    registerBuiltInRepresentatives();
    expect(getRepresentativeType('simplex')).toBe(replacement);
    expect(createRepresentatives('simplex', { nClusters: 3, random })).toEqual([
      [0],
      [10],
      [20],
    ]);
  });

  it('take a replacement made after registration', () => {
    registerBuiltInRepresentatives();
    const replacement = lineType('orthogonal');
    registerRepresentativeType(replacement, { replace: true });
    expect(getRepresentativeType('orthogonal')).toBe(replacement);
  });
});

function catchError(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
