import { InvalidParameterError } from '@fixclust/core';

/**
 * Checks that `value` is one of `choices`.
 *
 * @throws InvalidParameterError naming the parameter and the choices.
 */
export function assertOneOf(
  parameter: string,
  value: unknown,
  choices: readonly unknown[],
): void {
  if (!choices.includes(value)) {
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be one of ${choices.join(', ')}, got ` +
        `${JSON.stringify(value)}`,
    );
  }
}

/**
 * Checks that `value` is a boolean.
 *
 * @throws InvalidParameterError naming the parameter.
 */
export function assertBoolean(parameter: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be true or false, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Checks that an options object has only the `known` keys, so a misspelt
 * option is reported instead of ignored.
 *
 * @throws InvalidParameterError naming the first unknown key.
 */
export function assertKnownKeys(
  prefix: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidParameterError(
        `${prefix}${key}`,
        (options as Record<string, unknown>)[key],
        `${prefix}${key} is not an option; the options are ` +
          `${known.join(', ')}`,
      );
    }
  }
}
