/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
  padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.warning { color: #a33; } .note { color: #555; font-size: 0.9rem; }
`;

/**
 * Wraps sections in a complete HTML page with its style sheet inline, so
 * the page loads no other file.
 */
export function htmlPage(title: string, sections: readonly string[]): string {
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n` +
    `</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n` +
    `${sections.join('\n')}\n</body>\n</html>\n`
  );
}

/** A table cell: text, or a number drawn right-aligned. */
export type Cell = string | number;

/**
 * Builds an HTML table; an empty `header` leaves out the header row.
 * Numbers are shown with `digits` decimals (default 4) unless they are
 * integers.
 */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  digits = 4,
): string {
  const head = header.map((name) => `<th>${escapeHtml(name)}</th>`).join('');
  const body = rows.map((row) => {
    const cells = row.map((cell) =>
      typeof cell === 'number'
        ? `<td class="number">${formatNumber(cell, digits)}</td>`
        : `<td>${escapeHtml(cell)}</td>`,
    );
    return `<tr>${cells.join('')}</tr>`;
  });
  const headRow = header.length === 0 ? '' : `<tr>${head}</tr>\n`;
  return `<table>\n${headRow}${body.join('\n')}\n</table>`;
}

function formatNumber(value: number, digits: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** Builds a section with a heading and its content. */
export function section(heading: string, content: string): string {
  return `<section>\n<h2>${escapeHtml(heading)}</h2>\n${content}\n</section>`;
}

/** Builds a list of warnings, or a line saying there are none. */
export function warningList(warnings: readonly string[]): string {
  if (warnings.length === 0) return '<p>None.</p>';
  const items = warnings.map(
    (warning) => `<li class="warning">${escapeHtml(warning)}</li>`,
  );
  return `<ul>\n${items.join('\n')}\n</ul>`;
}

/**
 * Flattens nested objects into `[dotted.key, value]` pairs, arrays and
 * scalars shown as JSON. Keys whose value is undefined are left out, as
 * `JSON.stringify` leaves them out of a saved summary.
 */
export function flattenSettings(
  settings: object,
  prefix = '',
): Array<[string, string]> {
  return Object.entries(settings).flatMap(([key, value]) => {
    const name = `${prefix}${key}`;
    if (value === undefined) return [];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return flattenSettings(value as object, `${name}.`);
    }
    return [[name, JSON.stringify(value)] as [string, string]];
  });
}

/**
 * Prefixes the element ids of an SVG document, and the `url(#id)`
 * references to them, so several SVGs inlined in one page keep their own
 * gradients and clip paths.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
}
