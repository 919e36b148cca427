import {
  assertOptionsObject,
  InvalidParameterError,
  type RepresentativeRequest,
} from '@fixclust/core';

import type { DescribedRepresentativeType } from './layout.js';

type Options = RepresentativeRequest['options'];

/**
 * Rejects option keys that a type does not list in its `options`, so a
 * misspelt option fails instead of being silently ignored.
 *
 * @throws InvalidParameterError naming the unknown key and the known ones,
 * or when `options` is neither an object nor undefined.
 */
export function assertKnownOptions(
  type: DescribedRepresentativeType,
  options: Options,
): void {
  assertOptionsObject('representativeOptions', options, false);
  const known = type.options.map((option) => option.name);
  for (const key of Object.keys(options ?? {})) {
    if (!known.includes(key)) {
      const list = known.length === 0 ? 'none' : known.join(', ');
      throw new InvalidParameterError(
        key,
        options?.[key],
        `unknown option "${key}" for ${type.name} representatives; ` +
          `options: ${list}`,
      );
    }
  }
}

/**
 * Reads an optional number option that must be finite and greater than 0.
 *
 * @throws InvalidParameterError naming the option and the value.
 */
export function readPositiveNumberOption(
  type: DescribedRepresentativeType,
  options: Options,
  name: string,
): number | undefined {
  const value = options?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidParameterError(
      name,
      value,
      `${type.name} option "${name}" must be a finite number greater than ` +
        `0, got ${formatValue(value)}`,
    );
  }
  return value;
}

/**
 * Reads an optional integer option that must be at least `minimum`.
 *
 * @throws InvalidParameterError naming the option and the value.
 */
export function readIntegerOption(
  type: DescribedRepresentativeType,
  options: Options,
  name: string,
  minimum: number,
): number | undefined {
  const value = options?.[name];
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= minimum;
  if (!valid) {
    throw new InvalidParameterError(
      name,
      value,
      `${type.name} option "${name}" must be an integer of at least ` +
        `${minimum}, got ${formatValue(value)}`,
    );
  }
  return value;
}

/**
 * Reads an optional boolean option.
 *
 * @throws InvalidParameterError naming the option and the value.
 */
export function readBooleanOption(
  type: DescribedRepresentativeType,
  options: Options,
  name: string,
): boolean | undefined {
  const value = options?.[name];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidParameterError(
    name,
    value,
    `${type.name} option "${name}" must be true or false, got ` +
      formatValue(value),
  );
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
