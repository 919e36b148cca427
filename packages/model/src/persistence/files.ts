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
 */
export async function saveModel(
  model: FixedRepresentativeClustering,
  directory: string,
  options: SaveModelOptions = {},
): Promise<void> {
  const artifacts = await serializeModel(model);
  await writeArtifacts(directory, MANIFEST_FILE, artifacts, options);
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
  const { manifest, weights, source } = await readArtifacts(
    directory,
    MANIFEST_FILE,
  );
  return deserializeModel(manifest, weights, source);
}

/**
 * Loads a model from the URL of its manifest; the weights file is fetched
 * from beside it. Works wherever `fetch` does, browsers included.
 */
export async function loadModelFromUrl(
  manifestUrl: string | URL,
  fetchFunction: typeof fetch = fetch,
): Promise<FixedRepresentativeClustering> {
  const { manifest, weights, source } = await fetchArtifacts(
    manifestUrl,
    fetchFunction,
  );
  return deserializeModel(manifest, weights, source);
}
