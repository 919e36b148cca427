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

import type {
  BaselineKind,
  FittedBaseline,
  FittedBaselineOf,
} from '../fitted.js';
import {
  assertLoadOptions,
  assertNonEmptyString,
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
 * function or a loader returned, `directory` is not a non-empty string or
 * is a file, or the options contain an unknown option or a callback that is not a
 * function.
 */
export async function saveBaseline(
  fitted: FittedBaseline,
  directory: string,
  options: SaveBaselineOptions = {},
): Promise<void> {
  assertNonEmptyString('directory', directory);
  assertOptionsObject('options', options, false);
  assertKnownKeys('', options, ['onWeightsWritten']);
  assertFunction('onWeightsWritten', options.onWeightsWritten);
  const artifacts = await serializeBaseline(fitted);
  await writeArtifacts(directory, BASELINE_MANIFEST_FILE, artifacts, options);
}

/**
 * Loads a baseline saved by {@link saveBaseline} from `directory`. With
 * `options.kind`, the result has that kind's type and a folder holding
 * another kind is rejected. Node only.
 *
 * @throws InvalidParameterError when `directory` is not a non-empty
 * string, or the options contain an unknown option or kind.
 * @throws InvalidDataError naming the file and the field when the manifest
 * or the weights are missing, malformed, inconsistent or of another kind.
 */
export async function loadBaseline<K extends BaselineKind = BaselineKind>(
  directory: string,
  options: LoadBaselineOptions<K> = {},
): Promise<FittedBaselineOf<K>> {
  assertNonEmptyString('directory', directory);
  assertLoadOptions(options, ['kind']);
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
 * @throws as {@link loadBaseline}, InvalidParameterError when
 * `manifestUrl` is not a string or URL or `fetchFunction` not a function,
 * and InvalidDataError for an HTTP error.
 */
export async function loadBaselineFromUrl<
  K extends BaselineKind = BaselineKind,
>(
  manifestUrl: string | URL,
  options: LoadBaselineOptions<K> & { fetchFunction?: typeof fetch } = {},
): Promise<FittedBaselineOf<K>> {
  if (!(manifestUrl instanceof URL))
    assertNonEmptyString('manifestUrl', manifestUrl);
  assertLoadOptions(options, ['kind', 'fetchFunction']);
  assertFunction('fetchFunction', options.fetchFunction);
  const { fetchFunction = fetch, ...loadOptions } = options;
  const { manifest, weights, source } = await fetchArtifacts(
    manifestUrl,
    fetchFunction,
  );
  return deserializeBaseline(manifest, weights, source, loadOptions);
}

function assertFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidParameterError(
      name,
      value,
      `${name} must be a function, got ${describeValue(value)}`,
    );
  }
}
