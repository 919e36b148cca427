/**
 * An example fixclust plug-in: it adds the `cross` representative type.
 *
 * @packageDocumentation
 */
import {
  registerRepresentativeType,
  type RepresentativeType,
} from '@fixclust/core';

import { crossRepresentatives } from './cross.js';

export { crossRepresentatives } from './cross.js';

/** The part of `@fixclust/core` a plug-in registers its types with. */
export interface RepresentativeRegistry {
  registerRepresentativeType(
    type: RepresentativeType,
    options?: { replace?: boolean },
  ): void;
}

/**
 * Registers the `cross` type in `registry`. A host that loads this module
 * passes its own registry, because this package may resolve a different
 * copy of `@fixclust/core` whose registry the host never reads. Without
 * an argument the type goes to the copy this package imports. A second
 * call fails, because the name is then taken.
 *
 * @throws InvalidParameterError when a type named `cross` is registered.
 */
export function register(
  registry: RepresentativeRegistry = { registerRepresentativeType },
): void {
  registry.registerRepresentativeType(crossRepresentatives);
}
