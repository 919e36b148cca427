import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { getRepresentativeType } from '@fixclust/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { captureOutput } from './test-output.js';
import { loadPlugins } from './plugins.js';
import { main } from './program.js';
import { quickRun } from './test-run.js';

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

/** Returns a plug-in module that registers a one-hot layout as `name`. */
function pluginSource(name: string, exportKeyword: string): string {
  return (
    `${exportKeyword} (registry) => registry.registerRepresentativeType({\n` +
    `  name: '${name}',\n` +
    `  description: 'one-hot points',\n` +
    `  defaultDimension: (k) => k,\n` +
    `  create: ({ nClusters, dimension }) =>\n` +
    `    Array.from({ length: nClusters }, (_, i) =>\n` +
    `      Array.from({ length: dimension }, (_, j) => (i === j ? 1 : 0)),\n` +
    `    ),\n` +
    `});\n`
  );
}

const ESM = 'export const register =';
const COMMONJS = 'exports.register =';

/** Writes a package into `root`'s node_modules. */
async function writePackage(
  root: string,
  manifest: Record<string, unknown> & { name: string },
  files: Record<string, string>,
): Promise<void> {
  const folder = join(root, 'node_modules', manifest.name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify(manifest));
  for (const [file, text] of Object.entries(files)) {
    await writeFile(join(folder, file), text);
  }
}

describe('loadPlugins from installed packages', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fixclust-plugins-'));
    const importOnly = { '.': { import: './index.mjs' } };
    await writePackage(
      root,
      { name: 'import-only-plugin', type: 'module', exports: importOnly },
      { 'index.mjs': pluginSource('import-only', ESM) },
    );
    await writePackage(
      root,
      { name: 'require-only-plugin', exports: { require: './index.cjs' } },
      { 'index.cjs': pluginSource('require-only', COMMONJS) },
    );
    await writePackage(
      root,
      { name: 'main-plugin', main: 'index.js' },
      { 'index.js': pluginSource('main-field', COMMONJS) },
    );
    for (const name of ['twin-a-plugin', 'twin-b-plugin']) {
      await writePackage(
        root,
        { name, type: 'module', exports: importOnly },
        { 'index.mjs': pluginSource('twin', ESM) },
      );
    }
    await writePackage(
      root,
      { name: 'vertex-plugin', type: 'module', exports: importOnly },
      { 'index.mjs': pluginSource('vertex', ESM) },
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads a package that exports only an import entry', async () => {
    await loadPlugins(['import-only-plugin'], root);
    expect(getRepresentativeType('import-only').name).toBe('import-only');
  });

  it('loads a package that exports only a require entry', async () => {
    await loadPlugins(['require-only-plugin'], root);
    expect(getRepresentativeType('require-only').name).toBe('require-only');
  });

  it('loads a CommonJS package through its main field', async () => {
    await loadPlugins(['main-plugin'], root);
    expect(getRepresentativeType('main-field').name).toBe('main-field');
  });

  it('says that a missing package was not found from the folder', async () => {
    await expect(loadPlugins(['absent-plugin'], root)).rejects.toThrow(
      `plug-in "absent-plugin" was not found from ${root}; install it ` +
        `there or pass a path to its module`,
    );
  });

  it('names the plug-in that registers a built-in name', async () => {
    await expect(loadPlugins(['vertex-plugin'], root)).rejects.toThrow(
      'plug-in "vertex-plugin" registers representative type "vertex", ' +
        'the name of a built-in type; rename the type in the plug-in, or ' +
        'drop --plugin vertex-plugin',
    );
  });

  it('names the plug-in whose register throws', async () => {
    const file = join(root, 'throwing-plugin.mjs');
    await writeFile(
      file,
      "export const register = () => { throw new Error('boom'); };\n",
    );
    const loading = loadPlugins(['./throwing-plugin.mjs'], root);
    await expect(loading).rejects.toThrow(
      'plug-in "./throwing-plugin.mjs" failed in register(): boom',
    );
  });

  it('names the missing file of a path', async () => {
    await expect(loadPlugins(['./missing.mjs'], root)).rejects.toThrow(
      `plug-in file ${join(root, 'missing.mjs')} was not found; pass the ` +
        `path of the plug-in's module, relative to ${root} or absolute`,
    );
  });

  it('names both plug-ins that register one name', async () => {
    const loading = loadPlugins(['twin-a-plugin', 'twin-b-plugin'], root);
    await expect(loading).rejects.toThrow(
      'plug-ins "twin-a-plugin" and "twin-b-plugin" both register ' +
        'representative type "twin"; rename the type in one of them, or ' +
        'drop one of the --plugin flags',
    );
  });
});

describe('fixclust run --plugin', () => {
  it('trains with the plug-in type', async () => {
    const { status, output } = await quickRun(
      ...['--plugin', examplePlugin, '--representatives', 'cross'],
      ...['--representative-option', 'radius=2'],
    );
    expect(output.stderr.join('\n')).not.toMatch(/fixclust: /);
    expect(status).toBe(0);
    expect(output.stdout.join('\n')).toMatch(/^trained(\s+\d\.\d{4}){4}$/m);
  });

  it('names --representatives and --plugin for an unknown type', async () => {
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'run', '--representatives', 'spike'],
      output,
    );
    expect(status).toBe(2);
    const message = output.stderr.join('\n');
    expect(message).toMatch(
      /^fixclust: unknown representative type "spike" \(set with --representatives spike\); types: vertex, simplex, orthogonal, sphere\b/,
    );
    expect(message).toMatch(
      /; install the package that provides it and pass it with --plugin MODULE$/,
    );
  });

  it('names the flag of an invalid representative option', async () => {
    const { status, output } = await quickRun(
      '--representative-option',
      'scale=abc',
    );
    expect(status).toBe(2);
    expect(output.stderr.at(-1)).toBe(
      'fixclust: vertex option "scale" must be a finite number greater ' +
        'than 0, got "abc" (set with --representative-option scale=abc)',
    );
  });
});
