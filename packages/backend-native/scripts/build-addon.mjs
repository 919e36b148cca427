// Builds the native addon with node-gyp. A missing toolchain or OpenBLAS
// never fails the build: the script prints one line and records the reason
// in build/addon-status.json, which the loader puts in its error message.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const buildDirectory = join(packageDirectory, 'build');
const statusPath = join(buildDirectory, 'addon-status.json');
const logPath = join(buildDirectory, 'addon-build.log');
const addonPath = join(buildDirectory, 'Release', 'fixclust_native.node');
const require = createRequire(import.meta.url);

const OPENBLAS_PROBE = `#include <cblas.h>
#ifndef OPENBLAS_VERSION
#error "cblas.h is not OpenBLAS's"
#endif
int main() { return openblas_get_config() == nullptr; }
`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: packageDirectory,
    encoding: 'utf8',
    ...options,
  });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, text, error: result.error };
}

/**
 * Returns the most telling line of a compiler or node-gyp log, without its
 * file position: a missing header or library first, else the first error.
 */
function mainError(text) {
  const lines = text.split('\n').map((line) => line.trim());
  const line =
    lines.find((l) => /No such file|cannot find/i.test(l)) ??
    lines.find((l) => /error/i.test(l)) ??
    lines.find(Boolean) ??
    'no output';
  return line.replace(/^.*?(fatal error|error): /, '');
}

/** Returns why the addon cannot be built here, or null when it can. */
function missingRequirement(compiler) {
  if (run(compiler, ['--version']).error) {
    return `C++ compiler "${compiler}" not found`;
  }
  if (run('make', ['--version']).error) return 'make not found';
  if (run('python3', ['--version']).error) {
    return 'python3 not found (node-gyp needs it)';
  }
  const probeDirectory = mkdtempSync(join(tmpdir(), 'fixclust-openblas-'));
  try {
    const source = join(probeDirectory, 'probe.cc');
    writeFileSync(source, OPENBLAS_PROBE);
    const probe = run(compiler, [
      source,
      '-lopenblas',
      '-o',
      join(probeDirectory, 'probe'),
    ]);
    if (!probe.ok) {
      return `libopenblas not found (${mainError(probe.text)})`;
    }
  } finally {
    rmSync(probeDirectory, { recursive: true, force: true });
  }
  return null;
}

/**
 * Returns node-gyp's --nodedir argument when Node's headers are installed
 * beside it, as in <prefix>/include/node for a Node from a distribution
 * package or a tarball. Without it node-gyp downloads the headers.
 */
function nodeDirectoryArguments() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  const header = join(prefix, 'include', 'node', 'node_api.h');
  return existsSync(header) ? [`--nodedir=${prefix}`] : [];
}

function writeStatus(status) {
  mkdirSync(buildDirectory, { recursive: true });
  writeFileSync(statusPath, `${JSON.stringify(status, null, 2)}\n`);
}

function skip(reason, log) {
  rmSync(buildDirectory, { recursive: true, force: true });
  writeStatus({ built: false, reason });
  if (log !== undefined) writeFileSync(logPath, log);
  const where =
    log === undefined ? '' : ` (log: ${relative(process.cwd(), logPath)})`;
  console.log(
    `@fixclust/backend-native: native addon not built: ${reason}${where}; ` +
      'install libopenblas-dev, g++, make and python3 and build again; ' +
      'until then the native backend reports itself unavailable',
  );
}

function build() {
  const compiler = process.env.CXX || 'c++';
  const missing = missingRequirement(compiler);
  if (missing !== null) return skip(missing);

  let nodeGyp;
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return skip('node-gyp not installed (a dev dependency of this package)');
  }
  // configure then build, not rebuild: rebuild deletes build/ first, which
  // breaks any process loading the addon while the build runs.
  const configured = run(process.execPath, [
    nodeGyp,
    'configure',
    ...nodeDirectoryArguments(),
  ]);
  const result = configured.ok
    ? run(process.execPath, [nodeGyp, 'build', ...nodeDirectoryArguments()])
    : configured;
  if (!result.ok || !existsSync(addonPath)) {
    return skip(`node-gyp failed: ${mainError(result.text)}`, result.text);
  }
  writeFileSync(logPath, result.text);
  writeStatus({ built: true });
  console.log(
    `@fixclust/backend-native: built ${relative(process.cwd(), addonPath)}`,
  );
}

build();
