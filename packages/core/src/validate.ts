import { InvalidDataError, InvalidParameterError } from './errors.js';
import type { Dataset } from './types.js';

/**
 * Writes a parameter's value for a message: a number as it prints, any
 * other value with its type, such as `the string "2"`, so that a value of
 * the wrong type does not read like a right one.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks that `value` is an integer in [min, max].
 *
 * @throws InvalidParameterError naming the parameter, the range and the value.
 */
export function assertIntegerInRange(
  parameter: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  maxLabel?: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const upper =
      max === Number.MAX_SAFE_INTEGER ? '' : ` and ${maxLabel ?? String(max)}`;
    const range = upper === '' ? `at least ${min}` : `between ${min}${upper}`;
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be an integer ${range}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Checks that `value` is a finite number greater than (or, with
 * `allowEqual`, equal to) `min`.
 *
 * @throws InvalidParameterError naming the parameter and the value.
 */
export function assertFiniteAbove(
  parameter: string,
  value: number,
  min: number,
  allowEqual = false,
): void {
  const ok = allowEqual ? value >= min : value > min;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok) {
    const relation = allowEqual ? 'at least' : 'greater than';
    throw new InvalidParameterError(
      parameter,
      value,
      `${parameter} must be a finite number ${relation} ${min}, got ` +
        describeValue(value),
    );
  }
}

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
 * Checks that `options`, an argument named `name`, is an object, or
 * undefined when `required` is false, so that a missing or misplaced
 * argument is reported by name instead of failing inside.
 *
 * @throws InvalidParameterError naming the argument and what it got.
 */
export function assertOptionsObject(
  name: string,
  options: unknown,
  required: boolean,
): void {
  if (options === undefined && !required) return;
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options)
  ) {
    throw new InvalidParameterError(
      name,
      options,
      `${name} must be an object of options, got ${describeValue(options)}`,
    );
  }
}

/**
 * Checks that an options object has only the `known` keys, so a misspelt
 * option is reported instead of ignored. `prefix` precedes each key in
 * the message, such as `network.` for a nested object.
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

/**
 * Checks that a data matrix is non-empty, has the size its shape gives, and
 * contains only finite values.
 *
 * @throws InvalidDataError naming the first non-finite row and column.
 */
export function assertValidData(
  x: ArrayLike<number>,
  nSamples: number,
  nFeatures: number,
): void {
  if (nSamples < 1 || nFeatures < 1) {
    throw new InvalidDataError(
      `data is empty (${nSamples} samples × ${nFeatures} features); ` +
        `pass at least one sample with at least one feature`,
    );
  }
  if (x.length !== nSamples * nFeatures) {
    throw new InvalidDataError(
      `data has ${x.length} values, but ${nSamples} samples × ` +
        `${nFeatures} features need ${nSamples * nFeatures}`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const row = Math.floor(i / nFeatures);
      const column = i % nFeatures;
      throw new InvalidDataError(
        `data contains ${x[i]} at row ${row}, column ${column}; ` +
          `remove or impute non-finite values before clustering`,
      );
    }
  }
}

/** Checks a {@link Dataset}'s matrix and, when present, its labels. */
export function assertValidDataset(dataset: Dataset): void {
  assertValidData(dataset.x, dataset.nSamples, dataset.nFeatures);
  const labels = dataset.labels;
  if (labels !== undefined && labels.length !== dataset.nSamples) {
    throw new InvalidDataError(
      `dataset "${dataset.name}" has ${labels.length} labels for ` +
        `${dataset.nSamples} samples`,
    );
  }
}
