// Packs every publishable workspace package with `pnpm pack`, checks the
// tarballs, installs them together into an empty project outside the
// workspace (third-party packages from the registry), then runs each
// package README's example there and the `fixclust` command on a small
// CSV file. Expects the packages to be built. Exits 1 on the first failure.
//
// Usage: node tools/pack-check/check.mjs [--keep] [--allow-missing-addon]
//   --keep                 keep the temporary folder and print its path
//   --allow-missing-addon  do not fail when the native addon did not build
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readReadmeExample } from './readme-example.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PNPM = ['-y', 'pnpm@10.34.8'];
const EXAMPLE_TIMEOUT_MS = 120_000;
const keep = process.argv.includes('--keep');
const allowMissingAddon = process.argv.includes('--allow-missing-addon');

/**
 * Runs a command and returns its output. When the command fails, prints its
 * output and exits.
 */
function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit status ${result.status}`;
    fail(
      `${command} ${args.join(' ')} failed (${why}) after ${seconds} s:\n` +
        `${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr, seconds };
}

function fail(message) {
  console.error(`pack-check: ${message}`);
  process.exit(1);
}

function log(message) {
  console.log(`pack-check: ${message}`);
}

/** Workspace packages that are published: every non-private one. */
function publishablePackages() {
  const folders = ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(root, parent)).map((name) => join(root, parent, name)),
  );
  return folders
    .filter((folder) => existsSync(join(folder, 'package.json')))
    .map((folder) => ({
      folder,
      manifest: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

function packAll(packages, destination) {
  const filters = packages.flatMap(({ folder }) => [
    '--filter',
    `./${folder.slice(root.length + 1)}`,
  ]);
  const { seconds } = run(
    'npx',
    [...PNPM, '-r', ...filters, 'pack', '--pack-destination', destination],
    { cwd: root },
  );
  log(`packed ${packages.length} packages in ${seconds} s`);
  return Object.fromEntries(
    packages.map(({ manifest }) => {
      const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
      const tarball = join(destination, file);
      if (!existsSync(tarball)) fail(`pnpm pack wrote no ${tarball}`);
      return [manifest.name, tarball];
    }),
  );
}

function tarballFiles(tarball) {
  const { stdout } = run('tar', ['-tzf', tarball]);
  return new Set(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^package\//, '')),
  );
}

function tarballManifest(tarball) {
  const { stdout } = run('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout);
}

/** Paths a manifest points at: exports (every condition), main, types, bin. */
function manifestTargets(manifest) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(manifest.exports);
  walk(manifest.bin);
  walk(manifest.browser);
  if (manifest.main) targets.push(manifest.main);
  if (manifest.types) targets.push(manifest.types);
  return targets.map((target) => target.replace(/^\.\//, ''));
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];

/** Lists the problems of one tarball, none when it is sound. */
function tarballProblems(name, tarball, versions) {
  const files = tarballFiles(tarball);
  const manifest = tarballManifest(tarball);
  const problems = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) {
        problems.push(`${field}.${dependency} is still "${range}"`);
      } else if (
        dependency in versions &&
        range !== `^${versions[dependency]}`
      ) {
        problems.push(
          `${field}.${dependency} is "${range}", not ^${versions[dependency]}`,
        );
      }
    }
  }
  for (const target of manifestTargets(manifest)) {
    if (!files.has(target)) problems.push(`points at ${target}, not packed`);
  }
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!files.has(required)) problems.push(`has no ${required}`);
  }
  for (const file of files) {
    if (/\.test\.[cm]?[jt]s$|(^|\/)test-(support|fixtures)\b/.test(file)) {
      problems.push(`packs the test file ${file}`);
    }
  }
  for (const field of ['license', 'description', 'engines', 'files']) {
    if (manifest[field] === undefined) problems.push(`has no "${field}"`);
  }
  if (manifest.sideEffects === undefined) problems.push('has no "sideEffects"');
  return problems.map((problem) => `${name} (${tarball}): ${problem}`);
}

function checkTarballs(tarballs, packages) {
  const versions = Object.fromEntries(
    packages.map(({ manifest }) => [manifest.name, manifest.version]),
  );
  const problems = Object.entries(tarballs).flatMap(([name, tarball]) =>
    tarballProblems(name, tarball, versions),
  );
  if (problems.length > 0) fail(`tarball problems:\n${problems.join('\n')}`);
  log(
    'every tarball has its exports, README and LICENSE, and no workspace: range',
  );
}

/**
 * Fails unless one `fixed` group of .changeset/config.json contains every
 * published package that depends on a TensorFlow.js package, so that they
 * are always released under one version.
 */
function checkFixedGroup(packages) {
  const config = JSON.parse(
    readFileSync(join(root, '.changeset/config.json'), 'utf8'),
  );
  const tfjsDependents = packages
    .filter(({ manifest }) =>
      Object.keys({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
      }).some((name) => name.startsWith('@tensorflow/')),
    )
    .map(({ manifest }) => manifest.name);
  const covered = config.fixed.some((group) =>
    tfjsDependents.every((name) => group.includes(name)),
  );
  if (!covered) {
    fail(
      `no "fixed" group in .changeset/config.json contains all of ` +
        `${tfjsDependents.join(', ')}, the packages that depend on ` +
        `TensorFlow.js; list them in one group`,
    );
  }
  log(`one changesets "fixed" group contains ${tfjsDependents.join(', ')}`);
}

