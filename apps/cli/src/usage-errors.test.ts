import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { main } from './program.js';
import { captureOutput } from './test-output.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../bin/fixclust.js',
);
const run = promisify(execFile);

/** Runs the CLI in this process with `args` after the program name. */
async function fixclust(...args: string[]) {
  const output = captureOutput();
  const status = await main(['node', 'fixclust', ...args], output, {});
  return { status, output };
}

describe('commander errors in fixclust form', () => {
  it.each([
    // Values that a flag's parser rejects.
    [['run', '--runs', 'abc'], '--runs must be an integer, got "abc"'],
    [
      ['run', '--dataset', 'usps', '--dimension', '2.5'],
      '--dimension must be an integer, got "2.5"',
    ],
    [['run', '--lambda', 'abc'], '--lambda must be a finite number, got "abc"'],
    [
      ['run', '--representative-option', 'radius'],
      '--representative-option must be key=value, got "radius"',
    ],
    [['bench', '--workers', 'x'], '--workers must be an integer, got "x"'],
    [['bench', '--pca', '1.5'], '--pca must be an integer, got "1.5"'],
    [
      ['sweep', '--redis', 'redis://127.0.0.1:1', '--attempts', 'many'],
      '--attempts must be an integer, got "many"',
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--concurrency', 'two'],
      '--concurrency must be an integer, got "two"',
    ],
    [
      ['predict', '--model', 'model', '--limit', 'x'],
      '--limit must be an integer, got "x"',
    ],
    [
      ['transform', '--model', 'model', '--seed', '-'],
      '--seed must be an integer, got "-"',
    ],
    // Values outside an option's choices.
    [
      ['run', '--preset', 'km2'],
      '--preset must be one of km1, km50, gmm1, cmm1, km-plus, km-plus-text, got "km2"',
    ],
    [
      ['run', '--optimizer', 'lbfgs'],
      '--optimizer must be one of adam, sgd, got "lbfgs"',
    ],
    // Unknown options, with commander's suggestion where it has one.
    [
      ['run', '--datset', 'usps'],
      'unknown option "--datset" for fixclust run (Did you mean --dataset?)',
    ],
    [
      ['run', '--quiet=1'],
      'unknown option "--quiet=1" for fixclust run (Did you mean --quiet?)',
    ],
    [
      ['bench', '--datsets', 'usps'],
      'unknown option "--datsets" for fixclust bench (Did you mean --datasets?)',
    ],
    [
      ['sweep', '--redis', 'redis://127.0.0.1:1', '--colect'],
      'unknown option "--colect" for fixclust sweep (Did you mean --collect?)',
    ],
    [
      ['transform', '--model', 'model', '--proba'],
      'unknown option "--proba" for fixclust transform (see fixclust transform --help)',
    ],
    [
      ['report', '--bogus', 'folder'],
      'unknown option "--bogus" for fixclust report (see fixclust report --help)',
    ],
    [['--nope'], 'unknown option "--nope" for fixclust (see fixclust --help)'],
    // Flags without their value.
    [
      ['run', '--dataset'],
      'missing value for --dataset, expected --dataset <name or file>',
    ],
    [['bench', '--out'], 'missing value for --out, expected --out <dir>'],
    [
      ['worker', '--redis'],
      'missing value for --redis, expected --redis <url>',
    ],
    [
      ['bench-cell', '{}', '--model-dir'],
      'missing value for --model-dir, expected --model-dir <dir>',
    ],
    // Required options and arguments.
    [['sweep'], 'missing required option --redis <url> for fixclust sweep'],
    [['worker'], 'missing required option --redis <url> for fixclust worker'],
    [['predict'], 'missing required option --model <dir> for fixclust predict'],
    [
      ['transform'],
      'missing required option --model <dir> for fixclust transform',
    ],
    [['report'], 'missing required argument <dir> for fixclust report'],
    [
      ['bench-cell'],
      'missing required argument <json> for fixclust bench-cell',
    ],
    // Extra arguments.
    [
      ['report', 'a', 'b'],
      'too many arguments for fixclust report, expected <dir>, got "a", "b"',
    ],
    [
      ['run', 'usps'],
      'too many arguments for fixclust run, expected none, got "usps"',
    ],
    [
      ['backends', 'cpu'],
      'too many arguments for fixclust backends, expected none, got "cpu"',
    ],
    // Unknown commands.
    [['runn'], 'unknown command "runn" (Did you mean run?)'],
    [['xyzzy'], 'unknown command "xyzzy" (see fixclust --help)'],
  ])('rejects %j', async (args, message) => {
    const { status, output } = await fixclust(...args);
    expect(output.stderr).toEqual([`fixclust: ${message}`]);
    expect(output.stdout).toEqual([]);
    expect(status).toBe(2);
  });

  it('ends the help with a missing command', async () => {
    const { status, output } = await fixclust();
    expect(output.stderr[0]).toMatch(/^Usage: fixclust /);
    expect(output.stderr.at(-1)).toBe(
      'fixclust: missing command, expected one of run, report, backends, ' +
        'bench, sweep, worker, predict, transform, help',
    );
    expect(status).toBe(2);
  });

  it('ends the help with an unknown help topic', async () => {
    const { status, output } = await fixclust('help', 'fit');
    expect(output.stderr[0]).toMatch(/^Usage: fixclust /);
    expect(output.stderr.at(-1)).toBe(
      'fixclust: unknown command "fit" (see fixclust --help)',
    );
    expect(status).toBe(2);
  });

  it('adds the stack trace with --debug', async () => {
    const { status, output } = await fixclust(
      '--debug',
      'run',
      '--runs',
      'abc',
    );
    expect(output.stderr[0]).toBe(
      'fixclust: --runs must be an integer, got "abc"',
    );
    expect(output.stderr.join('\n')).toMatch(/\n\s+at /);
    expect(status).toBe(2);
  });
});

