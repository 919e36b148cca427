import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  FixclustError,
  InvalidParameterError,
  listRepresentativeTypes,
} from '@fixclust/core';

import type { RunSettings } from './settings/resolve.js';

/**
 * Checks, once the plug-ins are loaded and before the data is, that the
 * run's representative type is a built-in type or one a plug-in
 * registered.
 *
 * @throws InvalidParameterError naming the type, where it was set
 * (`--representatives` or the experiment file) and `--plugin`.
 */
export function checkRepresentativeType(run: RunSettings): void {
  const name = run.settings.model.representatives;
  if (name === undefined || BUILT_IN_REPRESENTATIVE_NAMES.includes(name)) {
    return;
  }
  const registered = listRepresentativeTypes().map((type) => type.name);
  if (registered.includes(name)) return;

  const known = [...new Set([...BUILT_IN_REPRESENTATIVE_NAMES, ...registered])];
  throw new InvalidParameterError(
    'representatives',
    name,
    `unknown representative type "${name}" ` +
      `(${settingPlace(run, 'representatives', `--representatives ${name}`)}); ` +
      `types: ${known.join(', ')}; install the package that provides it ` +
      `and pass it with --plugin MODULE`,
  );
}

/**
 * Returns a type's error about a representative option or the dimension
 * with where it was set added, such as `(set with --representative-option
 * radius=abc)` or `(set with --dimension 12)`. Any other error is
 * returned unchanged.
 */
export function withRepresentativeOptionSource(
  error: unknown,
  run: RunSettings,
): unknown {
  const options = run.settings.model.representativeOptions ?? {};
  if (!FixclustError.isInstance(error)) return error;
  const { parameter, value } = error as InvalidParameterError;
  const dimension = run.settings.model.dimension;
  if (
    error.name === 'InvalidParameterError' &&
    parameter === 'dimension' &&
    dimension !== undefined &&
    value === dimension
  ) {
    const place = settingPlace(run, 'dimension', `--dimension ${dimension}`);
    return new InvalidParameterError(
      'dimension',
      value,
      `${error.message} (${place})`,
      { cause: error },
    );
  }
  const isOption =
    error.name === 'InvalidParameterError' &&
    typeof parameter === 'string' &&
    Object.hasOwn(options, parameter) &&
    Object.is(options[parameter], value);
  if (!isOption) return error;

  const flag = `--representative-option ${parameter}=${String(value)}`;
  const place = settingPlace(run, 'representativeOptions', flag);
  return new InvalidParameterError(
    `representativeOptions.${parameter}`,
    value,
    `${error.message} (${place})`,
    { cause: error },
  );
}

/**
 * Describes where a model setting came from: its flag or the experiment
 * file.
 */
function settingPlace(run: RunSettings, field: string, flag: string): string {
  const origin = run.origins[`model.${field}`];
  if (origin === 'config' && run.config !== null) {
    return `set in experiment file ${run.config}, field "model.${field}"`;
  }
  return `set with ${flag}`;
}
