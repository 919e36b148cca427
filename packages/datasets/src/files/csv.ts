import {
  describeValue,
  FixclustError,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';
import { CsvError, parse } from 'csv-parse/sync';

import { assertOptions, assertPath } from '../arguments.js';
import { readDataFile } from '../files.js';
import { encodeTextClassLabels } from './class-labels.js';
import {
  LINE_BREAKS,
  assertNotUtf16,
  chooseDelimiter,
  notUtf8Error,
} from './csv-dialect.js';
import {
  CSV_OPTION_NAMES,
  checkCsvOptions,
  type CsvOptions,
} from './csv-options.js';
import { CsvTable } from './csv-table.js';
import { datasetNameFromPath, type UserDataset } from './user-dataset.js';

/**
 * Reads a CSV file of numbers, one sample per row, as a data set.
 *
 * The file must be UTF-8 (a byte order mark is skipped). See
 * {@link parseCsv} for how the text is read.
 *
 * @param path - File to read; the data set is named after its base name.
 * @throws InvalidParameterError when `path` is not a string, for unknown
 *   or invalid options, or a label column that is not in the file.
 * @throws InvalidDataError naming the file when it is missing, unreadable or
 *   not UTF-8, or for any problem {@link parseCsv} reports.
 */
export async function loadCsv(
  path: string,
  options: CsvOptions = {},
): Promise<UserDataset> {
  assertPath('path', path);
  assertOptions(options, CSV_OPTION_NAMES);
  checkCsvOptions(options);
  const bytes = await readDataFile(path, 'CSV file');
  return parseCsv(decodeUtf8(bytes, path), path, options);
}

/**
 * Parses CSV text of numbers, one sample per row, as a data set.
 *
 * Fields may be quoted with `"` (a doubled `""` inside is one quote), and
 * a quoted field may contain the delimiter and line breaks. Cells are
 * trimmed of surrounding white space, and lines without characters are
 * skipped. Every
 * cell outside the label column must be a decimal number such as `-1.5e3`
 * within the float32 range. An empty cell is an error, never a 0 or a
 * missing value, and so are `NaN` and `Inf` in any spelling.
 *
 * Errors give the place as `path:line:column`, 1-based, a column counting
 * characters as editors do (a tab counts as one).
 *
 * @param text - Whole file contents.
 * @param path - File name for messages and the data set name.
 * @throws InvalidDataError when the text is empty or has only a header
 *   row, or when a row has another number of fields than the first.
 * @throws InvalidDataError when a feature cell is empty, not a number,
 *   non-finite or outside the float32 range, or when a label cell is empty.
 * @throws InvalidDataError when no feature column remains, for malformed
 *   quoting, and when the first 20 lines parse to one column although each
 *   contains another likely delimiter.
 * @throws InvalidParameterError when `text` or `path` is not a string, for
 *   unknown or invalid options, or a label column that is not in the file.
 */
export function parseCsv(
  text: string,
  path: string,
  options: CsvOptions = {},
): UserDataset {
  if (typeof text !== 'string') {
    throw new InvalidParameterError(
      'text',
      text,
      `text must be the contents of a CSV file as a string, got ` +
        describeValue(text),
    );
  }
  assertPath('path', path);
  assertOptions(options, CSV_OPTION_NAMES);
  const checked = checkCsvOptions(options);
  if (text.trim() === '') {
    throw new InvalidDataError(
      `${path}:1:1: ${path} is empty; expected rows of numbers separated ` +
        `by a delimiter such as a comma`,
      { path },
    );
  }

  const delimiter = chooseDelimiter(text, path, checked);
  const table = new CsvTable({ ...checked, path, text, delimiter });
  readRecords(text, path, delimiter, table);
  const contents = table.finish();

  const dataset: UserDataset = {
    name: datasetNameFromPath(path),
    x: contents.x,
    nSamples: contents.nSamples,
    nFeatures: contents.nFeatures,
  };
  if (contents.featureNames !== undefined) {
    dataset.featureNames = contents.featureNames;
  }
  if (contents.labelValues !== undefined) {
    const { labels, classNames } = encodeTextClassLabels(contents.labelValues);
    dataset.labels = labels;
    dataset.nClasses = classNames.length;
    dataset.classNames = classNames;
  }
  return dataset;
}

/** Feeds every record of `text` to `table`, one at a time. */
function readRecords(
  text: string,
  path: string,
  delimiter: string,
  table: CsvTable,
): void {
  try {
    parse(text, {
      delimiter,
      record_delimiter: LINE_BREAKS,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[]) => {
        table.addRecord(record);
        // Returning nothing drops the record, so no copy of the text's
        // records is kept besides the float32 matrix.
        return undefined;
      },
    });
  } catch (error) {
    if (FixclustError.isInstance(error)) throw error;
    if (!(error instanceof CsvError)) throw error;
    throw quotingError(error, path, table);
  }
}

/** Wraps a csv-parse syntax error, such as an unclosed quote. */
function quotingError(
  error: CsvError,
  path: string,
  table: CsvTable,
): InvalidDataError {
  const field = typeof error['column'] === 'number' ? error['column'] : 0;
  return new InvalidDataError(
    `${table.fieldPosition(field)}: ${path} has malformed quoting ` +
      `(${error.message}); a quoted field must start and end with ", and ` +
      `a " inside it must be doubled`,
    { cause: error, path },
  );
}

/**
 * Decodes UTF-8 bytes, dropping a byte order mark.
 *
 * @throws InvalidDataError naming the file when the bytes are not UTF-8.
 */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  assertNotUtf16(bytes, path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw notUtf8Error(path, error);
  }
}
