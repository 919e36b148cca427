import {
  assertKnownKeys,
  assertOneOf,
  assertOptionsObject,
  checkWeightsBytes,
  decodeArrays,
  describeValue,
  describeWeights,
  encodeArrays,
  InvalidParameterError,
  manifestFailure,
  type ManifestFailure,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  BASELINE_KINDS,
  createFitted,
  parametersOf,
  type BaselineKind,
  type FittedBaseline,
  type FittedBaselineOf,
} from '../fitted.js';
import { BASELINES_PACKAGE_VERSION } from '../version.js';
import { expectedShapes, parametersFrom, savedForm } from './arrays.js';
import {
  BASELINE_FORMAT,
  BASELINE_FORMAT_VERSION,
  validateBaselineManifest,
  type BaselineManifest,
} from './manifest.js';

/** A saved baseline in memory: its manifest and the bytes of its weights. */
export interface BaselineArtifacts {
  manifest: BaselineManifest;
  weights: Uint8Array;
}

/**
 * Turns a fitted baseline (the result of `kmeans`, `gaussianMixture` or
 * `pca`, or a loaded one) into a manifest and a float64 weights buffer
 * containing exactly the values its `predict` or `transform` computes with.
 *
 * @throws InvalidParameterError when `fitted` was not created by one of
 * those functions, such as a copy made with spread syntax, which loses
 * the link to its parameters.
 */
export async function serializeBaseline(
  fitted: FittedBaseline,
): Promise<BaselineArtifacts> {
  const parameters = parametersOf(fitted);
  if (parameters === undefined) {
    throw new InvalidParameterError(
      'fitted',
      undefined,
      'fitted must be the object kmeans(), gaussianMixture(), pca() or ' +
        'loadBaseline() returned, not a copy of it; pass that object itself',
    );
  }
  const { nFeatures, settings, arrays } = savedForm(parameters);
  const weights = encodeArrays(
    arrays.map((a) => ({ values: a.values, dtype: 'float64' as const })),
  );
  const tensors = arrays.map(({ name, shape }) => ({
    name,
    shape,
    dtype: 'float64' as const,
  }));
  const manifest: BaselineManifest = {
    format: BASELINE_FORMAT,
    formatVersion: BASELINE_FORMAT_VERSION,
    kind: parameters.kind,
    createdAt: new Date().toISOString(),
    versions: {
      '@fixclust/baselines': BASELINES_PACKAGE_VERSION,
      '@tensorflow/tfjs-core': tf.version_core,
    },
    nFeatures,
    settings,
    weights: await describeWeights(tensors, weights),
  };
  return { manifest, weights };
}

/** Options of {@link deserializeBaseline} and the loaders. */
export interface LoadBaselineOptions<K extends BaselineKind = BaselineKind> {
  /**
   * Kind of baseline expected; a manifest of another kind is rejected.
   * Default: any kind.
   */
  kind?: K;
}

/**
 * Rebuilds a fitted baseline from a manifest (parsed JSON) and its
 * weights. Reading never runs code from the artifacts: they are JSON and
 * float64 values. Arrays are found by name, so their order in the file is
 * free.
 *
 * @param source Name used in error messages, such as the manifest's path.
 * @throws InvalidParameterError when `weights` is not a Uint8Array,
 * `source` not a string, or the options are not an object of known
 * options with a known `kind`.
 * @throws InvalidDataError naming `source` and the field at fault for
 * another format (a deep model included) or format version, another kind
 * than `options.kind`, missing or truncated weights, a checksum mismatch,
 * arrays whose shapes disagree with the manifest's settings, or
 * non-finite values.
 */
export async function deserializeBaseline<K extends BaselineKind>(
  manifestJson: unknown,
  weights: Uint8Array,
  source = 'baseline',
  options: LoadBaselineOptions<K> = {},
): Promise<FittedBaselineOf<K>> {
  if (!(weights instanceof Uint8Array)) {
    throw new InvalidParameterError(
      'weights',
      weights,
      `weights must be a Uint8Array of the weights file's bytes, got ` +
        describeValue(weights),
    );
  }
  assertNonEmptyString('source', source);
  assertLoadOptions(options, ['kind']);
  const manifest = validateBaselineManifest(manifestJson, source, options.kind);
  await checkWeightsBytes(manifest.weights, weights, source);

  const fail = manifestFailure(source);
  checkShapes(manifest, fail);
  const arrays = decodeArrays(manifest.weights.tensors, weights, fail);
  for (const [name, values] of arrays) {
    if (!values.every(Number.isFinite)) {
      fail('weights.tensors', `(${name}) contains NaN or infinite values`);
    }
  }
  const parameters = parametersFrom(
    manifest,
    arrays as Map<string, Float64Array>,
  );
  return createFitted(parameters, {}) as FittedBaselineOf<K>;
}

/**
 * Checks the options of {@link deserializeBaseline} and the loaders: an
 * object, when given, whose keys are all in `known` and whose `kind` is a
 * {@link BaselineKind}.
 *
 * @throws InvalidParameterError naming the argument or option at fault.
 */
export function assertLoadOptions(
  options: unknown,
  known: readonly string[],
): void {
  assertOptionsObject('options', options, false);
  if (options === undefined) return;
  assertKnownKeys('', options as object, known);
  const { kind } = options as { kind?: unknown };
  if (kind !== undefined) assertOneOf('kind', kind, BASELINE_KINDS);
}

/**
 * Checks that `value`, the argument `name`, is a non-empty string.
 *
 * @throws InvalidParameterError naming the argument and what it got.
 */
export function assertNonEmptyString(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidParameterError(
      name,
      value,
      `${name} must be a non-empty string, got ${describeValue(value)}`,
    );
  }
}

function checkShapes(manifest: BaselineManifest, fail: ManifestFailure) {
  const expected = expectedShapes(manifest);
  const byName = new Map(expected.map((spec) => [spec.name, spec.shape]));
  const listed = new Set<string>();
  manifest.weights.tensors.forEach((spec, i) => {
    const shape = byName.get(spec.name);
    if (shape === undefined || listed.has(spec.name)) {
      fail(
        `weights.tensors[${i}]`,
        `(${spec.name}) is not an array of a "${manifest.kind}" model, ` +
          `or is listed twice`,
      );
    }
    listed.add(spec.name);
    if (spec.shape.join(',') !== shape!.join(',')) {
      fail(
        `weights.tensors[${i}]`,
        `(${spec.name}) has shape [${spec.shape.join(', ')}], but fields ` +
          `"nFeatures" and "settings" need [${shape!.join(', ')}]`,
      );
    }
  });
  const missing = expected.filter((spec) => !listed.has(spec.name));
  if (missing.length > 0) {
    fail(
      'weights.tensors',
      `lacks ${missing.map((s) => s.name).join(', ')}, which a ` +
        `"${manifest.kind}" model needs`,
    );
  }
}
