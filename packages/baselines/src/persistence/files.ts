import {
  fetchArtifacts,
  readArtifacts,
  writeArtifacts,
  type WriteArtifactsOptions,
} from '@fixclust/core/files';

import type {
  BaselineKind,
  FittedBaseline,
  FittedBaselineOf,
} from '../fitted.js';
import {
  deserializeBaseline,
  serializeBaseline,
  type LoadBaselineOptions,
} from './artifacts.js';
import { BASELINE_MANIFEST_FILE } from './manifest.js';

/** Options of {@link saveBaseline}. */
export type SaveBaselineOptions = WriteArtifactsOptions;

/**
 * Saves a fitted k-means model, Gaussian mixture or PCA into `directory`
 * (created when needed), as a deep model is saved: the weights file first,
 * under a name derived from its checksum, then the manifest `model.json`
 * through a temporary file renamed over the old one. An interrupted save
 * therefore leaves the previous save loadable. Weights files the new
 * manifest no longer names are removed afterwards. Node only.
 *
 * @throws InvalidParameterError when `fitted` is not the object a fit
 * function or a loader returned.
 */
export async function saveBaseline(
  fitted: FittedBaseline,
  directory: string,
  options: SaveBaselineOptions = {},
): Promise<void> {
  const artifacts = await serializeBaseline(fitted);
  await writeArtifacts(directory, BASELINE_MANIFEST_FILE, artifacts, options);
}

/**
 * Loads a baseline saved by {@link saveBaseline} from `directory`. With
 * `options.kind`, the result has that kind's type and a folder holding
 * another kind is rejected. Node only.
 *
 * @throws InvalidDataError naming the file and the field when the manifest
 * or the weights are missing, malformed, inconsistent or of another kind.
 */
export async function loadBaseline<K extends BaselineKind = BaselineKind>(
  directory: string,
  options: LoadBaselineOptions<K> = {},
): Promise<FittedBaselineOf<K>> {
  const { manifest, weights, source } = await readArtifacts(
    directory,
    BASELINE_MANIFEST_FILE,
  );
  return deserializeBaseline(manifest, weights, source, options);
}

/**
 * Loads a baseline from the URL of its manifest; the weights file is
 * fetched from beside it. Works wherever `fetch` does, browsers included.
 *
 * @throws as {@link loadBaseline}, and InvalidDataError for an HTTP error.
 */
export async function loadBaselineFromUrl<
  K extends BaselineKind = BaselineKind,
>(
  manifestUrl: string | URL,
  options: LoadBaselineOptions<K> & { fetchFunction?: typeof fetch } = {},
): Promise<FittedBaselineOf<K>> {
  const { fetchFunction = fetch, ...loadOptions } = options;
  const { manifest, weights, source } = await fetchArtifacts(
    manifestUrl,
    fetchFunction,
  );
  return deserializeBaseline(manifest, weights, source, loadOptions);
}
