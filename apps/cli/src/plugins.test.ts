import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { getRepresentativeType } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { captureOutput } from './test-output.js';
import { loadPlugins } from './plugins.js';
import { main } from './program.js';

const examplePlugin = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../examples/representative-plugin/src/index.ts',
);

describe('loadPlugins', () => {
  it('registers the example plug-in type', async () => {
    await loadPlugins([examplePlugin]);
    expect(getRepresentativeType('cross').name).toBe('cross');
  });

  it('rejects a module without register', async () => {
    const core = resolve(
      examplePlugin,
      '../../../../packages/core/src/index.ts',
    );
    await expect(loadPlugins([core])).rejects.toThrow(
      /exports no register\(\) function/,
    );
  });

  it('rejects a package that is not installed', async () => {
    await expect(loadPlugins(['no-such-fixclust-plugin'])).rejects.toThrow(
      /plug-in "no-such-fixclust-plugin" was not found/,
    );
  });
});

describe('fixclust run --plugin', () => {
  it('trains with the plug-in type', async () => {
    const output = captureOutput();
    const status = await main(
      [
        'node',
        'fixclust',
        'run',
        '--limit',
        '300',
        '--runs',
        '1',
        '--epochs',
        '1',
        '--seed',
        '1',
        '--quiet',
        '--plugin',
        examplePlugin,
        '--representatives',
        'cross',
        '--representative-option',
        'radius=2',
      ],
      output,
    );
    expect(output.stderr.join('\n')).not.toMatch(/fixclust: /);
    expect(status).toBe(0);
    expect(output.stdout.join('\n')).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
  });
});
