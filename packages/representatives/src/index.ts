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

import { vertexRepresentatives } from './vertex.js';

export { vertexRepresentatives } from './vertex.js';

/** The layouts this package provides. */
export const BUILT_IN_REPRESENTATIVE_TYPES = [vertexRepresentatives];

/**
 * Registers the built-in layouts that are not registered yet. Safe to call
 * more than once; the model calls it before looking a type up.
 */
export function registerBuiltInRepresentatives(): void {
  const registered = new Set(listRepresentativeTypes().map((t) => t.name));
  for (const type of BUILT_IN_REPRESENTATIVE_TYPES) {
    if (!registered.has(type.name)) registerRepresentativeType(type);
  }
}
