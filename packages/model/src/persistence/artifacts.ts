import {
  getRepresentativeType,
  InvalidDataError,
  InvalidParameterError,
} from '@fixclust/core';
import { registerBuiltInRepresentatives } from '@fixclust/representatives';
import * as tf from '@tensorflow/tfjs-core';

import { FixedRepresentativeClustering } from '../model.js';
import type { DenseLayerWeights } from '../network.js';
import { MODEL_PACKAGE_VERSION } from '../version.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  validateManifest,
  type ModelManifest,
  type WeightSpec,
} from './manifest.js';

/** A saved model in memory: its manifest and the bytes of its weights. */
export interface ModelArtifacts {
  manifest: ModelManifest;
  weights: Uint8Array;
}

/** Returns the hex SHA-256 of `bytes` (Web Crypto, in Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * Turns a fitted model into a manifest and a weights buffer.
 *
 * @throws InvalidParameterError when the model is not fitted.
 */
export async function serializeModel(
  model: FixedRepresentativeClustering,
): Promise<ModelArtifacts> {
  const state = model.fittedState;
  if (state === undefined) {
    throw new InvalidParameterError(
      'model',
      undefined,
      'the model is not fitted yet; call fit() before saving it',
    );
  }
  const layers = state.weights.layers;
  const tensors: WeightSpec[] = layers.flatMap((layer, i) => [
    {
      name: `layers.${i}.weight`,
      shape: [layer.inputSize, layer.outputSize],
      dtype: 'float32' as const,
    },
    {
      name: `layers.${i}.bias`,
      shape: [layer.outputSize],
      dtype: 'float32' as const,
    },
  ]);
  const weights = concatenateLittleEndian(
    layers.flatMap((layer) => [layer.weight, layer.bias]),
  );
  const sha256 = await sha256Hex(weights);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    versions: {
      '@fixclust/model': MODEL_PACKAGE_VERSION,
      '@tensorflow/tfjs-core': tf.version_core,
    },
    options: model.options,
    nFeatures: state.nFeatures,
    preprocessing: null,
    representatives: {
      type: model.options.representatives,
      options: model.options.representativeOptions,
      points: state.points,
    },
    activations: layers.map((layer) => layer.activation),
    training: { seed: model.options.seed, ...state.training },
    weights: {
      file: `weights-${sha256.slice(0, 16)}.bin`,
      byteLength: weights.byteLength,
      sha256,
      tensors,
    },
  };
  return { manifest, weights };
}

/**
 * Rebuilds a model from a manifest (parsed JSON) and its weights. Reading
 * never runs code from the artifacts: they are JSON and float32 values.
 *
 * @param source Name used in error messages, such as the manifest's path.
 * @throws InvalidDataError naming `source` and the field at fault for an
 * unknown format version, missing or truncated weights, a checksum
 * mismatch, shapes that disagree with the manifest, or a representative
 * type not registered in this installation.
 */
export async function deserializeModel(
  manifestJson: unknown,
  weights: Uint8Array,
  source = 'model',
): Promise<FixedRepresentativeClustering> {
  const manifest = validateManifest(manifestJson, source);
  await checkWeightsBytes(manifest, weights, source);
  checkRepresentativeType(manifest, source);

  const values = splitWeights(manifest, weights, source);
  const layers: DenseLayerWeights[] = manifest.activations.map(
    (activation, i) => {
      const weight = values[2 * i]!;
      const bias = values[2 * i + 1]!;
      return {
        inputSize: weight.shape[0]!,
        outputSize: weight.shape[1]!,
        weight: weight.data,
        bias: bias.data,
        activation,
      };
    },
  );
  try {
    return FixedRepresentativeClustering.fromFitted(manifest.options, {
      weights: { layers },
      points: manifest.representatives.points,
      nFeatures: manifest.nFeatures,
      training: manifest.training,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidDataError(
      `model manifest ${source}: fields "options" and "weights" disagree: ${message}`,
      { path: source, cause: error },
    );
  }
}

async function checkWeightsBytes(
  manifest: ModelManifest,
  weights: Uint8Array,
  source: string,
): Promise<void> {
  const file = manifest.weights.file;
  if (weights.byteLength !== manifest.weights.byteLength) {
    throw new InvalidDataError(
      `weights file ${file} of ${source} has ${weights.byteLength} bytes, ` +
        `but field "weights.byteLength" says ${manifest.weights.byteLength}; ` +
        `the file is truncated or from another model`,
      { path: source },
    );
  }
  const actual = await sha256Hex(weights);
  if (actual !== manifest.weights.sha256) {
    throw new InvalidDataError(
      `weights file ${file} of ${source} has SHA-256 ${actual}, but field ` +
        `"weights.sha256" says ${manifest.weights.sha256}; the file is ` +
        `corrupted or from another model`,
      { path: source },
    );
  }
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

function splitWeights(
  manifest: ModelManifest,
  weights: Uint8Array,
  source: string,
): Array<{ shape: number[]; data: Float32Array }> {
  checkShapes(manifest, source);
  const specs = manifest.weights.tensors;
  const expectedCount = 2 * manifest.activations.length;
  if (specs.length !== expectedCount) {
    throw new InvalidDataError(
      `model manifest ${source}: field "weights.tensors" lists ` +
        `${specs.length} tensors, but ${manifest.activations.length} layers ` +
        `need ${expectedCount}`,
      { path: source },
    );
  }
  const view = new DataView(
    weights.buffer,
    weights.byteOffset,
    weights.byteLength,
  );
  let offset = 0;
  const values = specs.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * size > weights.byteLength) {
      throw new InvalidDataError(
        `model manifest ${source}: field "weights.tensors" (${spec.name}) ` +
          `needs more bytes than the weights file has`,
        { path: source },
      );
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++)
      data[i] = view.getFloat32(offset + 4 * i, true);
    offset += 4 * size;
    return { shape: spec.shape, data };
  });
  if (offset !== weights.byteLength) {
    throw new InvalidDataError(
      `model manifest ${source}: field "weights.tensors" covers ${offset} ` +
        `bytes, but the weights file has ${weights.byteLength}`,
      { path: source },
    );
  }
  return values;
}

/** Checks each tensor's shape against the network the options describe. */
function checkShapes(manifest: ModelManifest, source: string): void {
  const sizes = [
    manifest.nFeatures,
    ...manifest.options.hiddenSizes,
    manifest.representatives.points[0]!.length,
  ];
  manifest.weights.tensors.forEach((spec, i) => {
    const layer = Math.floor(i / 2);
    const expected =
      i % 2 === 0 ? [sizes[layer]!, sizes[layer + 1]!] : [sizes[layer + 1]!];
    if (spec.shape.join(',') !== expected.join(',')) {
      throw new InvalidDataError(
        `model manifest ${source}: field "weights.tensors[${i}]" ` +
          `(${spec.name}) has shape [${spec.shape.join(', ')}], but the ` +
          `network the options describe needs [${expected.join(', ')}]`,
        { path: source },
      );
    }
  });
}

function concatenateLittleEndian(arrays: Float32Array[]): Uint8Array {
  const total = arrays.reduce((sum, a) => sum + a.length, 0);
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const array of arrays) {
    for (const value of array) {
      view.setFloat32(offset, value, true);
      offset += 4;
    }
  }
  return bytes;
}
