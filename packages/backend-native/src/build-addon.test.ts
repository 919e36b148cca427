import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { nativeBackend } from './index.js';

// The build script runs from a scratch copy of the package, so these tests
// never touch the real build folder.
const script = fileURLToPath(
  new URL('../scripts/build-addon.mjs', import.meta.url),
);
const scratch = mkdtempSync(join(tmpdir(), 'fixclust-build-'));
/** The package's folder, which the missing-addon message names. */
const packageFolder = fileURLToPath(new URL('..', import.meta.url));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runBuild(name: string, compiler: string) {
  const packageDirectory = join(scratch, name);
  mkdirSync(join(packageDirectory, 'scripts'), { recursive: true });
  copyFileSync(script, join(packageDirectory, 'scripts', 'build-addon.mjs'));
  const result = spawnSync(
    process.execPath,
    [join(packageDirectory, 'scripts', 'build-addon.mjs')],
    {
      cwd: packageDirectory,
      encoding: 'utf8',
      env: { ...process.env, CXX: compiler },
    },
  );
  const status = JSON.parse(
    readFileSync(join(packageDirectory, 'build', 'addon-status.json'), 'utf8'),
  ) as { built: boolean; reason: string };
  const addonPath = join(
    packageDirectory,
    'build',
    'Release',
    'fixclust_native.node',
  );
  return { result, status, addonPath };
}

const hasCompiler = spawnSync('c++', ['--version']).status === 0;

describe('addon build without its requirements', () => {
  it('succeeds without a compiler', async () => {
    const { result, status, addonPath } = runBuild(
      'no-compiler',
      join(scratch, 'missing-c++'),
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(
      /^@fixclust\/backend-native: native addon not built: C\+\+ compiler/,
    );
    expect(status.built).toBe(false);
    await expect(nativeBackend({ addonPath }).initialise()).rejects.toThrow(
      /native addon not built: C\+\+ compiler .* not found/,
    );
  });

  it.skipIf(!hasCompiler)('succeeds without OpenBLAS', async () => {
    // A compiler whose system root is empty finds no cblas.h, as on a
    // machine without libopenblas-dev.
    const compiler = join(scratch, 'c++-without-openblas');
    writeFileSync(
      compiler,
      '#!/bin/sh\nexec c++ --sysroot=/nonexistent "$@"\n',
    );
    chmodSync(compiler, 0o755);
    const { result, status, addonPath } = runBuild('no-openblas', compiler);
    expect(result.status).toBe(0);
    expect(status.reason).toBe(
      'libopenblas not found (cblas.h: No such file or directory)',
    );
    await expect(nativeBackend({ addonPath }).initialise()).rejects.toThrow(
      'native addon not built: libopenblas not found (cblas.h: No such ' +
        'file or directory); install libopenblas-dev, g++, make and ' +
        `python3, then run node scripts/build-addon.mjs in ${packageFolder}`,
    );
  });
});
