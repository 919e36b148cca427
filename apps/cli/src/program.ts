import { createRequire } from 'node:module';

import { FixclustError, MAX_SEED } from '@fixclust/core';
import { DATASET_NAMES } from '@fixclust/datasets';
import { Command, CommanderError } from 'commander';

import {
  benchCellCommand,
  benchCommand,
  type BenchCommandOptions,
} from './bench/command.js';
import { BENCH_METHODS } from './bench/types.js';
import { backendsCommand, versionText } from './backends-command.js';
import { processOutput, type Output } from './output.js';
import {
  predictCommand,
  type PredictCommandOptions,
} from './predict-command.js';
import {
  collectNonEmptyText,
  integerParser,
  nonEmptyText,
} from './arguments.js';
import { reportCommand, type ReportCommandOptions } from './report-command.js';
import { addRunCommand } from './run-program.js';
import { addSweepCommands } from './sweep/program.js';
import { useFixclustUsageErrors } from './usage-errors.js';

const { version } = createRequire(import.meta.url)('../package.json') as {
  version: string;
};

/** Exit status for invalid options and input data. */
const USAGE_ERROR = 2;

/**
 * Runs the CLI with `argv` (as in `process.argv`) and returns the exit
 * status: 0 on success, 1 when a computation fails, 2 for invalid options
 * or data, 130 when training was interrupted. `environment` is where
 * `fixclust run` reads its `FIXCLUST_*` settings; default: `process.env`.
 */
export async function main(
  argv: readonly string[],
  output: Output = processOutput,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let status = 0;
  const program = buildProgram(
    argv,
    output,
    (code) => (status = code),
    environment,
  );
  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    const debug = argv.includes('--debug');
    return reportError(error, output, debug);
  }
}

function buildProgram(
  argv: readonly string[],
  output: Output,
  setStatus: (code: number) => void,
  environment: Readonly<Record<string, string | undefined>>,
): Command {
  const program = new Command('fixclust')
    .description(
      'Deep clustering with fixed representatives and variable features.',
    )
    .version(versionText(version))
    .option('--debug', 'print the stack trace of any error')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.log(text.trimEnd()),
      writeErr: (text) => output.error(text.trimEnd()),
      // reportError prints parse errors in fixclust's form instead.
      outputError: () => undefined,
    });

  addRunCommand(program, output, setStatus, environment);
  program
    .command('report')
    .description(
      'write report.html for a folder that run --out wrote: metrics, warnings, settings and charts in one self-contained page',
    )
    .argument(
      '<dir>',
      'folder that run --out wrote',
      nonEmptyText('the folder that fixclust run --out wrote'),
    )
    .option(
      '--out <file>',
      'write the page here (default: DIR/report.html)',
      nonEmptyText('the path of the HTML file to write'),
    )
    .action(async (directory: string, options: ReportCommandOptions) => {
      setStatus(await reportCommand(directory, options, output));
    });
  program
    .command('backends')
    .description(
      'list the compute backends, whether each starts here, and why not',
    )
    .action(async () => {
      setStatus(await backendsCommand(output));
    });

  program
    .command('bench')
    .description(
      'compare the deep presets with random labels, k-means and Gaussian mixtures',
    )
    .option(
      '--datasets <list>',
      'comma-separated data sets (default: mnist,usps)',
    )
    .option(
      '--methods <list>',
      `comma-separated methods: ${BENCH_METHODS.join(', ')} (default: all)`,
    )
    .option(
      '--backends <list>',
      'comma-separated backends: native, webgpu, wasm, cpu (default: FIXCLUST_BACKEND when set, else the first that starts)',
    )
    .option('--seeds <list>', 'comma-separated seeds (default: 1)')
    .option(
      '--pca <n>',
      'principal components of the PCA rows; 0 for none (default: 100)',
      integerParser(0),
    )
    .option('--no-raw', 'skip the rows on raw features')
    .option(
      '--runs <n>',
      "runs of each deep preset (default: the preset's own, 10 for the published ones)",
      integerParser(1),
    )
    .option(
      '--epochs <n>',
      "epochs of each run (default: the preset's own, 10)",
      integerParser(1),
    )
    .option(
      '--n-init <n>',
      'restarts of k-means and the mixture (default: 10)',
      integerParser(1),
    )
    .option(
      '--limit <n>',
      'cluster a seeded sample of n rows per data set',
      integerParser(1),
    )
    .option(
      '--silhouette-sample <n>',
      'rows of the silhouette sample (default: 2000)',
      integerParser(1),
    )
    .option(
      '--data-dir <dir>',
      'folder holding usps/usps.h5 and 20news/20news-bydate.tar.gz (default: FIXCLUST_DATA); MNIST needs none, and 20 Newsgroups without either is downloaded into a cache',
      nonEmptyText(
        'the folder that holds usps/usps.h5 and 20news/20news-bydate.tar.gz',
      ),
    )
    .option(
      '--out <dir>',
      'folder for benchmarks.md, .json, .csv and .html',
      nonEmptyText('the folder to write the tables into'),
      'bench-results',
    )
    .option(
      '--quick',
      'a small grid on 2,000 USPS rows that finishes in a minute or two; other flags given with it override its settings',
    )
    .option(
      '--workers <n>',
      'cells that run at the same time, each in its own process; timings are comparable only with 1 (default: 1)',
      integerParser(1),
    )
    .action(async (options: BenchCommandOptions) => {
      setStatus(await benchCommand(options, argv, output));
    });

  program
    .command('bench-cell <json>', { hidden: true })
    .description('run one benchmark cell (used by bench and worker)')
    .option('--model-dir <dir>', "save a deep preset's model into this folder")
    .action(async (json: string, options: { modelDir?: string }) => {
      setStatus(await benchCellCommand(json, output, options.modelDir));
    });

  addSweepCommands(program, argv, output, setStatus);

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
        'folder of a saved model (run --out DIR writes DIR/model) or of a saved baseline',
        nonEmptyText(
          'the folder of a saved model (run --out DIR writes DIR/model)',
        ),
      )
      .option(
        '--dataset <name|file>',
        `data set to read: ${DATASET_NAMES.join(', ')}, or a CSV or NPY file`,
        nonEmptyText(
          'the name of a bundled data set or the path of a CSV or NPY file',
        ),
        'mnist',
      )
      .option(
        '--data <path>',
        'file or folder of a named data set',
        nonEmptyText('the file or folder of a bundled data set'),
      )
      .option('--delimiter <char>', 'CSV field delimiter (default: detected)')
      .option(
        '--decimal-separator <char>',
        "decimal separator of the CSV numbers, '.' or ',' (default: '.')",
      )
      .option('--header', 'the CSV file has a header row (default: detected)')
      .option('--no-header', 'the CSV file has no header row')
      .option(
        '--label-column <name|n>',
        'CSV column of the labels, by name or 1-based index; left out of the features',
      )
      .option(
        '--labels <file>',
        'NPY file of labels for an NPY data file',
        nonEmptyText('the path of an NPY file of labels'),
      )
      .option(
        '--out <file>',
        'write CSV to this file instead of stdout',
        nonEmptyText(
          'the path of the CSV file to write, or leave out --out to print to stdout',
        ),
      )
      .option(
        '--limit <n>',
        'use the seeded sample of n rows that run --limit n --seed s used',
        integerParser(1),
      )
      .option(
        '--seed <n>',
        'seed of the --limit sample (default: 0)',
        integerParser(0, MAX_SEED),
      )
      .option(
        '--backend <name>',
        'compute backend (default: the first that starts)',
      )
      .option(
        '--plugin <module>',
        'import this module or file and call its register() first; repeatable',
        collectNonEmptyText('a package name or the path of a module'),
        [],
      );
    if (mode === 'predict') {
      command
        .option('--proba', 'add per-cluster probabilities (gmm and cmm models)')
        .option(
          '--stream',
          'read the CSV or NPY file in blocks of rows instead of loading it whole, as run --stream does (saved deep models, labels only)',
        );
    }
    command.action(async (options: PredictCommandOptions) => {
      setStatus(await predictCommand(mode, options, output));
    });
  }
  useFixclustUsageErrors(program, argv);
  return program;
}

