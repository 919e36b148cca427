import { InvalidArgumentError } from 'commander';

// The parsers' messages continue a sentence that starts with the flag,
// such as `must be an integer, got "2.5"`, because the program puts the
// flag in front of them (see usage-errors.ts).

/**
 * Creates the parser of an integer flag that accepts [`minimum`,
 * `maximum`]. Integer text above `maximum`, or beyond
 * `Number.MAX_SAFE_INTEGER` in magnitude, is rejected with the range in
 * the message. A safe integer below `minimum` is returned, so that the
 * setting's own check reports it with its own wording.
 *
 * @param minimum - Smallest value the flag accepts, for the message.
 * @param maximum - Largest value; default: `Number.MAX_SAFE_INTEGER`.
 * @throws InvalidArgumentError for other text and out-of-range integers.
 */
export function integerParser(
  minimum: number,
  maximum: number = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) {
      throw new InvalidArgumentError(
        `must be an integer, got ${JSON.stringify(value)}`,
      );
    }
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed > maximum) {
      throw new InvalidArgumentError(
        `must be an integer between ${minimum} and ${maximum}, got ` +
          JSON.stringify(value),
      );
    }
    return parsed;
  };
}

/**
 * Parses a flag's finite number value.
 *
 * @throws InvalidArgumentError for text that is not a finite number.
 */
export function parseNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(
      `must be a finite number, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}

/**
 * Creates the parser of a path or name flag that rejects an empty value,
 * which a path function would read as the current folder. The message
 * ends with `pass ${expected}`.
 */
export function nonEmptyText(expected: string): (value: string) => string {
  return (value) => {
    if (value === '') {
      throw new InvalidArgumentError(
        `must not be empty, got ""; pass ${expected}`,
      );
    }
    return value;
  };
}

/**
 * Creates the parser of a repeatable path or name flag that collects its
 * values and rejects an empty one, as {@link nonEmptyText} does.
 */
export function collectNonEmptyText(
  expected: string,
): (value: string, previous?: string[]) => string[] {
  const parse = nonEmptyText(expected);
  return (value, previous = []) => [...previous, parse(value)];
}

/** Names an options object cannot hold as its own plain keys. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Collects `key=value` pairs of a repeatable flag into an object.
 *
 * @throws InvalidArgumentError without a key or with a reserved key.
 */
export function collectRepresentativeOption(
  value: string,
  previous: Record<string, unknown> = {},
): Record<string, unknown> {
  const separator = value.indexOf('=');
  if (separator < 1) {
    throw new InvalidArgumentError(
      `must be key=value, got ${JSON.stringify(value)}`,
    );
  }
  const key = value.slice(0, separator);
  if (RESERVED_KEYS.has(key)) {
    throw new InvalidArgumentError(
      `must be key=value with the name of an option of the layout, got ` +
        `${JSON.stringify(value)} (${JSON.stringify(key)} is reserved)`,
    );
  }
  return { ...previous, [key]: parseOptionValue(value.slice(separator + 1)) };
}

/** Reads `true` and `false` as booleans, numbers as numbers, else text. */
function parseOptionValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}
