import { InvalidArgumentError } from 'commander';

// The parsers' messages continue a sentence that starts with the flag,
// such as `must be an integer, got "2.5"`, because the program puts the
// flag in front of them (see usage-errors.ts).

/**
 * Parses a flag's integer value.
 *
 * @throws InvalidArgumentError for anything but a safe integer.
 */
export function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(
      `must be an integer, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
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

/** Collects the values of a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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
