import {
  manifestFailure,
  validateWeightsField,
  type ManifestFailure,
} from '@fixclust/core';

import { ACTIVATIONS, type Activation } from '../activations.js';
import type { ResolvedOptions } from '../options.js';

/** Value of the manifest's `format` field. */
export const MODEL_FORMAT = 'fixclust-model';

/**
 * Newest manifest layout this version writes. A model that uses only what
 * layout 1 can describe (dense mapping layers, no preprocessing, fixed
 * mixture) is still written as version 1, so older readers load it. The
 * others are version 2, which older readers reject instead of misreading.
 */
export const MODEL_FORMAT_VERSION = 2;

/** Manifest layouts this version reads. */
export const MODEL_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** File name of the manifest inside a saved model's folder. */
export const MANIFEST_FILE = 'model.json';

/** Shape and place of one tensor in the weights file. */
export interface WeightSpec {
  /**
   * `<group>.<i>.weight`, `.bias` or `.kernel` for the network's groups
   * (`layers`, `encoder`, `decoder`, `convolutions`, `deconvolutions`),
   * `mixture.<parameter>`, or `preprocessing.<step>.<array>`. Format
   * version 1 has only `layers.<i>.weight` and `layers.<i>.bias`.
   */
  name: string;
  shape: number[];
  dtype: 'float32';
}

/**
 * The JSON manifest of a saved model. The weights file is the tensors of
 * `weights.tensors` in order, each as little-endian float32 values in
 * row-major order, concatenated with no padding: the layout of
 * TensorFlow.js's weights manifest.
 */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  /** ISO 8601 time of saving. */
  createdAt: string;
  /** Versions of the packages that wrote the model. */
  versions: Record<string, string>;
  /** Every model option, defaults filled in. */
  options: ResolvedOptions;
  /** Number of input features. */
  nFeatures: number;
  /**
   * Preprocessing applied before the network, naming the tensors of the
   * weights file that hold its fitted values; null when there is none.
   */
  preprocessing: ManifestPreprocessing | null;
  /**
   * Shape `[height, width, channels]` of one input image for the CNN; null
   * for the MLP. Absent in format version 1.
   */
  imageShape?: number[] | null;
  representatives: {
    type: string;
    options: Readonly<Record<string, unknown>>;
    /** The fixed k × d matrix, one row per cluster. */
    points: number[][];
  };
  /** Activation of each mapping layer, input side first. */
  activations: Activation[];
  training: {
    seed: number;
    bestRun: number;
    bestEpoch: number;
    bestLoss: number;
  };
  weights: {
    /** File name, relative to the manifest. */
    file: string;
    byteLength: number;
    /** Hex SHA-256 of the weights file. */
    sha256: string;
    tensors: WeightSpec[];
  };
}

/** The fitted preprocessing steps of a saved model, in applied order. */
export interface ManifestPreprocessing {
  /** PCA projection, `(x − mean) · componentsᵀ`, applied first. */
  pca: {
    nComponents: number;
    /** Tensor names of the fitted mean and components. */
    mean: string;
    components: string;
  } | null;
  /** Per-feature scaling, `(x − shift) · factor`, applied after PCA. */
  scaling: {
    method: 'standard' | 'minmax';
    /** Tensor names of the fitted shift and factor. */
    shift: string;
    factor: string;
  } | null;
}

/**
 * Checks the parsed manifest's fields and their types.
 *
 * @throws InvalidDataError naming the file and the first invalid field.
 */
export function validateManifest(
  value: unknown,
  source: string,
): ModelManifest {
  const fail = manifestFailure(source);
  if (typeof value !== 'object' || value === null) {
    fail('(root)', 'must be a JSON object');
  }
  const manifest = value as Record<string, unknown>;
  if (manifest['format'] !== MODEL_FORMAT) {
    fail(
      'format',
      `must be "${MODEL_FORMAT}", got ${JSON.stringify(manifest['format'])}`,
    );
  }
  if (!MODEL_FORMAT_VERSIONS.includes(manifest['formatVersion'] as number)) {
    fail(
      'formatVersion',
      `is ${JSON.stringify(manifest['formatVersion'])}, but this version of ` +
        `@fixclust/model reads only format version ` +
        `${MODEL_FORMAT_VERSIONS.join(' or ')}`,
    );
  }
  requireObject(manifest, 'options', fail);
  requireInteger(manifest['nFeatures'], 'nFeatures', fail);
  const representatives = requireObject(manifest, 'representatives', fail);
  if (typeof representatives['type'] !== 'string') {
    fail('representatives.type', 'must be a string');
  }
  requireMatrix(representatives['points'], 'representatives.points', fail);
  const activations = manifest['activations'];
  if (
    !Array.isArray(activations) ||
    !activations.every((a) => ACTIVATIONS.includes(a as Activation))
  ) {
    fail('activations', `must be a list of ${ACTIVATIONS.join(', ')}`);
  }
  requireObject(manifest, 'training', fail);
  validatePreprocessingField(manifest['preprocessing'], fail);
  const imageShape = manifest['imageShape'];
  if (
    imageShape !== undefined &&
    imageShape !== null &&
    !(Array.isArray(imageShape) && imageShape.every(Number.isInteger))
  ) {
    fail('imageShape', 'must be null or a list of integers');
  }
  validateWeightsField(requireObject(manifest, 'weights', fail), fail, [
    'float32',
  ]);
  return manifest as unknown as ModelManifest;
}

function validatePreprocessingField(value: unknown, fail: Fail): void {
  if (value === null) return;
  if (
    typeof value !== 'object' ||
    value === undefined ||
    Array.isArray(value)
  ) {
    fail('preprocessing', 'must be null or a JSON object');
  }
  const steps = value as Record<string, unknown>;
  for (const step of ['pca', 'scaling']) {
    const entry = steps[step];
    if (entry !== null && (typeof entry !== 'object' || entry === undefined)) {
      fail(`preprocessing.${step}`, 'must be null or a JSON object');
    }
  }
}

type Fail = ManifestFailure;

function requireObject(
  parent: Record<string, unknown>,
  field: string,
  fail: Fail,
): Record<string, unknown> {
  const value = parent[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function requireInteger(value: unknown, field: string, fail: Fail): void {
  if (!Number.isInteger(value) || (value as number) < 0) {
    fail(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

function requireMatrix(value: unknown, field: string, fail: Fail): void {
  const isMatrix =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (row) =>
        Array.isArray(row) &&
        row.length === (value[0] as unknown[]).length &&
        row.every(Number.isFinite),
    );
  if (!isMatrix) fail(field, 'must be a non-empty matrix of finite numbers');
}
