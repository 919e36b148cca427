import type { Command } from 'commander';

import { integerParser, nonEmptyText } from '../arguments.js';
import type { Output } from '../output.js';
import { sweepCommand, type SweepCommandOptions } from './sweep-command.js';
import { workerCommand, type WorkerCommandOptions } from './worker-command.js';

/** Adds `fixclust sweep` and `fixclust worker` to `program`. */
export function addSweepCommands(
  program: Command,
  argv: readonly string[],
  output: Output,
  setStatus: (code: number) => void,
): void {
  program
    .command('sweep')
    .description(
      'queue a benchmark grid as BullMQ jobs on Redis, or collect its results',
    )
    .requiredOption('--redis <url>', 'Redis server, such as redis://host:6379')
    .option(
      '--grid <file>',
      'grid file (JSON, or YAML for .yaml and .yml): datasets, methods, seeds, pca, backends and shared settings',
      nonEmptyText('the path of a JSON or YAML grid file'),
    )
    .option('--collect', 'write the stored results as a benchmark table')
    .option('--queue <name>', 'BullMQ queue name (default: fixclust-sweep)')
    .option(
      '--attempts <n>',
      'tries per cell, the first included (default: 3)',
      integerParser(1),
    )
    .option(
      '--backoff <ms>',
      'milliseconds before the second try of a failed cell, doubled for each later try; 0 for none (default: 10000)',
      integerParser(0),
    )
    .option(
      '--out <dir>',
      'folder for benchmarks.md, .json, .csv and .html with --collect (default: sweep-results)',
      nonEmptyText('the folder to write the tables into'),
    )
    .action(async (options: SweepCommandOptions) => {
      setStatus(await sweepCommand(options, argv, output));
    });

  program
    .command('worker')
    .description(
      'run the cells of a sweep queued on Redis until SIGINT or SIGTERM',
    )
    .requiredOption('--redis <url>', 'Redis server, such as redis://host:6379')
    .option('--queue <name>', 'BullMQ queue name (default: fixclust-sweep)')
    .option(
      '--concurrency <n>',
      'cells run at the same time, each in its own process (default: 1)',
      integerParser(1),
    )
    .option(
      '--models <dir>',
      "folder of the deep presets' saved models (default: sweep-models)",
      nonEmptyText('the folder to save the models into'),
    )
    .option(
      '--lock-duration <ms>',
      "milliseconds a job stays locked to this worker without renewal; a lost worker's job moves on after that (default: 30000)",
      integerParser(100),
    )
    .option(
      '--stalled-interval <ms>',
      'milliseconds between checks for the jobs of lost workers (default: 30000)',
      integerParser(100),
    )
    .action(async (options: WorkerCommandOptions) => {
      setStatus(await workerCommand(options, output));
    });
}
