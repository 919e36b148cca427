import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  errorMessage,
  InvalidParameterError,
  registerRepresentativeType,
} from '@fixclust/core';

/** URLs of the plug-in modules registered in this process. */
const registeredPlugins = new Set<string>();

/**
 * Imports each plug-in module and calls its exported `register` with this
 * CLI's registry, so the types it adds are found by name even when the
 * plug-in resolves its own copy of `@fixclust/core`. A module already
 * registered in this process is skipped.
 *
 * A specifier starting with `.` or `/` is a file path relative to `cwd`;
 * any other is a package name resolved from `cwd`.
 *
 * @throws InvalidParameterError when a module cannot be found or loaded, or
 * exports no `register` function.
 */
export async function loadPlugins(
  specifiers: readonly string[],
  cwd: string = process.cwd(),
): Promise<void> {
  for (const specifier of specifiers) {
    const url = resolvePlugin(specifier, cwd);
    if (registeredPlugins.has(url)) continue;
    const module = await importPlugin(specifier, url);
    const register = (module as { register?: unknown }).register;
    if (typeof register !== 'function') {
      throw new InvalidParameterError(
        '--plugin',
        specifier,
        `plug-in "${specifier}" exports no register() function`,
      );
    }
    await register({ registerRepresentativeType });
    registeredPlugins.add(url);
  }
}

async function importPlugin(specifier: string, url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    throw new InvalidParameterError(
      '--plugin',
      specifier,
      `plug-in "${specifier}" failed to load: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function resolvePlugin(specifier: string, cwd: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    return pathToFileURL(resolve(cwd, specifier)).href;
  }
  try {
    const require = createRequire(resolve(cwd, 'package.json'));
    return pathToFileURL(require.resolve(specifier)).href;
  } catch (error) {
    throw new InvalidParameterError(
      '--plugin',
      specifier,
      `plug-in "${specifier}" was not found from ${cwd}; install it there ` +
        `or pass a path to its module`,
      { cause: error },
    );
  }
}
