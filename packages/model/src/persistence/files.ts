import {
  assertKnownKeys,
  assertOptionsObject,
  describeValue,
  InvalidParameterError,
} from '@fixclust/core';
import {
  fetchArtifacts,
  readArtifacts,
  writeArtifacts,
  type WriteArtifactsOptions,
} from '@fixclust/core/files';

import type { FixedRepresentativeClustering } from '../model.js';
import { deserializeModel, serializeModel } from './artifacts.js';
import { MANIFEST_FILE } from './manifest.js';

/** Options of {@link saveModel}. */
export type SaveModelOptions = WriteArtifactsOptions;

/**
 * Saves a fitted model into `directory` (created when needed): the
 * weights file first, under a name derived from its checksum, then the
 * manifest `model.json` through a temporary file renamed over the old one.
 * An interrupted save therefore leaves the previous model loadable, never
 * a half-written one. Weights files the new manifest no longer names are
 * removed afterwards.
 *
 * @throws InvalidParameterError when the model is not fitted, `directory`
 * is not a non-empty string or is a file, or `options` has a key other
 * than `onWeightsWritten`.
 */
export async function saveModel(
  model: FixedRepresentativeClustering,
  directory: string,
  options: SaveModelOptions = {},
): Promise<void> {
  assertDirectory(directory);
  assertOptionsObject('options', options, false);
  assertKnownKeys('', options, ['onWeightsWritten']);
  const artifacts = await serializeModel(model);
  await writeArtifacts(directory, MANIFEST_FILE, artifacts, options);
}

/**
 * Loads a model saved by {@link saveModel} from `directory`.
 *
 * @throws InvalidParameterError when `directory` is not a non-empty
 * string.
 * @throws InvalidDataError naming the file and the field when the manifest
 * or the weights are missing, malformed or inconsistent.
 */
export async function loadModel(
  directory: string,
): Promise<FixedRepresentativeClustering> {
  assertDirectory(directory);
  const { manifest, weights, source } = await readArtifacts(
    directory,
    MANIFEST_FILE,
  );
  return deserializeModel(manifest, weights, source);
}

/**
 * Loads a model from the URL of its manifest; the weights file is fetched
 * from beside it. Works wherever `fetch` does, browsers included.
 *
 * @throws InvalidParameterError when `manifestUrl` is neither a string
 * nor a URL, or `fetchFunction` is not a function.
 */
export async function loadModelFromUrl(
  manifestUrl: string | URL,
  fetchFunction: typeof fetch = fetch,
): Promise<FixedRepresentativeClustering> {
  if (typeof manifestUrl !== 'string' && !(manifestUrl instanceof URL)) {
    throw new InvalidParameterError(
      'manifestUrl',
      manifestUrl,
      `manifestUrl must be the URL of a model.json, as a string or a URL, ` +
        `got ${describeValue(manifestUrl)}`,
    );
  }
  if (typeof fetchFunction !== 'function') {
    throw new InvalidParameterError(
      'fetchFunction',
      fetchFunction,
      `fetchFunction must be a function such as fetch, got ` +
        describeValue(fetchFunction),
    );
  }
  const { manifest, weights, source } = await fetchArtifacts(
    manifestUrl,
    fetchFunction,
  );
  return deserializeModel(manifest, weights, source);
}

function assertDirectory(directory: unknown): void {
  if (typeof directory === 'string' && directory !== '') return;
  throw new InvalidParameterError(
    'directory',
    directory,
    `directory must be the path of the model's folder, a non-empty ` +
      `string, got ${describeValue(directory)}`,
  );
}
