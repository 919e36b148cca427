import { InvalidParameterError } from '@fixclust/core';

import type { ExperimentSettings, SectionName } from './schema.js';

/** Type of a setting given as text, in an environment variable. */
type TextType = 'integer' | 'number' | 'boolean' | 'string';

/** One setting that a flag or an environment variable can give. */
export interface SettingSource {
  section: SectionName;
  field: string;
  /** Commander's name of the flag's value, such as `batchSize`. */
  option: string;
  /** The flag, as the user types it. */
  flag: string;
  /** The environment variable, when there is one. */
  environment?: string;
  /** Type of the environment variable's value. */
  type: TextType;
}

/**
 * The settings that command flags and `FIXCLUST_*` environment variables
 * set, with the schema field each writes. `FIXCLUST_BACKEND` keeps its
 * meaning. `FIXCLUST_DATA` is not here: tests and the benchmark use it for
 * the folder of all data sets, which is not one data set's files.
 */
export const SETTING_SOURCES: readonly SettingSource[] = [
  source('data', 'dataset', '--dataset', 'FIXCLUST_DATASET', 'string'),
  source('data', 'path', '--data', undefined, 'string'),
  source('data', 'limit', '--limit', 'FIXCLUST_LIMIT', 'integer'),
  source('data', 'delimiter', '--delimiter', undefined, 'string'),
  source(
    'data',
    'decimalSeparator',
    '--decimal-separator',
    undefined,
    'string',
  ),
  source('data', 'header', '--header', undefined, 'boolean'),
  source('data', 'labelColumn', '--label-column', undefined, 'string'),
  source('data', 'labels', '--labels', undefined, 'string'),
  source('preprocessing', 'scaling', '--scaling', 'FIXCLUST_SCALING', 'string'),
  source('preprocessing', 'pca', '--pca', 'FIXCLUST_PCA', 'integer'),
  source('model', 'preset', '--preset', 'FIXCLUST_PRESET', 'string'),
  source('model', 'nClusters', '--clusters', 'FIXCLUST_CLUSTERS', 'integer'),
  source('model', 'lambda', '--lambda', 'FIXCLUST_LAMBDA', 'number'),
  source('model', 'network', '--network', 'FIXCLUST_NETWORK', 'string'),
  source('model', 'representatives', '--representatives', undefined, 'string'),
  source('model', 'dimension', '--dimension', undefined, 'integer'),
  {
    ...source('model', 'representativeOptions', '--representative-option'),
    option: 'representativeOption',
  },
  source('training', 'nRuns', '--runs', 'FIXCLUST_RUNS', 'integer'),
  source('training', 'epochs', '--epochs', 'FIXCLUST_EPOCHS', 'integer'),
  source(
    'training',
    'batchSize',
    '--batch-size',
    'FIXCLUST_BATCH_SIZE',
    'integer',
  ),
  source(
    'training',
    'learningRate',
    '--learning-rate',
    'FIXCLUST_LEARNING_RATE',
    'number',
  ),
  source(
    'training',
    'optimizer',
    '--optimizer',
    'FIXCLUST_OPTIMIZER',
    'string',
  ),
  source('training', 'seed', '--seed', 'FIXCLUST_SEED', 'integer'),
  source('training', 'backend', '--backend', 'FIXCLUST_BACKEND', 'string'),
  {
    ...source('training', 'shareOptimizerState', '--share-optimizer'),
    option: 'shareOptimizer',
  },
  source('output', 'out', '--out', 'FIXCLUST_OUT', 'string'),
  source('output', 'quiet', '--quiet', 'FIXCLUST_QUIET', 'boolean'),
];

/** The environment variables of {@link SETTING_SOURCES}, in order. */
export const ENVIRONMENT_VARIABLES = SETTING_SOURCES.flatMap((s) =>
  s.environment === undefined ? [] : [s.environment],
);

function source(
  section: SectionName,
  field: string,
  flag: string,
  environment?: string,
  type: TextType = 'string',
): SettingSource {
  const option = flag
    .slice(2)
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return {
    section,
    field,
    option,
    flag,
    type,
    ...(environment && { environment }),
  };
}

/**
 * Collects the settings that parsed command flags give. Flags left unset
 * are absent, so they let the other sources through.
 */
export function settingsFromFlags(
  flags: Readonly<Record<string, unknown>>,
): ExperimentSettings {
  const settings: Record<string, Record<string, unknown>> = {};
  for (const entry of SETTING_SOURCES) {
    const value = flags[entry.option];
    if (value === undefined) continue;
    const section = (settings[entry.section] ??= {});
    section[entry.field] = value;
  }
  const plugins = flags['plugin'];
  const result = settings as ExperimentSettings;
  if (Array.isArray(plugins) && plugins.length > 0) {
    result.plugins = plugins as string[];
  }
  return result;
}

/**
 * Collects the settings that `FIXCLUST_*` environment variables give;
 * empty variables count as unset.
 *
 * @throws InvalidParameterError naming the variable when its text is not
 * of the setting's type.
 */
export function settingsFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): ExperimentSettings {
  const settings: Record<string, Record<string, unknown>> = {};
  for (const entry of SETTING_SOURCES) {
    if (entry.environment === undefined) continue;
    const text = environment[entry.environment]?.trim();
    if (text === undefined || text === '') continue;
    const section = (settings[entry.section] ??= {});
    section[entry.field] = parseText(entry.environment, text, entry.type);
  }
  return settings as ExperimentSettings;
}

function parseText(name: string, text: string, type: TextType): unknown {
  if (type === 'string') return text;
  if (type === 'boolean') {
    if (['true', '1'].includes(text)) return true;
    if (['false', '0'].includes(text)) return false;
  } else {
    const value = Number(text);
    const valid =
      type === 'integer'
        ? /^-?\d+$/.test(text) && Number.isSafeInteger(value)
        : Number.isFinite(value);
    if (valid) return value;
  }
  // Integer text beyond what a double represents exactly gets the bound,
  // since "must be an integer" would contradict it.
  const oversized = type === 'integer' && /^-?\d+$/.test(text);
  const expected = {
    boolean: 'true, false, 1 or 0',
    integer: oversized
      ? `an integer of at most ${Number.MAX_SAFE_INTEGER} in magnitude`
      : 'an integer',
    number: 'a finite number',
  }[type];
  throw new InvalidParameterError(
    name,
    text,
    `environment variable ${name} must be ${expected}, got "${text}"`,
  );
}
