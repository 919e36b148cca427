/**
 * A place in a text file as editors show it: 1-based line and column, a
 * column counting characters (Unicode code points, a tab as one). Line
 * breaks are `\n`, `\r\n` and a lone `\r`.
 */
export interface TextPosition {
  line: number;
  column: number;
}

/** A position with its UTF-16 offset in the text. */
interface Cursor extends TextPosition {
  offset: number;
}

/** Formats a position after a file name, as compilers do: `a.csv:3:7`. */
export function formatPosition(path: string, position: TextPosition): string {
  return `${path}:${position.line}:${position.column}`;
}

/** Returns the position of the character at UTF-16 offset `offset`. */
export function positionAt(text: string, offset: number): TextPosition {
  const cursor = { offset: 0, line: 1, column: 1 };
  while (cursor.offset < offset && cursor.offset < text.length) {
    advance(text, cursor);
  }
  return { line: cursor.line, column: cursor.column };
}

/**
 * Finds where field `fieldIndex` (from 0) of CSV record `recordIndex` (from
 * 0, empty lines not counted) begins. Fields are split at `delimiter`
 * outside double quotes, and a quoted field may span lines. When the
 * record has fewer fields, returns the end of the record.
 *
 * Scans the text from the start, so it is meant for error messages only.
 */
export function locateField(
  text: string,
  recordIndex: number,
  fieldIndex: number,
  delimiter: string,
): TextPosition {
  const cursor = { offset: 0, line: 1, column: 1 };
  for (let record = 0; ; record++) {
    while (lineBreakLength(text, cursor.offset) > 0) advance(text, cursor);
    if (record === recordIndex || cursor.offset >= text.length) break;
    walkRecord(text, cursor, delimiter, Infinity);
    advance(text, cursor);
  }
  walkRecord(text, cursor, delimiter, fieldIndex);
  return { line: cursor.line, column: cursor.column };
}

/**
 * Finds where field `fieldIndex` (from 0) of one CSV record begins in its
 * file. `raw` is the record's text from the end of the record before it
 * (empty lines included), with or without its own line break, and
 * `firstLine` the line on which `raw` starts. Gives the same position as
 * {@link locateField} on the whole text, without that text.
 */
export function locateRawField(
  raw: string,
  firstLine: number,
  fieldIndex: number,
  delimiter: string,
): TextPosition {
  const body = raw.slice(0, raw.length - trailingLineBreakLength(raw));
  const field = locateField(body, 0, fieldIndex, delimiter);
  return { line: firstLine + field.line - 1, column: field.column };
}

/**
 * Moves `cursor` from the start of a record to the start of field
 * `fieldIndex`, or to the line break or text end that ends the record.
 */
function walkRecord(
  text: string,
  cursor: Cursor,
  delimiter: string,
  fieldIndex: number,
): void {
  let field = 0;
  let atFieldStart = true;
  let quoted = false;
  while (cursor.offset < text.length && field < fieldIndex) {
    const char = text[cursor.offset];
    if (!quoted && lineBreakLength(text, cursor.offset) > 0) return;

    if (quoted && char === '"' && text[cursor.offset + 1] === '"') {
      advance(text, cursor);
    } else if (char === '"' && (quoted || atFieldStart)) {
      quoted = !quoted;
    }
    atFieldStart = !quoted && char === delimiter;
    if (atFieldStart) field++;
    advance(text, cursor);
  }
}

/** Moves `cursor` past one character or line break. */
function advance(text: string, cursor: Cursor): void {
  const breakLength = lineBreakLength(text, cursor.offset);
  if (breakLength > 0) {
    cursor.offset += breakLength;
    cursor.line++;
    cursor.column = 1;
    return;
  }
  const code = text.charCodeAt(cursor.offset);
  const isPair = code >= 0xd800 && code <= 0xdbff;
  cursor.offset += isPair && cursor.offset + 1 < text.length ? 2 : 1;
  cursor.column++;
}

/** Length of the line break at `offset`: 0 when there is none. */
function lineBreakLength(text: string, offset: number): number {
  const char = text[offset];
  if (char === '\n') return 1;
  if (char !== '\r') return 0;
  return text[offset + 1] === '\n' ? 2 : 1;
}

/** Length of the line break that ends `text`: 0 when there is none. */
function trailingLineBreakLength(text: string): number {
  if (text.endsWith('\r\n')) return 2;
  return text.endsWith('\n') || text.endsWith('\r') ? 1 : 0;
}
