/**
 * Reading and describing the cells of a CSV record, shared by the
 * in-memory reader (`parseCsv`) and the streaming conversion to NPY, so
 * both accept the same cells and report a bad one the same way.
 *
 * @packageDocumentation
 */
import {
  isNonFiniteText,
  parseDecimal,
  type DecimalSeparator,
} from './decimal.js';

/** Maximum length of the cell text quoted in a message. */
const MAX_QUOTED_CELL = 40;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/**
 * Tells whether a record reads as a header: no cell outside the label
 * column is a number or a non-finite value such as `NaN`.
 */
export function looksLikeHeader(
  cells: readonly string[],
  labelIndex: number | undefined,
  decimalSeparator: DecimalSeparator,
): boolean {
  return cells.every(
    (cell, i) =>
      i === labelIndex ||
      (parseDecimal(cell, decimalSeparator) === undefined &&
        !isNonFiniteText(cell)),
  );
}

/**
 * Reads a feature cell as a float32 value; undefined when it is not a
 * number or is outside the float32 range, which
 * {@link featureCellProblem} then describes.
 */
export function featureValue(
  cell: string,
  decimalSeparator: DecimalSeparator,
): number | undefined {
  const value = parseDecimal(cell, decimalSeparator);
  if (value === undefined) return undefined;
  const rounded = Math.fround(value);
  return Number.isFinite(rounded) ? rounded : undefined;
}

/** The reader's settings and state that a bad feature cell's message uses. */
export interface CellContext {
  decimalSeparator: DecimalSeparator;
  /**
   * Whether the record is the file's first and was read as data because
   * header detection found a number in it, so it may be a header after
   * all.
   */
  mayBeHeader: boolean;
}

/**
 * Describes a feature cell that {@link featureValue} rejects, as the end
 * of a sentence that starts with the field, such as `contains "1,5",
 * which is not a number; …`.
 */
export function featureCellProblem(cell: string, context: CellContext): string {
  if (parseDecimal(cell, context.decimalSeparator) !== undefined) {
    return (
      `contains ${quoteCell(cell)}, outside the float32 range ` +
      `(magnitude up to 3.4e38); rescale this column`
    );
  }
  if (cell === '') {
    return (
      'is empty; fill in or remove missing values (an empty cell is ' +
      'not read as 0 or NaN)'
    );
  }
  if (isNonFiniteText(cell)) {
    return (
      `contains ${quoteCell(cell)}, a non-finite value; remove or ` +
      `impute NaN and infinite values before clustering`
    );
  }
  let hint = 'every column except the label column must be numeric';
  if (context.decimalSeparator === '.' && DECIMAL_COMMA.test(cell)) {
    hint = `it looks like a decimal comma, so pass decimalSeparator: ','`;
  } else if (context.mayBeHeader) {
    hint += '; if this row is a header, pass header: true';
  }
  return `contains ${quoteCell(cell)}, which is not a number; ${hint}`;
}

/**
 * Names field `index` (0-based) for messages: `field 3`, or
 * `field 3 ("age")` with a header, after `label ` for the label column.
 */
export function describeField(
  index: number,
  names: readonly string[] | undefined,
  labelIndex: number | undefined,
): string {
  const name = names?.[index];
  const field =
    name === undefined
      ? `field ${index + 1}`
      : `field ${index + 1} (${JSON.stringify(name)})`;
  return index === labelIndex ? `label ${field}` : field;
}

/** Quotes a cell for a message, cut to 40 characters. */
export function quoteCell(cell: string): string {
  const text =
    cell.length > MAX_QUOTED_CELL ? `${cell.slice(0, MAX_QUOTED_CELL)}…` : cell;
  return JSON.stringify(text);
}
