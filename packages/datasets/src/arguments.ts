import {
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  InvalidParameterError,
} from '@fixclust/core';

/**
 * Checks that `value`, the argument or option `name`, is a non-empty
 * string, so that a path of another type is reported by name rather than
 * by Node's file functions.
 *
 * @throws InvalidParameterError naming the argument and the value.
 */
export function assertPath(
  name: string,
  value: unknown,
): asserts value is string {
  if (typeof value === 'string' && value !== '') return;
  throw new InvalidParameterError(
    name,
    value,
    `${name} must be a file path, a non-empty string, got ` +
      describeValue(value),
  );
}

/**
 * Checks an options argument: an object with only the `known` keys, or
 * undefined unless `required`.
 *
 * @throws InvalidParameterError naming the argument or the first unknown
 *   key, with the known ones.
 */
export function assertOptions(
  options: unknown,
  known: readonly string[],
  required = false,
): void {
  assertOptionsObject('options', options, required);
  if (options !== undefined) assertKnownKeys('', options as object, known);
}

/**
 * Checks that `bytes` is a Uint8Array, such as a Node Buffer.
 *
 * @throws InvalidParameterError naming the value.
 */
export function assertBytes(bytes: unknown): void {
  if (bytes instanceof Uint8Array) return;
  throw new InvalidParameterError(
    'bytes',
    bytes,
    `bytes must be the file's contents as a Uint8Array or Buffer, got ` +
      describeValue(bytes),
  );
}
