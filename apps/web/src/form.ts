import { InvalidParameterError } from '@fixclust/core';

import {
  BACKEND_NAMES,
  PRESET_NAMES,
  type TrainingSettings,
} from './protocol.js';

/** The training form's fields as text, as the inputs hold them. */
export interface SettingsFields {
  preset: string;
  clusters: string;
  epochs: string;
  runs: string;
  seed: string;
  /** Empty for the model's default. */
  batchSize: string;
  /** Empty for the model's default. */
  learningRate: string;
  backend: string;
}

/**
 * Reads the form's fields into training settings. Only the syntax is
 * checked here; the model checks the ranges when the worker builds it.
 *
 * @throws InvalidParameterError naming the field for an unknown preset or
 * backend, a count that is not a whole number, or a learning rate that is
 * not a number.
 */
export function readSettings(fields: SettingsFields): TrainingSettings {
  const settings: TrainingSettings = {
    preset: readChoice('preset', fields.preset, PRESET_NAMES),
    nClusters: readInteger('clusters', fields.clusters),
    epochs: readInteger('epochs', fields.epochs),
    nRuns: readInteger('runs', fields.runs),
    seed: readInteger('seed', fields.seed),
    backend: readChoice('backend', fields.backend, BACKEND_NAMES),
  };
  if (fields.batchSize.trim() !== '') {
    settings.batchSize = readInteger('batch size', fields.batchSize);
  }
  if (fields.learningRate.trim() !== '') {
    settings.learningRate = readNumber('learning rate', fields.learningRate);
  }
  return settings;
}

function readChoice<T extends string>(
  field: string,
  text: string,
  choices: readonly T[],
): T {
  const choice = choices.find((c) => c === text);
  if (choice === undefined) {
    throw new InvalidParameterError(
      field,
      text,
      `${field} must be one of ${choices.join(', ')}, got "${text}"`,
    );
  }
  return choice;
}

function readInteger(field: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) {
    throw new InvalidParameterError(
      field,
      text,
      `${field} must be a whole number such as 3, got "${text}"`,
    );
  }
  return Number(text);
}

function readNumber(field: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new InvalidParameterError(
      field,
      text,
      `${field} must be a number such as 0.001, got "${text}"`,
    );
  }
  return value;
}
