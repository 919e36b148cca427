import { InvalidDataError, InvalidParameterError } from '@fixclust/core';

import {
  describeField,
  featureCellProblem,
  featureValue,
  looksLikeHeader,
} from './csv-cells.js';
import type { DecimalSeparator } from './decimal.js';
import { FloatRows } from './float-rows.js';
import { formatPosition, locateField, positionAt } from './text-position.js';

/** Settings of a {@link CsvTable}: the file, and how to read its records. */
export interface CsvTableSettings {
  /** File name used in messages. */
  path: string;
  /** Whole text of the file, to locate errors. */
  text: string;
  delimiter: string;
  header: boolean | 'auto';
  /** Label column by header name or 1-based index; `undefined` for none. */
  labelColumn: string | number | undefined;
  decimalSeparator: DecimalSeparator;
}

/** The numeric matrix and label column read from a CSV file. */
export interface CsvTableContents {
  x: Float32Array;
  nSamples: number;
  nFeatures: number;
  /** The label cell of each row, trimmed, when there is a label column. */
  labelValues?: string[];
  /** Names of the feature columns, when the file has a header row. */
  featureNames?: string[];
}

/** Layout of the columns, fixed by the first record. */
interface CsvColumns {
  nColumns: number;
  labelIndex: number | undefined;
  names: string[] | undefined;
  rows: FloatRows;
}

/**
 * Builds the matrix of a CSV file from its records, one at a time and in
 * order, and reports bad cells with their line and column.
 */
export class CsvTable {
  private columns: CsvColumns | undefined;
  private readonly labelValues: string[] = [];
  private hasHeader = false;
  /** Records read so far, empty lines not counted. */
  private recordCount = 0;

  constructor(private readonly settings: CsvTableSettings) {}

  /**
   * Adds the next record.
   *
   * @throws InvalidDataError for a ragged row or a bad cell.
   * @throws InvalidParameterError when the label column is not in the file.
   */
  addRecord(record: string[]): void {
    if (this.columns === undefined) {
      this.readFirstRecord(record);
    } else {
      this.readDataRecord(this.columns, record);
    }
    this.recordCount++;
  }

  /**
   * Returns the matrix read so far.
   *
   * @throws InvalidDataError when the file has no data rows.
   */
  finish(): CsvTableContents {
    const { path, text } = this.settings;
    const columns = this.columns;
    if (columns === undefined || columns.rows.nRows === 0) {
      const end = formatPosition(path, positionAt(text, text.length));
      const problem = this.hasHeader
        ? 'contains a header row but no data rows'
        : 'contains no data rows';
      throw new InvalidDataError(`${end}: ${path} ${problem}`, { path });
    }

    const { labelIndex, names, rows } = columns;
    const contents: CsvTableContents = {
      x: rows.toArray(),
      nSamples: rows.nRows,
      nFeatures: rows.nColumns,
    };
    if (labelIndex !== undefined) contents.labelValues = this.labelValues;
    if (names !== undefined) {
      contents.featureNames = names.filter((_, i) => i !== labelIndex);
    }
    return contents;
  }

  /**
   * Fixes the columns from the first record, and reads it as data unless it
   * is a header row.
   */
  private readFirstRecord(record: string[]): void {
    const { header, labelColumn } = this.settings;
    const cells = record.map((cell) => cell.trim());
    let labelIndex =
      typeof labelColumn === 'number'
        ? this.checkLabelIndex(labelColumn, cells.length)
        : undefined;

    this.hasHeader = header === true;
    if (header === 'auto') {
      this.hasHeader =
        typeof labelColumn === 'string' ||
        looksLikeHeader(cells, labelIndex, this.settings.decimalSeparator);
    }
    if (typeof labelColumn === 'string') {
      labelIndex = this.findLabelName(labelColumn, cells);
    }

    const nFeatures = cells.length - (labelIndex === undefined ? 0 : 1);
    if (nFeatures === 0) {
      throw new InvalidDataError(
        `${this.fieldPosition(0)}: ${this.settings.path} has no feature ` +
          `column besides the label column; pass a file with at least one ` +
          `numeric column`,
        { path: this.settings.path },
      );
    }
    this.columns = {
      nColumns: cells.length,
      labelIndex,
      names: this.hasHeader ? cells : undefined,
      rows: new FloatRows(nFeatures),
    };
    if (!this.hasHeader) this.readDataRecord(this.columns, record);
  }

