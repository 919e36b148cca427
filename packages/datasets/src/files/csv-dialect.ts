import { InvalidDataError } from '@fixclust/core';
import { parse } from 'csv-parse/sync';

import type { CheckedCsvOptions } from './csv-options.js';
import { formatPosition, positionAt } from './text-position.js';

/**
 * Line breaks that end a record: the same as editors count, so error
 * positions match even in files with mixed line endings.
 */
export const LINE_BREAKS = ['\r\n', '\n', '\r'];

/** Number of lines read to detect the delimiter. */
export const SAMPLE_LINES = 20;

/**
 * Delimiters tried by detection, most preferred first. On a tie the
 * earlier wins, because a comma appears inside values (decimal commas,
 * text) more often than a semicolon or a tab does.
 */
export const DETECTED_DELIMITERS = ['\t', ';', ','] as const;

/** Characters that, present on every line of a one-column file, suggest the
 * delimiter is wrong. */
const SUSPECT_DELIMITERS = [',', ';', '\t', '|', ' '];

/** Returns the text of the first {@link SAMPLE_LINES} lines. */
export function sampleLines(text: string): string {
  const lineBreaks = /\r\n|\r|\n/g;
  for (let line = 0; line < SAMPLE_LINES; line++) {
    if (lineBreaks.exec(text) === null) return text;
  }
  return text.slice(0, lineBreaks.lastIndex);
}

/**
 * Picks the delimiter among `candidates` that splits the sample's records
 * into the same number (more than one) of fields most often. Returns
 * `undefined` when every candidate gives a single field.
 */
export function detectDelimiter(
  sample: string,
  candidates: readonly string[],
): string | undefined {
  let best: { delimiter: string; agreement: number } | undefined;
  for (const delimiter of candidates) {
    const agreement = fieldCountAgreement(sample, delimiter);
    if (agreement > (best?.agreement ?? 0)) best = { delimiter, agreement };
  }
  return best?.delimiter;
}

/**
 * Returns a character other than `delimiter` that occurs inside every
 * non-empty line of the sample, when the sample parses to one column with
 * `delimiter`. Such a file was most likely split at the wrong character.
 */
export function findSuspectDelimiter(
  sample: string,
  delimiter: string,
  ignored: readonly string[],
): string | undefined {
  const counts = fieldCounts(sample, delimiter);
  if (counts === undefined || counts.some((count) => count > 1)) {
    return undefined;
  }

  const lines = sample
    .split(/\r\n|\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return undefined;
  return SUSPECT_DELIMITERS.find(
    (char) =>
      char !== delimiter &&
      !ignored.includes(char) &&
      lines.every((line) => line.includes(char)),
  );
}

/**
 * Fraction of records that have the most common field count, or 0 when that
 * count is 1 or the sample does not parse.
 */
function fieldCountAgreement(sample: string, delimiter: string): number {
  const counts = fieldCounts(sample, delimiter);
  if (counts === undefined || counts.length === 0) return 0;

  const frequency = new Map<number, number>();
  for (const count of counts) {
    frequency.set(count, (frequency.get(count) ?? 0) + 1);
  }
  let mode = 1;
  let modeFrequency = 0;
  for (const [count, times] of frequency) {
    if (times > modeFrequency) [mode, modeFrequency] = [count, times];
  }
  return mode > 1 ? modeFrequency / counts.length : 0;
}

/** Field count of each record, or `undefined` when the sample is invalid. */
function fieldCounts(sample: string, delimiter: string): number[] | undefined {
  try {
    const records = parse(sample, {
      delimiter,
      record_delimiter: LINE_BREAKS,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    return records.map((record) => record.length);
  } catch {
    // A malformed sample, such as a quoted field cut off at the end of the
    // sample, gives no evidence about this delimiter.
    return undefined;
  }
}

/**
 * Returns the given or detected delimiter of a CSV file from `text`, the
 * whole file or its start: both readers choose it this way.
 *
 * @throws InvalidDataError when every sampled line parses to one column but
 *   contains another likely delimiter.
 */
export function chooseDelimiter(
  text: string,
  path: string,
  options: Pick<CheckedCsvOptions, 'delimiter' | 'decimalSeparator'>,
): string {
  const sample = sampleLines(text);
  const separator = options.decimalSeparator;
  const candidates = DETECTED_DELIMITERS.filter((char) => char !== separator);
  const delimiter =
    options.delimiter ??
    detectDelimiter(sample, candidates) ??
    candidates[candidates.length - 1] ??
    ',';

  const ignored = separator === ',' ? [','] : [];
  const suspect = findSuspectDelimiter(sample, delimiter, ignored);
  if (suspect === undefined) return delimiter;

  const tried =
    options.delimiter === undefined
      ? `with every delimiter tried (${candidates.map(nameChar).join(', ')})`
      : `with delimiter ${nameChar(delimiter)}`;
  const position = formatPosition(
    path,
    positionAt(text, text.indexOf(suspect)),
  );
  throw new InvalidDataError(
    `${position}: every line of ${path} parses to a single column ${tried}, ` +
      `but each line contains ${withArticle(nameChar(suspect))}; pass ` +
      `delimiter: ${JSON.stringify(suspect)} if that separates the columns`,
    { path },
  );
}

/** Names a delimiter character for messages, such as `';'` or `tab`. */
function nameChar(char: string): string {
  if (char === '\t') return 'tab';
  if (char === ' ') return 'space';
  return `'${char}'`;
}

function withArticle(name: string): string {
  return name === 'tab' || name === 'space' ? `a ${name}` : name;
}

/**
 * Checks that `bytes`, the start of a CSV file, do not begin with a UTF-16
 * byte order mark.
 *
 * @throws InvalidDataError naming the file and the encoding to save it in.
 */
export function assertNotUtf16(bytes: Uint8Array, path: string): void {
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!utf16) return;
  throw new InvalidDataError(
    `CSV file ${path} is UTF-16 text (it starts with a UTF-16 byte order ` +
      `mark); save it as UTF-8`,
    { path },
  );
}

/** Builds the error for a CSV file whose bytes are not UTF-8. */
export function notUtf8Error(path: string, error: unknown): InvalidDataError {
  return new InvalidDataError(
    `CSV file ${path} is not valid UTF-8 text (${(error as Error).message}); ` +
      `save it as UTF-8`,
    { cause: error, path },
  );
}
