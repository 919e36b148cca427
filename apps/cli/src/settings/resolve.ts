import { countOf, InvalidParameterError } from '@fixclust/core';
import type { z } from 'zod';

import { readConfigFile } from './config-file.js';
import {
  experimentSchema,
  SECTIONS,
  type ExperimentSettings,
} from './schema.js';
import {
  SETTING_SOURCES,
  settingsFromEnvironment,
  settingsFromFlags,
} from './sources.js';

/** Origin of a setting, highest precedence first. */
export type SettingOrigin = 'flag' | 'config' | 'environment' | 'default';

/** The effective settings of a run and where each explicit one came from. */
export interface RunSettings {
  settings: ExperimentSettings & {
    data: NonNullable<ExperimentSettings['data']> & { dataset: string };
    model: NonNullable<ExperimentSettings['model']>;
  };
  /** Path of the experiment file, or null without `--config`. */
  config: string | null;
  /** Origin of every field set by a flag, the file or the environment. */
  origins: Record<string, Exclude<SettingOrigin, 'default'>>;
}

/** Values used when no source sets a field. */
const DEFAULTS: ExperimentSettings = {
  data: { dataset: 'mnist' },
  model: { preset: 'km50' },
};

/**
 * Merges the settings of a run: a command flag overrides the experiment
 * file, which overrides the `FIXCLUST_*` environment variables, which
 * override the defaults. A field is the unit of precedence: an object
 * field such as `model.autoencoder` comes whole from one source. Each
 * source is checked against the shared schema first, so an error names
 * the source and the field.
 *
 * @throws InvalidParameterError naming the source and the field.
 */
export async function resolveRunSettings(
  flags: Readonly<Record<string, unknown>>,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<RunSettings> {
  const configPath =
    typeof flags['config'] === 'string' ? flags['config'] : null;
  const layers: Array<[Exclude<SettingOrigin, 'default'>, ExperimentSettings]> =
    [
      [
        'environment',
        check(settingsFromEnvironment(environment), 'environment'),
      ],
      [
        'config',
        configPath === null
          ? {}
          : check(
              await readConfigFile(configPath),
              `experiment file ${configPath}`,
            ),
      ],
      ['flag', check(settingsFromFlags(flags), 'flag')],
    ];
  const merged = structuredClone(DEFAULTS) as Record<string, unknown>;
  const origins: RunSettings['origins'] = {};
  for (const [origin, layer] of layers) {
    for (const name of SECTIONS) {
      const fields = layer[name] as Record<string, unknown> | undefined;
      if (fields === undefined) continue;
      const target = (merged[name] ??= {}) as Record<string, unknown>;
      for (const [field, value] of Object.entries(fields)) {
        target[field] = value;
        origins[`${name}.${field}`] = origin;
      }
    }
    if (layer.plugins !== undefined) {
      merged['plugins'] = layer.plugins;
      origins['plugins'] = origin;
    }
  }
  const settings = check(merged, 'merged settings') as RunSettings['settings'];
  return { settings, config: configPath, origins };
}

/**
 * Checks one source against the schema.
 *
 * @throws InvalidParameterError naming the source, the field (and its
 * flag or environment variable) and the problem.
 */
function check(value: unknown, source: string): ExperimentSettings {
  const result = experimentSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  const field = path.join('.');
  const leaf = path[path.length - 1] ?? '(root)';
  throw new InvalidParameterError(
    field,
    issue.input,
    describeProblem(source, field, leaf, describeIssue(issue)),
  );
}

/**
 * Words an invalid setting the way the model's own errors read: a flag's
 * value as `--limit must be …`, or `nClusters must be … (set with
 * --clusters)` where the flag is named otherwise; a file's field by its
 * path.
 */
function describeProblem(
  source: string,
  field: string,
  leaf: string,
  problem: string,
): string {
  const entry = SETTING_SOURCES.find(
    (s) => `${s.section}.${s.field}` === field,
  );
  if (source === 'flag' && entry !== undefined) {
    return entry.flag === `--${kebab(leaf)}`
      ? `${entry.flag} ${problem}`
      : `${leaf} ${problem} (set with ${entry.flag})`;
  }
  if (source === 'environment' && entry?.environment !== undefined) {
    return `${leaf} ${problem} (set with environment variable ${entry.environment})`;
  }
  return `${source}: field "${field}" ${problem}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Shows an allowed value: a word as it is, anything else quoted. */
function showValue(value: unknown): string {
  const text = String(value);
  return /^[\w-]+$/.test(text) ? text : JSON.stringify(text);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const got =
    issue.input === undefined ? '' : `, got ${JSON.stringify(issue.input)}`;
  // The schema's own messages start with "must"; zod's defaults do not.
  const own = issue.message.startsWith('must ') ? issue.message : undefined;
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'is not a known setting; check its spelling and section';
    case 'invalid_value':
      return `must be one of ${issue.values.map(showValue).join(', ')}${got}`;
    case 'invalid_type':
      return `${own ?? `must be ${article(issue.expected)}`}${got}`;
    case 'too_small':
      if (own !== undefined) return `${own}${got}`;
      if (issue.origin === 'string' && Number(issue.minimum) === 1) {
        return `must not be empty${got}`;
      }
      return `must have at least ${sizeOf(issue.minimum, issue.origin)}${got}`;
    case 'too_big':
      if (own !== undefined) return `${own}${got}`;
      return `must have at most ${sizeOf(issue.maximum, issue.origin)}${got}`;
    default:
      return `is invalid: ${issue.message}${got}`;
  }
}

/** Formats a length limit: characters for text, entries for a list. */
function sizeOf(limit: number | bigint, origin: string): string {
  return countOf(
    Number(limit),
    origin === 'string' ? 'character' : 'entry',
    origin === 'string' ? 'characters' : 'entries',
  );
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