/** The CLI flag that sets each model or loader parameter. */
const PARAMETER_FLAGS: Record<string, string> = {
  nClusters: '--clusters',
  nRuns: '--runs',
  epochs: '--epochs',
  lambda: '--lambda',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  seed: '--seed',
  path: '--data',
  n: '--limit',
  scaling: '--scaling',
  pca: '--pca',
  network: '--network',
  optimizer: '--optimizer',
  blockSize: '--block-size',
  blocksPerShuffle: '--blocks-per-shuffle',
  labelsPath: '--labels',
  labelColumn: '--label-column',
  decimalSeparator: '--decimal-separator',
  delimiter: '--delimiter',
};

/**
 * The CSV readers' advice names their options; on the command line the
 * same settings are flags.
 */
const OPTION_ADVICE: readonly [RegExp, string][] = [
  [/pass decimalSeparator: ('[^']*')/g, 'pass --decimal-separator $1'],
  [/pass header: true/g, 'pass --header'],
  [/pass delimiter: ("[^"]*")/g, 'pass --delimiter $1'],
  [
    /install and register the package that provides it before loading/g,
    'install the package that provides it and pass it with --plugin MODULE',
  ],
];

/** Rewrites a library message's advice in terms of fixclust's flags. */
function inFlags(message: string): string {
  return OPTION_ADVICE.reduce(
    (text, [pattern, flag]) => text.replace(pattern, flag),
    message,
  );
}

/**
 * Names the flag behind a library parameter error, when there is one and
 * the message does not already name the flag or an experiment file's
 * field, the value's source.
 */
function flagHint(error: FixclustError): string {
  const parameter = (error as { parameter?: unknown }).parameter;
  const flag =
    typeof parameter === 'string' ? PARAMETER_FLAGS[parameter] : undefined;
  if (flag === undefined || error.message.includes(flag)) return '';
  if (error.message.includes('field "')) return '';
  const defaults =
    flag === '--clusters'
      ? '; it defaults to the number of classes'
      : flag === '--pca'
        ? '; --pca 0 means none'
        : '';
  return ` (set with ${flag}${defaults})`;
}

function reportError(error: unknown, output: Output, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version have printed their text and exit 0.
    if (error.exitCode === 0) return 0;
    output.error(`fixclust: ${error.message}`);
    return USAGE_ERROR;
  }
  if (FixclustError.isInstance(error)) {
    output.error(`fixclust: ${inFlags(error.message)}${flagHint(error)}`);
    if (debug && error.stack !== undefined) output.error(error.stack);
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
