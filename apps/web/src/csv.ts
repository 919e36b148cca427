import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import Papa from 'papaparse';

/** A CSV file split into cells, before any cell is read as a number. */
export interface CsvTable {
  /** File name, for messages. */
  name: string;
  /** Column names: the header row, or `column 1`, `column 2`, ... */
  columns: string[];
  /** Whether the first row was taken as a header. */
  hasHeader: boolean;
  /** Data rows, trimmed cells, each as long as `columns`. */
  rows: string[][];
}

/** A table read as a data matrix, with the label column's classes. */
export interface TableData {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
  /** Names of the feature columns, in order. */
  featureNames: string[];
  /** Class index of each row; present when a label column was chosen. */
  classes?: Int32Array;
  /** Label text of each class index, sorted. */
  classNames?: string[];
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Splits CSV text into cells with papaparse, detecting the delimiter
 * (comma, semicolon, tab, ...). Lines without characters are skipped and
 * cells are trimmed. The first row is a header when any of its cells is
 * not a decimal number.
 *
 * @param name - File name used in error messages.
 * @throws InvalidDataError when the text has no rows, quoting is
 * malformed, or a row has another number of fields than the first.
 */
export function parseCsvTable(text: string, name: string): CsvTable {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError !== undefined) {
    throw new InvalidDataError(
      `${name}: row ${(quoteError.row ?? 0) + 1}: ${quoteError.message}; ` +
        `close the quoted field or remove the stray quote`,
      { path: name },
    );
  }
  const records = parsed.data.map((row) => row.map((cell) => cell.trim()));
  const first = records[0];
  if (first === undefined) {
    throw new InvalidDataError(
      `${name} has no rows; expected rows of numbers separated by a ` +
        `delimiter such as a comma`,
      { path: name },
    );
  }
  checkRowLengths(records, name);

  const hasHeader = first.some((cell) => !DECIMAL.test(cell));
  const columns = hasHeader
    ? first.map((cell, i) => cell || `column ${i + 1}`)
    : first.map((_, i) => `column ${i + 1}`);
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length === 0) {
    throw new InvalidDataError(`${name} has a header row but no data rows`, {
      path: name,
    });
  }
  return { name, columns, hasHeader, rows };
}

function checkRowLengths(records: string[][], name: string): void {
  const width = records[0]!.length;
  records.forEach((row, i) => {
    if (row.length !== width) {
      throw new InvalidDataError(
        `${name}: line ${i + 1} of the non-empty lines has ${row.length} ` +
          `fields, but the first has ${width}; every row needs the same ` +
          `number of fields`,
        { path: name },
      );
    }
  });
}

/**
 * Reads every column but the label column as float32 features, and the
 * label column's text as classes numbered in sorted order.
 *
 * @param labelColumn - Index of the label column, or `null` for none.
 * @throws InvalidParameterError when `labelColumn` is not a column index.
 * @throws InvalidDataError naming the row and column of a feature cell that
 * is empty or not a finite decimal number, or of an empty label cell, and
 * when no feature column remains.
 */
export function readTable(
  table: CsvTable,
  labelColumn: number | null,
): TableData {
  const { columns, rows, name } = table;
  checkLabelColumn(labelColumn, columns.length);
  const featureColumns = columns
    .map((_, i) => i)
    .filter((i) => i !== labelColumn);
  if (featureColumns.length === 0) {
    throw new InvalidDataError(
      `${name} has no feature column besides the label column`,
      { path: name },
    );
  }

  const x = new Float32Array(rows.length * featureColumns.length);
  rows.forEach((_, r) => {
    featureColumns.forEach((column, f) => {
      x[r * featureColumns.length + f] = readNumber(table, r, column);
    });
  });
  const data: TableData = {
    x,
    nSamples: rows.length,
    nFeatures: featureColumns.length,
    featureNames: featureColumns.map((i) => columns[i]!),
  };
  if (labelColumn === null) return data;
  const labels = rows.map((row) => row[labelColumn]!);
  const empty = labels.indexOf('');
  if (empty >= 0) {
    throw new InvalidDataError(
      `${name}: row ${empty + (table.hasHeader ? 2 : 1)}, label column ` +
        `"${columns[labelColumn]}" is empty; give every row a class or ` +
        `choose no label column`,
      { path: name },
    );
  }
  return { ...data, ...encodeClasses(labels) };
}

function checkLabelColumn(labelColumn: number | null, nColumns: number) {
  if (labelColumn === null) return;
  if (!Number.isInteger(labelColumn) || labelColumn < 0) {
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `labelColumn must be a column index from 0 to ${nColumns - 1} or ` +
        `null, got ${labelColumn}`,
    );
  }
  if (labelColumn >= nColumns) {
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `labelColumn is ${labelColumn}, but the file has ${nColumns} ` +
        `columns; pick one of them or none`,
    );
  }
}

function readNumber(table: CsvTable, row: number, column: number): number {
  const cell = table.rows[row]![column]!;
  const value = DECIMAL.test(cell) ? Math.fround(Number(cell)) : Number.NaN;
  if (Number.isFinite(value)) return value;
  const line = row + (table.hasHeader ? 2 : 1);
  const description = cell === '' ? 'is empty' : `is "${cell}"`;
  throw new InvalidDataError(
    `${table.name}: row ${line}, column "${table.columns[column]}" ${description}, ` +
      `not a finite float32 number; choose that column as the label column ` +
      `or fix the cell`,
    { path: table.name },
  );
}

/**
 * Assigns class indices to the distinct label texts in sorted order, with
 * runs of digits compared by value (`9` before `10`).
 */
function encodeClasses(values: string[]): {
  classes: Int32Array;
  classNames: string[];
} {
  const collator = new Intl.Collator('en', { numeric: true });
  const classNames = [...new Set(values)].sort(collator.compare);
  const index = new Map(classNames.map((label, i) => [label, i]));
  const classes = Int32Array.from(values, (label) => index.get(label)!);
  return { classes, classNames };
}
