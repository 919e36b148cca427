import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Maps each workspace package's import paths to the TypeScript files that
 * its `exports` name under the `@fixclust/source` condition, so tests run
 * against the sources and never against a stale build.
 *
 * Aliases, not `resolve.conditions`: vitest passes the server conditions to
 * Node as `--conditions` flags, which the worker threads of a fit inherit,
 * and those threads load the built files, which cannot import TypeScript.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const folder = join(root, group, name);
      let manifest: {
        name: string;
        exports?: Record<string, unknown>;
      };
      try {
        manifest = JSON.parse(
          readFileSync(join(folder, 'package.json'), 'utf8'),
        );
      } catch {
        continue;
      }
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source = (target as Record<string, unknown> | null)?.[
          '@fixclust/source'
        ];
        if (typeof source !== 'string') continue;
        const specifier = join(manifest.name, subpath);
        const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        aliases.push({
          find: new RegExp(`^${escaped}$`),
          replacement: resolve(folder, source),
        });
      }
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
