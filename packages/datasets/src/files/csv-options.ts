import { InvalidParameterError } from '@fixclust/core';

import type { DecimalSeparator } from './decimal.js';

/** Options of {@link loadCsv} and {@link parseCsv}. */
export interface CsvOptions {
  /**
   * Character between fields, such as `,`, `;`, `\t` or `|`. Default:
   * detected from the first 20 lines among tab, semicolon and comma. The
   * one that splits the most rows into the same number (more than one) of
   * fields wins. Ties go to tab, then semicolon, then comma.
   */
  delimiter?: string | undefined;
  /**
   * Whether the first row names the columns. Default `'auto'`: it does
   * when none of its cells outside the label column is a number (names or
   * empty cells), or when `labelColumn` is a name.
   */
  header?: boolean | 'auto' | undefined;
  /**
   * Column of class values, by header name or by 1-based index. It is
   * removed from the features and returned as `labels` 0 … C − 1, with the
   * original values in `classNames`. Default: no label column.
   */
  labelColumn?: string | number | undefined;
  /** Decimal mark of the numbers: `.` or `,`. Default: `.`. */
  decimalSeparator?: DecimalSeparator | undefined;
}

/** Keys of {@link CsvOptions}. */
export const CSV_OPTION_NAMES = [
  'delimiter',
  'header',
  'labelColumn',
  'decimalSeparator',
] as const satisfies ReadonlyArray<keyof CsvOptions>;

/** {@link CsvOptions} after checking, with defaults filled in. */
export interface CheckedCsvOptions {
  delimiter: string | undefined;
  header: boolean | 'auto';
  labelColumn: string | number | undefined;
  decimalSeparator: DecimalSeparator;
}

/**
 * Checks the options and fills in defaults.
 *
 * @throws InvalidParameterError naming the invalid option.
 */
export function checkCsvOptions(options: CsvOptions): CheckedCsvOptions {
  const decimalSeparator = options.decimalSeparator ?? '.';
  if (decimalSeparator !== '.' && decimalSeparator !== ',') {
    throw new InvalidParameterError(
      'decimalSeparator',
      decimalSeparator,
      `decimalSeparator must be '.' or ',', got ` +
        `${JSON.stringify(decimalSeparator)}`,
    );
  }
  const delimiter = options.delimiter;
  if (delimiter !== undefined) checkDelimiter(delimiter, decimalSeparator);

  const header = options.header ?? 'auto';
  if (header !== true && header !== false && header !== 'auto') {
    throw new InvalidParameterError(
      'header',
      header,
      `header must be true, false or 'auto', got ${JSON.stringify(header)}`,
    );
  }
  const labelColumn = options.labelColumn;
  checkLabelColumn(labelColumn, header);
  return { delimiter, header, labelColumn, decimalSeparator };
}

function checkDelimiter(delimiter: string, decimalSeparator: string): void {
  const invalid =
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    '"\r\n'.includes(delimiter);
  if (invalid) {
    throw new InvalidParameterError(
      'delimiter',
      delimiter,
      `delimiter must be one character other than a double quote or a ` +
        `line break, such as ',', ';' or '\\t', got ` +
        `${JSON.stringify(delimiter)}`,
    );
  }
  if (delimiter === decimalSeparator) {
    throw new InvalidParameterError(
      'delimiter',
      delimiter,
      `delimiter and decimalSeparator are both ` +
        `${JSON.stringify(delimiter)}; pick another delimiter, such as ';'`,
    );
  }
}

function checkLabelColumn(
  labelColumn: unknown,
  header: boolean | 'auto',
): void {
  if (labelColumn === undefined) return;
  if (typeof labelColumn === 'number') {
    if (Number.isInteger(labelColumn) && labelColumn >= 1) return;
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `labelColumn must be a 1-based column index (an integer of at least ` +
        `1) or a header name, got ${labelColumn}`,
    );
  }
  if (typeof labelColumn !== 'string' || labelColumn.trim() === '') {
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `labelColumn must be a header name or a 1-based column index, got ` +
        `${JSON.stringify(labelColumn)}`,
    );
  }
  if (header === false) {
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `labelColumn ${JSON.stringify(labelColumn)} is a name, but header is ` +
        `false; pass header: true or 'auto', or a 1-based column index`,
    );
  }
}
