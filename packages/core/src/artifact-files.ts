import { WEIGHTS_FILE_PATTERN } from './artifacts.js';
import { InvalidDataError, InvalidParameterError } from './errors.js';

/** A manifest and its weights file, in memory. */
export interface ArtifactFiles {
  /** The manifest, written as JSON. Its `weights.file` names the weights file. */
  manifest: { weights: { file: string } };
  weights: Uint8Array;
}

/** Options of {@link writeArtifacts}. */
export interface WriteArtifactsOptions {
  /**
   * Called once the new weights file is in place and before the manifest
   * is replaced, the point where an interruption leaves the previous save
   * in force.
   */
  onWeightsWritten?: () => void | Promise<void>;
}

/** A manifest read from disk or fetched, before validation. */
export interface ReadArtifacts {
  /** The parsed JSON of the manifest. */
  manifest: unknown;
  /**
   * Bytes of the weights file the manifest names. They are empty when
   * `weights.file` is not a plain file name, which validation rejects.
   */
  weights: Uint8Array;
  /** Path or URL of the manifest, for error messages. */
  source: string;
}

/**
 * Writes a manifest and its weights into `directory` (created when
 * needed): the weights file first, under its own name, then the manifest
 * through a temporary file renamed over the old one. An interrupted save
 * therefore leaves the previous save loadable, never a half-written one.
 * Weights files (`weights-<16 hex>.bin`) the new manifest no longer names
 * are removed afterwards. Node only.
 *
 * @throws InvalidParameterError when `directory`, or a directory on its
 * path, is a file.
 */
export async function writeArtifacts(
  directory: string,
  manifestFile: string,
  artifacts: ArtifactFiles,
  options: WriteArtifactsOptions = {},
): Promise<void> {
  const { readdir, rename, rm, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { manifest, weights } = artifacts;
  await createDirectory(directory);

  const weightsPath = join(directory, manifest.weights.file);
  const temporaryWeights = `${weightsPath}.${process.pid}.tmp`;
  await writeFile(temporaryWeights, weights);
  await rename(temporaryWeights, weightsPath);
  await options.onWeightsWritten?.();

  const manifestPath = join(directory, manifestFile);
  const temporaryManifest = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(temporaryManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporaryManifest, manifestPath);

  for (const name of await readdir(directory)) {
    if (WEIGHTS_FILE_PATTERN.test(name) && name !== manifest.weights.file) {
      await rm(join(directory, name), { force: true });
    }
  }
}

/**
 * Creates `directory` and any missing parents, as `mkdir -p` does, and
 * resolves once it exists as a directory. Node only.
 *
 * Node's own `mkdir(path, { recursive: true })` never settles when the
 * system returns ENOENT although the parent exists, as procfs does under
 * `/proc` (seen with Node 20): it reads each ENOENT as a missing parent
 * and creates that parent again. Here an ENOENT once the parent exists
 * is final.
 *
 * @throws Node's error of the failing `mkdir` or `stat`: EEXIST when
 * `directory` is a file, ENOTDIR when a parent is one, ENOENT when a
 * parent cannot hold it or is a link to a missing target, EACCES without
 * permission.
 */
export async function makeDirectory(directory: string): Promise<void> {
  const { mkdir, stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const create = async (path: string): Promise<void> => {
    try {
      await mkdir(path);
      return;
    } catch (error) {
      const code = errorCode(error);
      const parent = dirname(path);
      if (code === 'ENOENT' && parent !== path) {
        await create(parent);
        return mkdir(path).catch((retry: unknown) => existing(path, retry));
      }
      return existing(path, error);
    }
  };
  /** Resolves when `error` is an EEXIST for a directory, else rethrows. */
  const existing = async (path: string, error: unknown): Promise<void> => {
    if (errorCode(error) !== 'EEXIST') throw error;
    if (!(await stat(path)).isDirectory()) throw error;
  };
  // The path as given, so that the system resolves `..` after following
  // links, as `mkdir -p` does.
  await create(directory);
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * Creates `directory` and its parents, reporting a file in its place as
 * an invalid argument rather than as Node's EEXIST or ENOTDIR.
 */
async function createDirectory(directory: string): Promise<void> {
  try {
    await makeDirectory(directory);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    const reason =
      code === 'EEXIST'
        ? 'it is a file, not a directory'
        : 'a directory on its path is a file';
    throw new InvalidParameterError(
      'directory',
      directory,
      `cannot save into ${JSON.stringify(directory)} because ${reason}; ` +
        `pass the path of a directory, new or existing`,
      { cause: error },
    );
  }
}

/**
 * Reads the manifest `manifestFile` of `directory` and the weights file it
 * names. Node only.
 *
 * @throws InvalidDataError naming the file when either is missing or
 * unreadable, or when the manifest is not valid JSON.
 */
export async function readArtifacts(
  directory: string,
  manifestFile: string,
): Promise<ReadArtifacts> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const source = join(directory, manifestFile);
  const manifest = parseManifestJson(
    await readOrFail(readFile, source),
    source,
  );
  const file = weightsFileOf(manifest);
  const weights =
    file === undefined
      ? new Uint8Array(0)
      : await readOrFail(readFile, join(directory, file));
  return { manifest, weights, source };
}

/**
 * Fetches a manifest from its URL and the weights file from beside it.
 * Works wherever `fetch` does, browsers included.
 *
 * @throws InvalidDataError naming the URL for an HTTP error status or a
 * manifest that is not valid JSON.
 */
export async function fetchArtifacts(
  manifestUrl: string | URL,
  fetchFunction: typeof fetch = fetch,
): Promise<ReadArtifacts> {
  const source = String(manifestUrl);
  const manifest = parseManifestJson(
    new Uint8Array(await fetchBytes(fetchFunction, source)),
    source,
  );
  const file = (manifest as { weights?: { file?: unknown } })?.weights?.file;
  const weightsUrl = new URL(String(file), source).toString();
  const weights = new Uint8Array(await fetchBytes(fetchFunction, weightsUrl));
  return { manifest, weights, source };
}

/**
 * Parses a manifest's bytes as JSON.
 *
 * @throws InvalidDataError naming `source` when they are not valid JSON.
 */
export function parseManifestJson(bytes: Uint8Array, source: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidDataError(
      `model manifest ${source} is not valid JSON: ${(error as Error).message}`,
      { path: source, cause: error },
    );
  }
}

function weightsFileOf(manifest: unknown): string | undefined {
  const file = (manifest as { weights?: { file?: unknown } })?.weights?.file;
  return typeof file === 'string' && /^[\w.-]+$/.test(file) ? file : undefined;
}

async function fetchBytes(fetchFunction: typeof fetch, url: string) {
  const response = await fetchFunction(url);
  if (!response.ok) {
    throw new InvalidDataError(
      `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`,
      { path: url },
    );
  }
  return response.arrayBuffer();
}

async function readOrFail(
  readFile: typeof import('node:fs/promises').readFile,
  path: string,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'is missing' : `could not be read (${code})`;
    throw new InvalidDataError(`model file ${path} ${reason}`, {
      path,
      cause: error,
    });
  }
}
