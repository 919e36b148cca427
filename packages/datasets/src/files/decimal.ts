/** A plain decimal number: optional sign, digits, optional exponent. */
const DECIMAL_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Spellings of NaN and infinity that spreadsheets and NumPy write. */
const NON_FINITE_PATTERN = /^[+-]?(?:nan|inf|infinity)$/i;

/** Character between the integer and fractional digits of a number. */
export type DecimalSeparator = '.' | ',';

/**
 * Parses `text` as a plain decimal number such as `-1.5e3`, with `separator`
 * as the decimal mark. Returns `undefined` for anything else, including
 * empty text, hexadecimal, digit grouping, `NaN` and `Infinity`.
 */
export function parseDecimal(
  text: string,
  separator: DecimalSeparator = '.',
): number | undefined {
  let normalized = text;
  if (separator === ',') {
    if (text.includes('.')) return undefined;
    normalized = text.replace(',', '.');
  }
  if (!DECIMAL_PATTERN.test(normalized)) return undefined;
  return Number(normalized);
}

/** Tells whether `text` spells NaN or an infinity, such as `nan` or `-Inf`. */
export function isNonFiniteText(text: string): boolean {
  return NON_FINITE_PATTERN.test(text);
}
