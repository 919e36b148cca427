import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';

import { InvalidParameterError } from '@fixclust/core';
import { DATASET_NAMES } from '@fixclust/datasets';
import { parse as parseYaml } from 'yaml';

/** File extensions read as YAML; anything else is read as JSON. */
const YAML_EXTENSIONS = ['.yaml', '.yml'];

/**
 * Reads an experiment file (JSON, or YAML for `.yaml` and `.yml`) and
 * makes its relative paths relative to the file's folder: `data.path`,
 * `data.labels`, `output.out`, `data.dataset` unless it names a bundled
 * data set, and plug-ins that start with `.`. An empty path stays empty,
 * because `resolve` would turn it into the file's folder, so the schema
 * check rejects it naming the field. The result is not yet checked
 * against the schema.
 *
 * @throws InvalidParameterError naming the file when it cannot be read or
 * parsed, or does not hold an object.
 */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const reason =
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new InvalidParameterError(
      'config',
      path,
      `experiment file ${path} ${reason}; pass the path of a JSON or YAML file`,
      { cause: error },
    );
  }
  const value = parseText(path, text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidParameterError(
      'config',
      path,
      `experiment file ${path} must hold an object with sections such as ` +
        `"data", "model" and "training"`,
    );
  }
  return resolvePaths(value as Record<string, unknown>, dirname(path));
}

function parseText(path: string, text: string): unknown {
  const isYaml = YAML_EXTENSIONS.includes(extname(path).toLowerCase());
  try {
    return isYaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const format = isYaml ? 'YAML' : 'JSON';
    throw new InvalidParameterError(
      'config',
      path,
      `experiment file ${path} is not valid ${format}: ` +
        `${(error as Error).message}`,
      { cause: error },
    );
  }
}

function resolvePaths(
  settings: Record<string, unknown>,
  folder: string,
): Record<string, unknown> {
  const relative = (value: unknown) =>
    typeof value === 'string' && value !== '' ? resolve(folder, value) : value;
  const copy = structuredClone(settings);
  const data = section(copy, 'data');
  if (data !== undefined) {
    for (const field of ['path', 'labels']) {
      if (field in data) data[field] = relative(data[field]);
    }
    const dataset = data['dataset'];
    if (
      typeof dataset === 'string' &&
      !DATASET_NAMES.includes(dataset as never)
    ) {
      data['dataset'] = relative(dataset);
    }
  }
  const output = section(copy, 'output');
  if (output !== undefined && 'out' in output) {
    output['out'] = relative(output['out']);
  }
  const plugins = copy['plugins'];
  if (Array.isArray(plugins)) {
    copy['plugins'] = plugins.map((p) =>
      typeof p === 'string' && p.startsWith('.') ? resolve(folder, p) : p,
    );
  }
  return copy;
}

function section(
  settings: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const value = settings[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
