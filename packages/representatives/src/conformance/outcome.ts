import { FixclustError, type InvalidParameterError } from '@fixclust/core';

/** Result of a call: the value it returned, or the value it threw. */
export type Outcome =
  { threw: false; value: unknown } | { threw: true; error: unknown };

/** Calls `action` and records what it returned or threw. */
export function attempt(action: () => unknown): Outcome {
  try {
    return { threw: false, value: action() };
  } catch (error) {
    return { threw: true, error };
  }
}

/**
 * Describes what a call did, for a failing case: "returned a layout of 3 rows",
 * "threw TypeError: boom".
 */
export function describeOutcome(outcome: Outcome): string {
  if (!outcome.threw) return `returned ${describeReturned(outcome.value)}`;
  const { error } = outcome;
  if (!(error instanceof Error) && !FixclustError.isInstance(error)) {
    return `threw ${String(error)}, which is not an Error`;
  }
  const { name, message } = error as Error;
  return `threw ${name}: ${message}`;
}

function describeReturned(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const rows = value.length === 1 ? 'row' : 'rows';
  return `a layout of ${value.length} ${rows}`;
}

/**
 * Returns why `outcome` is not an `InvalidParameterError` (from any loaded
 * copy of core) for `parameter` whose message contains `text`, or
 * undefined when it is one.
 */
export function invalidParameterMismatch(
  outcome: Outcome,
  parameter: string,
  text: string,
): string | undefined {
  const expected = `expected an InvalidParameterError for ${parameter}`;
  const error = outcome.threw ? outcome.error : undefined;
  const isInvalidParameter =
    FixclustError.isInstance(error) && error.name === 'InvalidParameterError';
  if (!isInvalidParameter) {
    return `${expected}, but create ${describeOutcome(outcome)}`;
  }
  const invalid = error as InvalidParameterError;
  if (invalid.parameter !== parameter) {
    return (
      `${expected}, but create threw one for ${invalid.parameter}: ` +
      invalid.message
    );
  }
  if (!invalid.message.includes(text)) {
    return (
      `${expected} whose message contains "${text}", but create threw: ` +
      invalid.message
    );
  }
  return undefined;
}

/** Writes a number for a test name: 0, -1, 1.5, NaN (never +0). */
export function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
