import { parseDecimal } from './decimal.js';

/** Labels 0 … C − 1 with the original class value of each. */
export interface ClassLabels {
  /** Label of each sample, an index into `classNames`. */
  labels: Int32Array;
  /** Original value of each class, in ascending order. */
  classNames: string[];
}

/**
 * Encodes class values read as text, such as a CSV label column, as labels
 * 0 … C − 1.
 *
 * Classes are sorted numerically when every value is a decimal number (ties,
 * such as `1` and `1.0`, by their text), and otherwise by UTF-16 code units,
 * so the labels do not depend on row order.
 */
export function encodeTextClassLabels(values: readonly string[]): ClassLabels {
  const distinct = [...new Set(values)];
  const numbers = new Map(
    distinct.map((value) => [value, parseDecimal(value)]),
  );
  const allNumeric = distinct.every(
    (value) => numbers.get(value) !== undefined,
  );
  distinct.sort(allNumeric ? compareByNumber(numbers) : compareCodeUnits);
  return encodeWithClasses(values, distinct, distinct);
}

/**
 * Encodes numeric class values, such as a NumPy label array, as labels
 * 0 … C − 1, classes in ascending order. Class names are the values written
 * by `String`, such as `3` or `-0.5`.
 */
export function encodeNumericClassLabels(
  values: ArrayLike<number>,
): ClassLabels {
  const distinct = [...new Set(Array.from(values))].sort((a, b) => a - b);
  return encodeWithClasses(Array.from(values), distinct, distinct.map(String));
}

function encodeWithClasses<T>(
  values: readonly T[],
  classes: readonly T[],
  classNames: string[],
): ClassLabels {
  const index = new Map(classes.map((value, label) => [value, label]));
  const labels = Int32Array.from(values, (value) => index.get(value) ?? -1);
  return { labels, classNames };
}

function compareByNumber(
  numbers: Map<string, number | undefined>,
): (a: string, b: string) => number {
  return (a, b) =>
    (numbers.get(a) ?? 0) - (numbers.get(b) ?? 0) || compareCodeUnits(a, b);
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
