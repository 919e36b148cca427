import { InvalidDataError } from '@fixclust/core';

import type { FixedRepresentativeClustering } from '../model.js';
import { deserializeModel, serializeModel } from './artifacts.js';
import { MANIFEST_FILE } from './manifest.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /**
   * Called once the new weights file is in place and before the manifest
   * is replaced, the point where an interruption leaves the previous model
   * in force.
   */
  onWeightsWritten?: () => void | Promise<void>;
}

/**
 * Saves a fitted model into `directory` (created when needed): the
 * weights file first, under a name derived from its checksum, then the
 * manifest `model.json` through a temporary file renamed over the old one.
 * An interrupted save therefore leaves the previous model loadable, never
 * a half-written one. Weights files the new manifest no longer names are
 * removed afterwards.
 */
export async function saveModel(
  model: FixedRepresentativeClustering,
  directory: string,
  options: SaveModelOptions = {},
): Promise<void> {
  const { mkdir, readdir, rename, rm, writeFile } =
    await import('node:fs/promises');
  const { join } = await import('node:path');
  const { manifest, weights } = await serializeModel(model);
  await mkdir(directory, { recursive: true });

  const weightsPath = join(directory, manifest.weights.file);
  const temporaryWeights = `${weightsPath}.${process.pid}.tmp`;
  await writeFile(temporaryWeights, weights);
  await rename(temporaryWeights, weightsPath);
  await options.onWeightsWritten?.();

  const manifestPath = join(directory, MANIFEST_FILE);
  const temporaryManifest = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(temporaryManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporaryManifest, manifestPath);

  for (const name of await readdir(directory)) {
    if (
      /^weights-[0-9a-f]{16}\.bin$/.test(name) &&
      name !== manifest.weights.file
    ) {
      await rm(join(directory, name), { force: true });
    }
  }
}

/**
 * Loads a model saved by {@link saveModel} from `directory`.
 *
 * @throws InvalidDataError naming the file and the field when the manifest
 * or the weights are missing, malformed or inconsistent.
 */
export async function loadModel(
  directory: string,
): Promise<FixedRepresentativeClustering> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const manifestPath = join(directory, MANIFEST_FILE);
  const manifest = parseJson(
    await readOrFail(readFile, manifestPath),
    manifestPath,
  );
  const file = (manifest as { weights?: { file?: unknown } })?.weights?.file;
  const weightsPath =
    typeof file === 'string' && /^[\w.-]+$/.test(file)
      ? join(directory, file)
      : undefined;
  const weights =
    weightsPath === undefined
      ? new Uint8Array(0)
      : await readOrFail(readFile, weightsPath);
  return deserializeModel(manifest, weights, manifestPath);
}

/**
 * Loads a model from the URL of its manifest; the weights file is fetched
 * from beside it. Works wherever `fetch` does, browsers included.
 */
export async function loadModelFromUrl(
  manifestUrl: string | URL,
  fetchFunction: typeof fetch = fetch,
): Promise<FixedRepresentativeClustering> {
  const source = String(manifestUrl);
  const manifest = parseJson(
    new Uint8Array(await fetchBytes(fetchFunction, source)),
    source,
  );
  const file = (manifest as { weights?: { file?: unknown } })?.weights?.file;
  const weightsUrl = new URL(String(file), source).toString();
  const weights = new Uint8Array(await fetchBytes(fetchFunction, weightsUrl));
  return deserializeModel(manifest, weights, source);
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

function parseJson(bytes: Uint8Array, source: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidDataError(
      `model manifest ${source} is not valid JSON: ${(error as Error).message}`,
      { path: source, cause: error },
    );
  }
}
