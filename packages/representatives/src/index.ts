/**
 * Fixed representative layouts for fixclust, registered by name in the
 * registry of `@fixclust/core`.
 *
 * @packageDocumentation
 */
import {
  listRepresentativeTypes,
  registerRepresentativeType,
} from '@fixclust/core';

import type { DescribedRepresentativeType } from './layout.js';
import { orthogonalRepresentatives } from './orthogonal.js';
import { simplexRepresentatives } from './simplex.js';
import { sphereRepresentatives } from './sphere.js';
import { vertexRepresentatives } from './vertex.js';

export {
  describeOptions,
  isDescribedRepresentativeType,
  resolveLayoutShape,
  type DescribedRepresentativeType,
  type DimensionRange,
  type RepresentativeOptionDescription,
} from './layout.js';
export {
  assertKnownOptions,
  readBooleanOption,
  readIntegerOption,
  readPositiveNumberOption,
} from './options.js';
export { orthogonalRepresentatives } from './orthogonal.js';
export { simplexRepresentatives } from './simplex.js';
export { DEFAULT_SPHERE_ITERATIONS, sphereRepresentatives } from './sphere.js';
export { minimumPairwiseDistance } from './vectors.js';
export { vertexRepresentatives } from './vertex.js';

/** The layouts this package provides, `vertex` first. */
export const BUILT_IN_REPRESENTATIVE_TYPES: readonly DescribedRepresentativeType[] =
  [
    vertexRepresentatives,
    simplexRepresentatives,
    orthogonalRepresentatives,
    sphereRepresentatives,
  ];

/**
 * Registers the built-in layouts that are not registered yet. Safe to call
 * more than once; the model calls it before looking a type up.
 *
 * Their names are taken in the registry from the start, so a plug-in can
 * register a type under one of them only with `{ replace: true }`, before
 * or after this call. A built-in replaced that way stays replaced.
 */
export function registerBuiltInRepresentatives(): void {
  const registered = new Set(listRepresentativeTypes().map((t) => t.name));
  for (const type of BUILT_IN_REPRESENTATIVE_TYPES) {
    // The registry reserves the built-in names, so registering one that
    // is not registered yet takes `replace`.
    if (!registered.has(type.name)) {
      registerRepresentativeType(type, { replace: true });
    }
  }
}
