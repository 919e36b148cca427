import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  BUILT_IN_REPRESENTATIVE_NAMES,
  errorMessage,
  FixclustError,
  InvalidParameterError,
  listRepresentativeTypes,
  registerRepresentativeType,
  type RegisterRepresentativeOptions,
  type RepresentativeType,
} from '@fixclust/core';
import { resolve as resolveImport } from 'import-meta-resolve';

/** URLs of the plug-in modules registered in this process. */
const registeredPlugins = new Set<string>();

/** The `--plugin` module that registered each plug-in type, by name. */
const typePlugins = new Map<string, string>();

/**
 * Imports each plug-in module and calls its exported `register` with this
 * CLI's registry, so the types it adds are found by name even when the
 * plug-in resolves its own copy of `@fixclust/core`. A module already
 * registered in this process is skipped.
 *
 * A specifier starting with `.` or `/` is a file path relative to `cwd`;
 * any other is a package name resolved from `cwd` as Node resolves an
 * `import` there, with `require` resolution as the fallback for packages
 * that export only a `require` entry.
 *
 * @throws InvalidParameterError when a module cannot be found or loaded,
 * exports no `register` function, or registers a type under a name that a
 * built-in type or an earlier plug-in already uses.
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
    try {
      await register(pluginRegistry(specifier));
    } catch (error) {
      if (FixclustError.isInstance(error)) throw error;
      throw new InvalidParameterError(
        '--plugin',
        specifier,
        `plug-in "${specifier}" failed in register(): ${errorMessage(error)}`,
        { cause: error },
      );
    }
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

/** Returns the file URL of the module that `specifier` names. */
function resolvePlugin(specifier: string, cwd: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = resolve(cwd, specifier);
    if (!existsSync(path)) {
      throw new InvalidParameterError(
        '--plugin',
        specifier,
        `plug-in file ${path} was not found; pass the path of the ` +
          `plug-in's module, relative to ${cwd} or absolute`,
      );
    }
    return pathToFileURL(path).href;
  }
  const parent = pathToFileURL(join(cwd, 'package.json'));
  try {
    return resolveImport(specifier, parent.href);
  } catch (importError) {
    const required = resolveRequire(specifier, parent);
    if (required !== undefined) return required;
    throw unresolvedPlugin(specifier, cwd, importError);
  }
}

/** Resolves `specifier` as `require` would, or returns undefined. */
function resolveRequire(specifier: string, parent: URL): string | undefined {
  try {
    return pathToFileURL(createRequire(parent).resolve(specifier)).href;
  } catch {
    return undefined;
  }
}

function unresolvedPlugin(
  specifier: string,
  cwd: string,
  error: unknown,
): InvalidParameterError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ERR_MODULE_NOT_FOUND' ? '' : ` (${errorMessage(error)})`;
  return new InvalidParameterError(
    '--plugin',
    specifier,
    `plug-in "${specifier}" was not found from ${cwd}${reason}; install it ` +
      `there or pass a path to its module`,
    { cause: error },
  );
}

/**
 * Returns the registry that a plug-in's `register` receives. It is core's,
 * with errors that name the `--plugin` module and, for a name already
 * taken, advice for the command line rather than for code.
 */
function pluginRegistry(specifier: string) {
  return {
    registerRepresentativeType(
      type: RepresentativeType,
      options?: RegisterRepresentativeOptions,
    ): void {
      try {
        registerRepresentativeType(type, options);
      } catch (error) {
        throw registrationError(specifier, type, error);
      }
      typePlugins.set(type.name, specifier);
    },
  };
}

function registrationError(
  specifier: string,
  type: unknown,
  error: unknown,
): InvalidParameterError {
  const name = (type as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && isNameInUse(error, name)) {
    return nameInUseError(specifier, name, error);
  }
  return new InvalidParameterError(
    '--plugin',
    specifier,
    `plug-in "${specifier}" registered an invalid representative type: ` +
      errorMessage(error),
    { cause: error },
  );
}

/** Tells whether `error` is core's rejection of a name already in use. */
function isNameInUse(error: unknown, name: string): boolean {
  const inUse =
    BUILT_IN_REPRESENTATIVE_NAMES.includes(name) ||
    listRepresentativeTypes().some((type) => type.name === name);
  return (
    inUse &&
    FixclustError.isInstance(error) &&
    (error as InvalidParameterError).parameter === 'name'
  );
}

function nameInUseError(
  specifier: string,
  name: string,
  error: unknown,
): InvalidParameterError {
  return new InvalidParameterError(
    '--plugin',
    specifier,
    nameInUseMessage(specifier, name),
    { cause: error },
  );
}

function nameInUseMessage(specifier: string, name: string): string {
  const other = typePlugins.get(name);
  if (other !== undefined && other !== specifier) {
    return (
      `plug-ins "${other}" and "${specifier}" both register ` +
      `representative type "${name}"; rename the type in one of them, or ` +
      `drop one of the --plugin flags`
    );
  }
  const builtIn = BUILT_IN_REPRESENTATIVE_NAMES.includes(name);
  return (
    `plug-in "${specifier}" registers representative type "${name}", ` +
    (builtIn ? 'the name of a built-in type' : 'a name already registered') +
    `; rename the type in the plug-in, or drop --plugin ${specifier}`
  );
}
