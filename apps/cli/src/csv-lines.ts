import { open } from 'node:fs/promises';

import type { Output } from './output.js';

/** Rows formatted and written at a time. */
const ROWS_PER_WRITE = 65536;

/**
 * Writes a CSV header and one line per row, `line(i)` for row `i`, to a
 * file, given as a path, or to stdout through an `Output`. The rows are
 * formatted and written a chunk at a time, so memory stays bounded for
 * millions of rows.
 */
export async function writeCsvLines(
  target: string | Output,
  header: string,
  count: number,
  line: (row: number) => string,
): Promise<void> {
  const file = typeof target === 'string' ? await open(target, 'w') : undefined;
  const write = async (text: string) => {
    if (file !== undefined) await file.write(`${text}\n`);
    else if (typeof target !== 'string') target.log(text);
  };
  try {
    await write(header);
    for (let start = 0; start < count; start += ROWS_PER_WRITE) {
      const end = Math.min(start + ROWS_PER_WRITE, count);
      const lines: string[] = [];
      for (let row = start; row < end; row++) lines.push(line(row));
      if (lines.length > 0) await write(lines.join('\n'));
    }
  } finally {
    await file?.close();
  }
}
