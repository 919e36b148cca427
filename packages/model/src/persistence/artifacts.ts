import {
  checkWeightsBytes,
  describeValue,
  describeWeights,
  encodeArrays,
  getRepresentativeType,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';
import * as tf from '@tensorflow/tfjs-core';

import type { FittedState } from '../fitted-state.js';
import { buildState } from '../expected-arrays.js';
import { stateArrays } from '../state-arrays.js';
import { FixedRepresentativeClustering } from '../model.js';
import { MODEL_PACKAGE_VERSION } from '../version.js';
import {
  MODEL_FORMAT,
  validateManifest,
  type ManifestPreprocessing,
  type ModelManifest,
  type WeightSpec,
} from './manifest.js';
import { readTensors } from './read-tensors.js';

/** A saved model in memory: its manifest and the bytes of its weights. */
export interface ModelArtifacts {
  manifest: ModelManifest;
  weights: Uint8Array;
}

export { sha256Hex } from '@fixclust/core';

/**
 * Turns a fitted model into a manifest and a weights buffer. The manifest
 * has format version 1 when every tensor is a dense mapping layer, and 2
 * otherwise.
 *
 * @throws InvalidParameterError when `model` is not a
 * FixedRepresentativeClustering or is not fitted.
 */
export async function serializeModel(
  model: FixedRepresentativeClustering,
): Promise<ModelArtifacts> {
  if (!(model instanceof FixedRepresentativeClustering)) {
    throw new InvalidParameterError(
      'model',
      model,
      `model must be a FixedRepresentativeClustering, got ` +
        describeValue(model),
    );
  }
  const state = model.fittedState;
  if (state === undefined) {
    throw new InvalidParameterError(
      'model',
      undefined,
      'the model is not fitted yet; call fit() before saving it',
    );
  }
  const arrays = stateArrays(state);
  const tensors: WeightSpec[] = arrays.map(({ name, shape }) => ({
    name,
    shape,
    dtype: 'float32' as const,
  }));
  const weights = encodeArrays(
    arrays.map((a) => ({ values: a.values, dtype: 'float32' as const })),
  );
  const version1 = arrays.every((a) => a.name.startsWith('layers.'));
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: version1 ? 1 : 2,
    createdAt: new Date().toISOString(),
    versions: {
      '@fixclust/model': MODEL_PACKAGE_VERSION,
      '@tensorflow/tfjs-core': tf.version_core,
    },
    options: model.options,
    nFeatures: state.nFeatures,
    preprocessing: manifestPreprocessing(state),
    ...(version1 ? {} : { imageShape: imageShapeOf(state) }),
    representatives: {
      type: model.options.representatives,
      options: model.options.representativeOptions,
      points: state.points,
    },
    activations: state.weights.layers.map((layer) => layer.activation),
    training: { seed: model.options.seed, ...state.training },
    weights: { ...(await describeWeights(tensors, weights)), tensors },
  };
  return { manifest, weights };
}

/**
 * Rebuilds a model from a manifest (parsed JSON) and its weights. Reading
 * never runs code from the artifacts: they are JSON and float32 values.
 * Tensors are found by name, so their order in the file is free.
 *
 * @param source Name used in error messages, such as the manifest's path.
 * @throws InvalidDataError naming `source` and the field at fault for an
 * unknown format version, missing or truncated weights, a checksum
 * mismatch, tensors that disagree with the network the options describe,
 * or a representative type not registered in this installation.
 */
export async function deserializeModel(
  manifestJson: unknown,
  weights: Uint8Array,
  source = 'model',
): Promise<FixedRepresentativeClustering> {
  const manifest = validateManifest(manifestJson, source);
  await checkWeightsBytes(manifest.weights, weights, source);
  checkRepresentativeType(manifest, source);

  const { options, structure, arrays } = readTensors(manifest, weights, source);
  const state: FittedState = buildState(options, structure, arrays, {
    points: manifest.representatives.points,
    training: manifest.training,
  });
  try {
    return FixedRepresentativeClustering.fromFitted(manifest.options, state);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidDataError(
      `model manifest ${source}: fields "options" and "weights" disagree: ${message}`,
      { path: source, cause: error },
    );
  }
}

function manifestPreprocessing(
  state: FittedState,
): ManifestPreprocessing | null {
  const { pca, scaling } = state.preprocessing ?? {};
  if (pca === undefined && scaling === undefined) return null;
  return {
    pca:
      pca === undefined
        ? null
        : {
            nComponents: pca.nComponents,
            mean: 'preprocessing.pca.mean',
            components: 'preprocessing.pca.components',
          },
    scaling:
      scaling === undefined
        ? null
        : {
            method: scaling.method,
            shift: 'preprocessing.scaling.shift',
            factor: 'preprocessing.scaling.factor',
          },
  };
}

function imageShapeOf(state: FittedState): number[] | null {
  const image = state.weights.image;
  return image === undefined
    ? null
    : [image.height, image.width, image.channels];
}

function checkRepresentativeType(manifest: ModelManifest, source: string) {
  registerBuiltInRepresentatives();
  const type = manifest.representatives.type;
  try {
    getRepresentativeType(type);
  } catch (error) {
    throw new InvalidDataError(
      `model manifest ${source}: field "representatives.type" is "${type}", ` +
        `which is not registered in this installation; install and register ` +
        `the package that provides it before loading`,
      { path: source, cause: error },
    );
  }
}