/**
 * Writes the consumer project: every tarball a dependency, and overrides so
 * that the packages' dependencies on each other resolve to the tarballs.
 */
function writeConsumer(folder, tarballs) {
  const files = Object.fromEntries(
    Object.entries(tarballs).map(([name, tarball]) => [
      name,
      `file:${tarball}`,
    ]),
  );
  const manifest = {
    name: 'fixclust-pack-check',
    private: true,
    type: 'module',
    dependencies: files,
    pnpm: {
      overrides: files,
      // pnpm 10 runs no dependency's install script unless allowed; a
      // package from a tarball is allowed by its dependency path.
      onlyBuiltDependencies: [
        `@fixclust/backend-native@file:../tarballs/${basename(
          tarballs['@fixclust/backend-native'],
        )}`,
      ],
    },
  };
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
}

function installConsumer(folder) {
  // Without the side-effects cache the addon is built by this install, not
  // taken from an earlier one in the store.
  const args = ['install', '--config.side-effects-cache=false'];
  const { stdout, seconds } = run('npx', [...PNPM, ...args], {
    cwd: folder,
    env: { ...process.env, CI: 'true' },
  });
  const addonLine = stdout
    .split('\n')
    .find((line) => line.includes('@fixclust/backend-native:'));
  log(`installed the tarballs in ${seconds} s`);
  if (addonLine !== undefined) log(`install printed: ${addonLine.trim()}`);
}

/** Fails unless the native addon was built by the package's install. */
function checkNativeAddon(folder) {
  const packageFolder = join(folder, 'node_modules/@fixclust/backend-native');
  const statusPath = join(packageFolder, 'build/addon-status.json');
  if (!existsSync(statusPath)) {
    fail(
      `the install script of @fixclust/backend-native wrote no ${statusPath}`,
    );
  }
  const status = JSON.parse(readFileSync(statusPath, 'utf8'));
  if (status.built) {
    log('@fixclust/backend-native built its addon on install');
  } else if (allowMissingAddon) {
    log(`@fixclust/backend-native did not build its addon: ${status.reason}`);
  } else {
    fail(
      `@fixclust/backend-native did not build its addon on install: ` +
        `${status.reason}; install libopenblas-dev, g++, make and python3, ` +
        `or pass --allow-missing-addon`,
    );
  }
}

/**
 * Runs a README's example in the consumer project and compares its standard
 * output with the documented output, when the README gives one.
 */
function runExample(folder, { manifest, folder: packageFolder }) {
  const readme = join(packageFolder, 'README.md');
  const { code, expectedOutput } = readReadmeExample(readme);
  const slug = manifest.name.replace('@fixclust/', '');
  const file = join(folder, 'examples', `${slug}.mjs`);
  mkdirSync(join(folder, 'examples'), { recursive: true });
  writeFileSync(file, code);

  const env = { ...process.env };
  delete env.FIXCLUST_BACKEND;
  delete env.NODE_OPTIONS;
  const { stdout, seconds } = run(process.execPath, [file], {
    cwd: folder,
    env,
    timeout: EXAMPLE_TIMEOUT_MS,
  });
  if (expectedOutput !== undefined && stdout !== expectedOutput) {
    fail(
      `the example of ${readme} printed\n${stdout}\ninstead of the ` +
        `documented output\n${expectedOutput}`,
    );
  }
  const compared = expectedOutput === undefined ? '' : ', output as documented';
  log(`example of ${manifest.name}: ran in ${seconds} s${compared}`);
}

/** Runs the installed `fixclust` command on a small CSV file. */
function runCli(folder) {
  const rows = ['x,y,class'];
  for (let i = 0; i < 60; i++) {
    const cluster = i % 3;
    const angle = (2 * Math.PI * cluster) / 3;
    const jitter = ((i * 7919) % 13) / 40 - 0.15;
    const x = (2 * Math.cos(angle) + jitter).toFixed(3);
    const y = (2 * Math.sin(angle) - jitter).toFixed(3);
    rows.push(`${x},${y},c${cluster}`);
  }
  writeFileSync(join(folder, 'points.csv'), `${rows.join('\n')}\n`);
  const bin = join(folder, 'node_modules/.bin/fixclust');
  const args = [
    'run',
    '--dataset',
    'points.csv',
    '--label-column',
    'class',
    '--runs',
    '1',
    '--epochs',
    '2',
    '--seed',
    '1',
    '--backend',
    'wasm',
    '--quiet',
  ];
  run(bin, ['--help'], { cwd: folder });
  const { stdout, seconds } = run(bin, args, { cwd: folder });
  if (!/\bari\b/i.test(stdout))
    fail(`fixclust run printed no metrics:\n${stdout}`);
  log(`fixclust ${args.join(' ')}: ran in ${seconds} s`);
}

function main() {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'fixclust-pack-'));
  const packages = publishablePackages();
  const tarballs = packAll(packages, join(work, 'tarballs'));
  checkTarballs(tarballs, packages);
  checkFixedGroup(packages);

  const consumer = join(work, 'consumer');
  writeConsumer(consumer, tarballs);
  installConsumer(consumer);
  checkNativeAddon(consumer);

  for (const entry of packages) {
    if (entry.manifest.name.startsWith('@fixclust/'))
      runExample(consumer, entry);
  }
  runCli(consumer);

  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`${packages.length} packages packed, installed and run in ${seconds} s`);
}

main();