describe('empty paths and names', () => {
  const model = 'the folder of a saved model (run --out DIR writes DIR/model)';
  it.each([
    [
      ['report', ''],
      '<dir> must not be empty, got ""; pass the folder that fixclust run --out wrote',
    ],
    [
      ['report', 'folder', '--out', ''],
      '--out must not be empty, got ""; pass the path of the HTML file to write',
    ],
    [
      ['predict', '--model='],
      `--model must not be empty, got ""; pass ${model}`,
    ],
    [
      ['transform', '--model', ''],
      `--model must not be empty, got ""; pass ${model}`,
    ],
    [
      ['predict', '--model', 'm', '--dataset', ''],
      '--dataset must not be empty, got ""; pass the name of a bundled data set or the path of a CSV or NPY file',
    ],
    [
      ['predict', '--model', 'm', '--data', ''],
      '--data must not be empty, got ""; pass the file or folder of a bundled data set',
    ],
    [
      ['predict', '--model', 'm', '--labels', ''],
      '--labels must not be empty, got ""; pass the path of an NPY file of labels',
    ],
    [
      ['predict', '--model', 'm', '--out', ''],
      '--out must not be empty, got ""; pass the path of the CSV file to write, or leave out --out to print to stdout',
    ],
    [
      ['run', '--dataset', ''],
      '--dataset must not be empty, got ""; pass the name of a bundled data set or the path of a CSV or NPY file',
    ],
    [
      ['run', '--data', ''],
      '--data must not be empty, got ""; pass the file or folder of a bundled data set',
    ],
    [
      ['run', '--labels', ''],
      '--labels must not be empty, got ""; pass the path of an NPY file of labels',
    ],
    [
      ['run', '--out', ''],
      '--out must not be empty, got ""; pass the folder to write the results into',
    ],
    [
      ['predict', '--model', 'm', '--plugin', ''],
      '--plugin must not be empty, got ""; pass a package name or the path of a module',
    ],
    [
      ['run', '--plugin', ''],
      '--plugin must not be empty, got ""; pass a package name or the path of a module',
    ],
    [
      ['run', '--config', ''],
      '--config must not be empty, got ""; pass the path of a JSON or YAML file',
    ],
    [
      ['run', '--report', ''],
      '--report must not be empty, got ""; pass the folder to write report.html into',
    ],
    [
      ['bench', '--out', ''],
      '--out must not be empty, got ""; pass the folder to write the tables into',
    ],
    [
      ['bench', '--data-dir', ''],
      '--data-dir must not be empty, got ""; pass the folder that holds usps/usps.h5 and 20news/20news-bydate.tar.gz',
    ],
    [
      ['sweep', '--redis', 'redis://127.0.0.1:1', '--grid', ''],
      '--grid must not be empty, got ""; pass the path of a JSON or YAML grid file',
    ],
    [
      ['sweep', '--redis', 'redis://127.0.0.1:1', '--out', ''],
      '--out must not be empty, got ""; pass the folder to write the tables into',
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--models', ''],
      '--models must not be empty, got ""; pass the folder to save the models into',
    ],
  ])('rejects %j', async (args, message) => {
    const { status, output } = await fixclust(...args);
    expect(output.stderr).toEqual([`fixclust: ${message}`]);
    expect(output.stdout).toEqual([]);
    expect(status).toBe(2);
  });
});

