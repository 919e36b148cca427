import {
  assertBoolean,
  assertFiniteAbove,
  type ClusteringLoss,
  InvalidParameterError,
} from '@fixclust/core';

import type {
  FixedRepresentativeOptions,
  ResolvedOptions,
} from '../options.js';

type MixtureOptions = Pick<
  ResolvedOptions,
  | 'trainableLocations'
  | 'trainableLogits'
  | 'trainableScale'
  | 'representativeVariance'
  | 'uniformLogits'
  | 'klDivergence'
>;

const SWITCHES = [
  'trainableLocations',
  'trainableLogits',
  'trainableScale',
] as const;

/**
 * Resolves and checks the trainable mixture parameters and their
 * regularisers. Each applies only to the mixture losses, and each
 * regulariser only to a parameter it can move, so a setting that could
 * change nothing is rejected rather than ignored.
 *
 * @throws InvalidParameterError naming the first invalid option.
 */
export function resolveMixtureOptions(
  options: FixedRepresentativeOptions,
  loss: ClusteringLoss,
): MixtureOptions {
  const resolved: MixtureOptions = {
    trainableLocations: options.trainableLocations ?? false,
    trainableLogits: options.trainableLogits ?? false,
    trainableScale: options.trainableScale ?? false,
    representativeVariance: options.representativeVariance ?? 0,
    uniformLogits: options.uniformLogits ?? 0,
    klDivergence: options.klDivergence ?? 0,
  };
  for (const name of SWITCHES) {
    assertBoolean(name, resolved[name]);
    if (resolved[name]) requireMixtureLoss(name, true, loss);
  }
  const regularisers = [
    ['representativeVariance', 'trainableLocations'],
    ['uniformLogits', 'trainableLogits'],
    ['klDivergence', 'trainableLocations or trainableScale'],
  ] as const;
  for (const [name, needs] of regularisers) {
    const weight = resolved[name];
    assertFiniteAbove(name, weight, 0, true);
    if (weight === 0) continue;
    requireMixtureLoss(name, weight, loss);
    const movable =
      name === 'klDivergence'
        ? resolved.trainableLocations || resolved.trainableScale
        : resolved[needs as 'trainableLocations' | 'trainableLogits'];
    if (!movable) {
      throw new InvalidParameterError(
        name,
        weight,
        `${name} regularises parameters that are fixed; set ${needs} to ` +
          `true or ${name} to 0`,
      );
    }
  }
  if (resolved.klDivergence > 0 && loss !== 'gmm') {
    throw new InvalidParameterError(
      'klDivergence',
      resolved.klDivergence,
      `klDivergence is defined for the gmm loss only, but loss is ` +
        `"${loss}"; set it to 0`,
    );
  }
  return resolved;
}

function requireMixtureLoss(
  name: string,
  value: unknown,
  loss: ClusteringLoss,
): void {
  if (loss !== 'km') return;
  throw new InvalidParameterError(
    name,
    value,
    `${name} applies only to the mixture losses (gmm, cmm), but loss is ` +
      `"km"; choose loss gmm or cmm (presets gmm1, cmm1) or drop ${name}`,
  );
}
