// Reads the runnable example of a package README: the `## Example`
// section's one fenced ```js block, and the ```text block of its expected
// standard output when the section has one.
import { readFileSync } from 'node:fs';

/**
 * Returns `{ code, expectedOutput }` from the `## Example` section of the
 * Markdown file at `path`; `expectedOutput` is undefined when the section
 * has no ```text block.
 *
 * @throws Error naming the file when the section is missing or holds no
 * ```js block, or more than one ```js or ```text block.
 */
export function readReadmeExample(path) {
  const section = exampleSection(readFileSync(path, 'utf8'), path);
  const blocks = fencedBlocks(section);
  const code = onlyBlock(blocks, 'js', path, true);
  const expectedOutput = onlyBlock(blocks, 'text', path, false);
  return { code, expectedOutput };
}

function exampleSection(markdown, path) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === '## Example');
  if (start < 0) {
    throw new Error(
      `${path} has no "## Example" section; add one with a js block`,
    );
  }
  const length = lines
    .slice(start + 1)
    .findIndex((line) => /^#{1,2} /.test(line));
  const end = length < 0 ? lines.length : start + 1 + length;
  return lines.slice(start + 1, end);
}

/** Splits lines into fenced blocks `{ info, text }`, fences excluded. */
function fencedBlocks(lines) {
  const blocks = [];
  let current;
  for (const line of lines) {
    if (current === undefined && line.startsWith('```')) {
      current = { info: line.slice(3).trim(), lines: [] };
    } else if (current !== undefined && line.trim() === '```') {
      blocks.push({ info: current.info, text: current.lines.join('\n') });
      current = undefined;
    } else if (current !== undefined) {
      current.lines.push(line);
    }
  }
  return blocks;
}

function onlyBlock(blocks, info, path, required) {
  const matching = blocks.filter((block) => block.info === info);
  if (matching.length > 1 || (required && matching.length === 0)) {
    throw new Error(
      `${path}: the "## Example" section must hold ` +
        `${required ? 'exactly one' : 'at most one'} \`\`\`${info} block, ` +
        `found ${matching.length}`,
    );
  }
  return matching[0] === undefined ? undefined : `${matching[0].text}\n`;
}