  private checkLabelIndex(labelColumn: number, nColumns: number): number {
    if (labelColumn <= nColumns) return labelColumn - 1;
    throw new InvalidParameterError(
      'labelColumn',
      labelColumn,
      `${this.fieldPosition(nColumns)}: label column ${labelColumn} does ` +
        `not exist: the first row of ${this.settings.path} has ${nColumns} ` +
        `fields; pass an index from 1 to ${nColumns} or a header name`,
    );
  }

  private findLabelName(name: string, names: readonly string[]): number {
    const wanted = name.trim();
    const matches = names.flatMap((cell, i) => (cell === wanted ? [i] : []));
    const first = matches[0];
    if (matches.length === 1 && first !== undefined) return first;

    const problem =
      matches.length === 0
        ? `is not in the header, whose columns are ` +
          `${names.map((cell) => JSON.stringify(cell)).join(', ')}; pass ` +
          `one of these names or a 1-based column index`
        : `matches fields ${matches.map((i) => i + 1).join(' and ')} of ` +
          `the header; pass the 1-based index of one of them`;
    throw new InvalidParameterError(
      'labelColumn',
      name,
      `${this.fieldPosition(0)}: label column ${JSON.stringify(name)} ` +
        problem,
    );
  }

  private readDataRecord(columns: CsvColumns, record: string[]): void {
    const { nColumns, labelIndex, rows } = columns;
    if (record.length !== nColumns) this.throwRagged(record.length, nColumns);

    for (let i = 0; i < nColumns; i++) {
      const cell = (record[i] ?? '').trim();
      if (i !== labelIndex) {
        rows.push(this.parseCell(cell, i));
      } else if (cell !== '') {
        this.labelValues.push(cell);
      } else {
        throw this.cellError(
          i,
          'is empty, but every row needs a class value in the label column',
        );
      }
    }
  }

  private throwRagged(nFields: number, nColumns: number): never {
    const { path, text, delimiter } = this.settings;
    const firstLine = locateField(text, 0, 0, delimiter).line;
    throw new InvalidDataError(
      `${this.fieldPosition(Math.min(nFields, nColumns))}: this row has ` +
        `${countFields(nFields)}, but the first row (line ${firstLine}) has ` +
        `${nColumns}; every row of ${path} needs the same number of fields`,
      { path },
    );
  }

  /** Parses a feature cell as a float32 value. */
  private parseCell(cell: string, fieldIndex: number): number {
    const { decimalSeparator, header } = this.settings;
    const value = featureValue(cell, decimalSeparator);
    if (value !== undefined) return value;
    const mayBeHeader = this.recordCount === 0 && header === 'auto';
    throw this.cellError(
      fieldIndex,
      featureCellProblem(cell, { decimalSeparator, mayBeHeader }),
    );
  }

  private cellError(fieldIndex: number, problem: string): InvalidDataError {
    const { path } = this.settings;
    const columns = this.columns;
    const field = describeField(
      fieldIndex,
      columns?.names,
      columns?.labelIndex,
    );
    return new InvalidDataError(
      `${this.fieldPosition(fieldIndex)}: ${field} ${problem}`,
      { path },
    );
  }

  /**
   * `path:line:column` of a field of the record being read: the one passed
   * to {@link addRecord}, or the next one while the parser reads it.
   */
  fieldPosition(fieldIndex: number): string {
    const { path, text, delimiter } = this.settings;
    const position = locateField(text, this.recordCount, fieldIndex, delimiter);
    return formatPosition(path, position);
  }
}

function countFields(count: number): string {
  return count === 1 ? '1 field' : `${count} fields`;
}