describe('integers out of range', () => {
  const seedRange = 'must be an integer between 0 and 4294967295';
  const countRange = 'must be an integer between 1 and 9007199254740991';
  it.each([
    [
      ['run', '--seed', '99999999999999999999'],
      `--seed ${seedRange}, got "99999999999999999999"`,
    ],
    [['run', '--seed', '4294967296'], `--seed ${seedRange}, got "4294967296"`],
    [
      ['predict', '--model', 'm', '--seed', '4294967296'],
      `--seed ${seedRange}, got "4294967296"`,
    ],
    [
      ['run', '--runs', '99999999999999999999'],
      `--runs ${countRange}, got "99999999999999999999"`,
    ],
    [
      ['run', '--runs', '-99999999999999999999'],
      `--runs ${countRange}, got "-99999999999999999999"`,
    ],
    [
      ['run', '--batch-size', '9007199254740992'],
      '--batch-size must be an integer between 2 and 9007199254740991, ' +
        'got "9007199254740992"',
    ],
    [
      ['run', '--pca', '9007199254740992'],
      '--pca must be an integer between 0 and 9007199254740991, ' +
        'got "9007199254740992"',
    ],
    [
      ['bench', '--workers', '99999999999999999999'],
      `--workers ${countRange}, got "99999999999999999999"`,
    ],
    [
      ['sweep', '--redis', 'redis://127.0.0.1:1', '--backoff', '1e400'],
      '--backoff must be an integer, got "1e400"',
    ],
    [
      [
        'worker',
        '--redis',
        'redis://127.0.0.1:1',
        '--lock-duration',
        '99999999999999999999',
      ],
      '--lock-duration must be an integer between 100 and 9007199254740991, ' +
        'got "99999999999999999999"',
    ],
  ])('rejects %j', async (args, message) => {
    const { status, output } = await fixclust(...args);
    expect(output.stderr).toEqual([`fixclust: ${message}`]);
    expect(output.stdout).toEqual([]);
    expect(status).toBe(2);
  });
});

describe('help and version', () => {
  it.each([
    [['--help'], /^Usage: fixclust /],
    [['-h'], /^Usage: fixclust /],
    [['help'], /^Usage: fixclust /],
    [['help', 'run'], /^Usage: fixclust run /],
    [['--version'], /^fixclust \d+\.\d+\.\d+$/m],
    [['-V'], /^fixclust \d+\.\d+\.\d+$/m],
    ...[
      'run',
      'report',
      'backends',
      'bench',
      'sweep',
      'worker',
      'predict',
      'transform',
      'bench-cell',
    ].map((command) => [
      [command, '--help'],
      new RegExp(`^Usage: fixclust ${command} `),
    ]),
  ] as [string[], RegExp][])('prints %j and exits 0', async (args, first) => {
    const { status, output } = await fixclust(...args);
    expect(output.stdout[0]).toMatch(first);
    expect(output.stderr).toEqual([]);
    expect(status).toBe(0);
  });
});

describe('help after a usage error', () => {
  it.each([
    [['run', '--help', '--runs', 'x'], /^Usage: fixclust run /],
    [['run', '--runs', 'x', '--help'], /^Usage: fixclust run /],
    [['run', '--preset', 'km2', '-h'], /^Usage: fixclust run /],
    [['bench', '--pca', '1.5', '-h'], /^Usage: fixclust bench /],
    [['sweep', '--help', '--attempts', 'many'], /^Usage: fixclust sweep /],
    [['run', '--help', '--dataset'], /^Usage: fixclust run /],
    [['predict', '-h', '--model'], /^Usage: fixclust predict /],
  ] as [string[], RegExp][])('prints %j and exits 0', async (args, first) => {
    const { status, output } = await fixclust(...args);
    expect(output.stdout[0]).toMatch(first);
    expect(output.stderr).toEqual([]);
    expect(status).toBe(0);
  });

  it('reports the error for --help after --', async () => {
    const { status, output } = await fixclust(
      'run',
      '--runs',
      'x',
      '--',
      '--help',
    );
    expect(output.stderr).toEqual([
      'fixclust: --runs must be an integer, got "x"',
    ]);
    expect(output.stdout).toEqual([]);
    expect(status).toBe(2);
  });
});

describe('fixclust binary on a usage error', () => {
  it('prints one line and exits 2', async () => {
    const failure = run(process.execPath, [
      binary,
      'run',
      '--datset',
      'usps',
    ]).catch((error: unknown) => error);
    const error = (await failure) as {
      code: number;
      stdout: string;
      stderr: string;
    };
    expect(error.stderr).toBe(
      'fixclust: unknown option "--datset" for fixclust run ' +
        '(Did you mean --dataset?)\n',
    );
    expect(error.stdout).toBe('');
    expect(error.code).toBe(2);
  });

  it('prints the version and exits 0', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      binary,
      '--version',
    ]);
    expect(stdout).toMatch(/^fixclust \d+\.\d+\.\d+\n/);
    expect(stderr).toBe('');
  });
});
