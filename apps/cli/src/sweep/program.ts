import type { Command } from 'commander';

import { parseInteger } from '../arguments.js';
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
    )
    .option('--collect', 'write the stored results as a benchmark table')
    .option('--queue <name>', 'BullMQ queue name (default: fixclust-sweep)')
    .option(
      '--attempts <n>',
      'tries per cell, the first included (default: 3)',
      parseInteger,
    )
    .option(
      '--backoff <ms>',
      'milliseconds before the second try of a failed cell, doubled for each later try; 0 for none (default: 10000)',
      parseInteger,
    )
    .option(
      '--out <dir>',
      'folder for benchmarks.md, .json, .csv and .html with --collect (default: sweep-results)',
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
      parseInteger,
    )
    .option(
      '--models <dir>',
      "folder of the deep presets' saved models (default: sweep-models)",
    )
    .option(
      '--lock-duration <ms>',
      "milliseconds a job stays locked to this worker without renewal; a lost worker's job moves on after that (default: 30000)",
      parseInteger,
    )
    .option(
      '--stalled-interval <ms>',
      'milliseconds between checks for the jobs of lost workers (default: 30000)',
      parseInteger,
    )
    .action(async (options: WorkerCommandOptions) => {
      setStatus(await workerCommand(options, output));
    });
}
