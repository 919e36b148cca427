/**
 * A value of the Python literal subset that NPY headers use: strings,
 * integers, booleans, `None`, tuples, lists and dicts with string keys.
 */
export type PythonLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'none' }
  | { kind: 'tuple' | 'list'; items: PythonLiteral[] }
  | { kind: 'dict'; entries: Map<string, PythonLiteral> };

/** A syntax error in a literal, at a 0-based character offset. */
export class LiteralSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'LiteralSyntaxError';
  }
}

/**
 * Maximum nesting depth of brackets. The header of a plain array nests 2
 * deep: the shape tuple inside the dict.
 */
const MAX_DEPTH = 32;

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
};

/**
 * Parses `text` as one Python literal. Only data is read: a name other than
 * `True`, `False` and `None`, a call, an operator or a float is a syntax
 * error, so nothing in the text is ever run.
 *
 * @param allowLongSuffix - Accept the `L` suffix that Python 2 wrote after
 *   integers, as in `(3L, 4L)`.
 * @throws LiteralSyntaxError at the first character that does not fit.
 */
export function parsePythonLiteral(
  text: string,
  allowLongSuffix = false,
): PythonLiteral {
  const parser = new LiteralParser(text, allowLongSuffix);
  const value = parser.parseValue(0);
  parser.expectEnd();
  return value;
}

/** Writes a literal back as Python source, for messages. */
export function formatPythonLiteral(value: PythonLiteral): string {
  switch (value.kind) {
    case 'string':
      return `'${value.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'integer':
      return String(value.value);
    case 'boolean':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple': {
      const items = value.items.map(formatPythonLiteral);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'list':
      return `[${value.items.map(formatPythonLiteral).join(', ')}]`;
    case 'dict': {
      const entries = [...value.entries].map(
        ([key, item]) => `'${key}': ${formatPythonLiteral(item)}`,
      );
      return `{${entries.join(', ')}}`;
    }
  }
}

class LiteralParser {
  private offset = 0;

  constructor(
    private readonly text: string,
    private readonly allowLongSuffix: boolean,
  ) {}

  parseValue(depth: number): PythonLiteral {
    this.skipWhitespace();
    const char = this.text[this.offset];
    if (char === "'" || char === '"') {
      return { kind: 'string', value: this.parseString(char) };
    }
    if (char === '{' || char === '(' || char === '[') {
      if (depth >= MAX_DEPTH)
        this.fail(`brackets nested deeper than ${MAX_DEPTH}`);
      this.offset++;
      if (char === '{') return this.parseDict(depth + 1);
      return this.parseSequence(char === '(' ? ')' : ']', depth + 1);
    }
    if (char !== undefined && /[-\d]/.test(char)) return this.parseInteger();
    if (char !== undefined && /[A-Za-z_]/.test(char)) return this.parseName();
    return this.fail(
      char === undefined
        ? 'unexpected end'
        : `unexpected ${JSON.stringify(char)}`,
    );
  }

  expectEnd(): void {
    this.skipWhitespace();
    if (this.offset < this.text.length) {
      this.fail(
        `unexpected ${JSON.stringify(this.text[this.offset])} after the value`,
      );
    }
  }

  private parseString(quote: string): string {
    let value = '';
    this.offset++;
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined || char === '\n') this.fail('unterminated string');
      this.offset++;
      if (char === quote) return value;
      value += char === '\\' ? this.parseEscape() : char;
    }
  }

  private parseEscape(): string {
    const char = this.text[this.offset];
    const simple = char === undefined ? undefined : ESCAPES[char];
    if (simple !== undefined) {
      this.offset++;
      return simple;
    }
    let digits = 0;
    if (char === 'x') digits = 2;
    if (char === 'u') digits = 4;
    const hex = this.text.slice(this.offset + 1, this.offset + 1 + digits);
    if (digits === 0 || !new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) {
      this.fail('unsupported escape sequence in a string');
    }
    this.offset += 1 + digits;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private parseInteger(): PythonLiteral {
    const match = /^-?\d+/.exec(this.text.slice(this.offset, this.offset + 40));
    if (match === null) return this.fail('expected digits after "-"');
    const value = Number(match[0]);
    if (!Number.isSafeInteger(value))
      this.fail(`integer ${match[0]} is too large`);
    this.offset += match[0].length;

    const suffix = this.text[this.offset];
    if (this.allowLongSuffix && (suffix === 'L' || suffix === 'l')) {
      this.offset++;
    }
    if (/[.\w]/.test(this.text[this.offset] ?? '')) {
      this.fail('only integers are allowed');
    }
    return { kind: 'integer', value };
  }

  private parseName(): PythonLiteral {
    const match = /^[A-Za-z_]\w*/.exec(
      this.text.slice(this.offset, this.offset + 80),
    );
    const name = match?.[0] ?? '';
    if (name === 'True' || name === 'False') {
      this.offset += name.length;
      return { kind: 'boolean', value: name === 'True' };
    }
    if (name === 'None') {
      this.offset += name.length;
      return { kind: 'none' };
    }
    return this.fail(
      `unexpected name ${name}; only True, False and None are allowed`,
    );
  }

  private parseSequence(close: ')' | ']', depth: number): PythonLiteral {
    const items: PythonLiteral[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] === close) break;
      if (items.length > 0 && !trailingComma)
        this.fail(`expected "," or "${close}"`);
      items.push(this.parseValue(depth));
      trailingComma = this.skipComma();
    }
    this.offset++;

    if (close === ']') return { kind: 'list', items };
    // As in Python, `(x)` is x itself and only a comma makes a tuple.
    const only = items[0];
    if (items.length === 1 && !trailingComma && only !== undefined) return only;
    return { kind: 'tuple', items };
  }

  private parseDict(depth: number): PythonLiteral {
    const entries = new Map<string, PythonLiteral>();
    let trailingComma = false;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] === '}') break;
      if (entries.size > 0 && !trailingComma) this.fail('expected "," or "}"');

      const keyOffset = this.offset;
      const key = this.parseValue(depth);
      if (key.kind !== 'string')
        this.failAt(keyOffset, 'dict keys must be strings');
      if (entries.has(key.value))
        this.failAt(keyOffset, `duplicate key '${key.value}'`);
      this.skipWhitespace();
      if (this.text[this.offset] !== ':')
        this.fail('expected ":" after a dict key');
      this.offset++;
      entries.set(key.value, this.parseValue(depth));
      trailingComma = this.skipComma();
    }
    this.offset++;
    return { kind: 'dict', entries };
  }

  private skipComma(): boolean {
    this.skipWhitespace();
    if (this.text[this.offset] !== ',') return false;
    this.offset++;
    return true;
  }

  private skipWhitespace(): void {
    while (/^[ \t\r\n]$/.test(this.text[this.offset] ?? '')) this.offset++;
  }

  private fail(message: string): never {
    return this.failAt(this.offset, message);
  }

  private failAt(offset: number, message: string): never {
    throw new LiteralSyntaxError(message, offset);
  }
}
