import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cpuBackend } from '@fixclust/backend-cpu';
import {
  BackendUnavailableError,
  InvalidParameterError,
  selectBackend,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

import { nativeBackend } from './index.js';
import { describeWithAddon } from './test-support/addon.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

const scratch = mkdtempSync(join(tmpdir(), 'fixclust-native-'));
/** The package's folder, which the missing-addon message names. */
const packageFolder = fileURLToPath(new URL('..', import.meta.url));
const missingAddon = join(
  scratch,
  'missing',
  'Release',
  'fixclust_native.node',
);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('nativeBackend', () => {
  it('registers nothing before initialise', () => {
    const candidate = nativeBackend();
    expect(candidate.name).toBe('native');
    expect(tf.findBackendFactory('native')).toBe(null);
  });

  it('rejects an unknown engine', () => {
    expect(() =>
      nativeBackend({ engine: 'gpu' as unknown as 'addon' }),
    ).toThrow(InvalidParameterError);
  });

  it('rejects a thread count below 1', () => {
    expect(() => nativeBackend({ threads: 0 })).toThrow(
      'threads must be an integer at least 1, got 0',
    );
  });
});

describe('native backend without its addon', () => {
  it('names the missing file and the fix', async () => {
    const start = nativeBackend({ addonPath: missingAddon }).initialise();
    await expect(start).rejects.toThrow(BackendUnavailableError);
    await expect(start).rejects.toThrow(
      `native addon not built: ${missingAddon} not found; install ` +
        'libopenblas-dev, g++, make and python3, then run ' +
        `node scripts/build-addon.mjs in ${packageFolder}`,
    );
  });

  it('reads the path from FIXCLUST_NATIVE_ADDON', async () => {
    const candidate = nativeBackend({
      env: { FIXCLUST_NATIVE_ADDON: missingAddon },
    });
    await expect(candidate.initialise()).rejects.toThrow(missingAddon);
  });

  it('reports the reason the build recorded', async () => {
    const build = join(scratch, 'recorded');
    mkdirSync(join(build, 'Release'), { recursive: true });
    const reason =
      'libopenblas not found (cblas.h: No such file or directory); ' +
      'install libopenblas-dev';
    writeFileSync(
      join(build, 'addon-status.json'),
      JSON.stringify({ built: false, reason }),
    );
    const candidate = nativeBackend({
      addonPath: join(build, 'Release', 'fixclust_native.node'),
    });
    await expect(candidate.initialise()).rejects.toThrow(
      `native addon not built: ${reason}; install libopenblas-dev`,
    );
  });

  it('reports an addon that fails to load', async () => {
    const broken = join(scratch, 'broken.node');
    writeFileSync(broken, 'not a shared library');
    const candidate = nativeBackend({ addonPath: broken });
    await expect(candidate.initialise()).rejects.toThrow(
      `native addon ${broken} failed to load`,
    );
  });

  it('lets selection fall back with the reason', async () => {
    const selection = await selectBackend({
      candidates: [nativeBackend({ addonPath: missingAddon }), cpuBackend()],
      env: {},
    });
    expect(selection.backend.name).toBe('cpu');
    expect(selection.skipped).toHaveLength(1);
    expect(selection.skipped[0]!.name).toBe('native');
    expect(selection.skipped[0]!.reason).toMatch(/^native addon not built/);
  });

  it('fails when requested by name', async () => {
    const selection = selectBackend({
      candidates: [nativeBackend({ addonPath: missingAddon }), cpuBackend()],
      backend: 'native',
    });
    await expect(selection).rejects.toThrow(
      /backend "native" failed to start: native addon not built/,
    );
  });
});

let tfjsNodeInstalled = true;
try {
  require.resolve('@tensorflow/tfjs-node');
} catch {
  tfjsNodeInstalled = false;
}

describe('tfjs-node engine', () => {
  it.skipIf(tfjsNodeInstalled)('reports tfjs-node missing', async () => {
    const candidate = nativeBackend({ engine: 'tfjs-node' });
    await expect(candidate.initialise()).rejects.toThrow(
      /@tensorflow\/tfjs-node could not be loaded .*; install it, or use the engine "addon"/,
    );
  });

  it.skipIf(tfjsNodeInstalled)('auto keeps the addon error', async () => {
    const candidate = nativeBackend({ addonPath: missingAddon });
    await expect(candidate.initialise()).rejects.toThrow(
      /^native addon not built/,
    );
  });

  // @tensorflow/tfjs-node cannot be installed on machines without internet
  // access: its install step downloads libtensorflow.
  it.skipIf(!tfjsNodeInstalled)(
    `starts TensorFlow${tfjsNodeInstalled ? '' : ' (skipped: @tensorflow/tfjs-node is not installed; its install step downloads libtensorflow)'}`,
    async () => {
      const info = await nativeBackend({ engine: 'tfjs-node' }).initialise();
      expect(info.name).toBe('native');
      expect(tf.getBackend()).toBe('tensorflow');
      const sum = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync());
      expect(Array.from(sum)).toEqual([6]);
    },
  );
});

describeWithAddon('native backend with its addon', () => {
  it('starts and describes itself', async () => {
    const info = await nativeBackend({ engine: 'addon' }).initialise();
    expect(tf.getBackend()).toBe('native');
    expect(info.name).toBe('native');
    expect(info.version).toBe(version);
    expect(info.threads).toBe(1);
    expect(info.details).toMatch(/^OpenBLAS \d+\.\d+\.\d+ \(\w+ kernels\)/);
  });

  it('sets the OpenBLAS thread count', async () => {
    const info = await nativeBackend({ threads: 2 }).initialise();
    expect(info.threads).toBe(2);
    const back = await nativeBackend({ threads: 1 }).initialise();
    expect(back.threads).toBe(1);
  });
});
