import { InvalidArgumentError } from 'commander';

/** Parses a flag's integer value. */
export function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  }
  return parsed;
}

/** Parses a flag's finite number value. */
export function parseNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`expected a finite number, got "${value}"`);
  }
  return parsed;
}

/** Collects the values of a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Names an options object cannot hold as its own plain keys. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Collects `key=value` pairs of a repeatable flag into an object. */
export function collectRepresentativeOption(
  value: string,
  previous: Record<string, unknown> = {},
): Record<string, unknown> {
  const separator = value.indexOf('=');
  if (separator < 1) {
    throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  }
  const key = value.slice(0, separator);
  if (RESERVED_KEYS.has(key)) {
    throw new InvalidArgumentError(
      `"${key}" cannot be an option name; expected key=value with the ` +
        `name of an option of the layout`,
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
