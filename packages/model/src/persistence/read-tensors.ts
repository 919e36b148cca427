import { InvalidDataError } from '@fixclust/core';

import { expectedArrays } from '../expected-arrays.js';
import { networkShapeOf, type StateStructure } from '../state-arrays.js';
import { planNetwork, type ImageShape } from '../network/index.js';
import { assertImageShape } from '../network/image.js';
import type { ResolvedOptions } from '../options.js';
import { resolveOptions } from '../resolve-options.js';
import type { ModelManifest } from './manifest.js';

/** Result of {@link readTensors}. */
export interface ReadTensors {
  options: ResolvedOptions;
  structure: StateStructure;
  /** Each tensor's values by name. */
  arrays: Map<string, Float32Array>;
}

/**
 * Checks the manifest's tensors against the network its options describe,
 * by name and shape, and splits the weights bytes into them.
 *
 * @throws InvalidDataError naming `source` and the field at fault.
 */
export function readTensors(
  manifest: ModelManifest,
  weights: Uint8Array,
  source: string,
): ReadTensors {
  const fail = (field: string, problem: string): never => {
    throw new InvalidDataError(
      `model manifest ${source}: field "${field}" ${problem}`,
      { path: source },
    );
  };
  let options: ResolvedOptions;
  try {
    options = resolveOptions(manifest.options);
  } catch (error) {
    return fail('options', `is invalid: ${(error as Error).message}`);
  }
  const structure: StateStructure = {
    nFeatures: manifest.nFeatures,
    dimension: manifest.representatives.points[0]!.length,
    image: readImage(manifest, options, fail),
  };
  checkActivations(manifest, options, structure, fail);
  checkShapes(manifest, expectedArrays(options, structure), fail);
  return { options, structure, arrays: splitWeights(manifest, weights, fail) };
}

type Fail = (field: string, problem: string) => never;

function readImage(
  manifest: ModelManifest,
  options: ResolvedOptions,
  fail: Fail,
): ImageShape | undefined {
  const shape = manifest.imageShape ?? null;
  if (options.network === 'mlp') {
    if (shape !== null) fail('imageShape', 'must be null for network "mlp"');
    return undefined;
  }
  if (shape === null) fail('imageShape', 'is missing for network "cnn"');
  try {
    return assertImageShape('imageShape', shape!, options.filters!.length);
  } catch (error) {
    return fail('imageShape', `is invalid: ${(error as Error).message}`);
  }
}

function checkActivations(
  manifest: ModelManifest,
  options: ResolvedOptions,
  structure: StateStructure,
  fail: Fail,
): void {
  const inputSize = options.pca ?? structure.nFeatures;
  const plan = planNetwork(
    networkShapeOf(options, inputSize, structure.dimension, structure.image),
  );
  const expected = plan.layers.map((layer) => layer.activation);
  if (manifest.activations.join(',') !== expected.join(',')) {
    fail(
      'activations',
      `is [${manifest.activations.join(', ')}], but the options describe ` +
        `[${expected.join(', ')}]`,
    );
  }
}

function checkShapes(
  manifest: ModelManifest,
  expected: Array<{ name: string; shape: number[] }>,
  fail: Fail,
): void {
  const byName = new Map(expected.map((spec) => [spec.name, spec.shape]));
  const listed = new Set<string>();
  manifest.weights.tensors.forEach((spec, i) => {
    const shape = byName.get(spec.name);
    if (shape === undefined || listed.has(spec.name)) {
      fail(
        `weights.tensors[${i}]`,
        `(${spec.name}) is not part of the network the options describe, ` +
          `or is listed twice`,
      );
    }
    listed.add(spec.name);
    if (spec.shape.join(',') !== shape!.join(',')) {
      fail(
        `weights.tensors[${i}]`,
        `(${spec.name}) has shape [${spec.shape.join(', ')}], but the ` +
          `network the options describe needs [${shape!.join(', ')}]`,
      );
    }
  });
  const missing = expected.filter((spec) => !listed.has(spec.name));
  if (missing.length > 0) {
    fail(
      'weights.tensors',
      `lacks ${missing.map((s) => s.name).join(', ')}, which the network ` +
        `the options describe needs`,
    );
  }
}

function splitWeights(
  manifest: ModelManifest,
  weights: Uint8Array,
  fail: Fail,
): Map<string, Float32Array> {
  const view = new DataView(
    weights.buffer,
    weights.byteOffset,
    weights.byteLength,
  );
  const arrays = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of manifest.weights.tensors) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * size > weights.byteLength) {
      fail(
        'weights.tensors',
        `(${spec.name}) needs more bytes than the weights file has`,
      );
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      data[i] = view.getFloat32(offset + 4 * i, true);
    }
    offset += 4 * size;
    arrays.set(spec.name, data);
  }
  if (offset !== weights.byteLength) {
    fail(
      'weights.tensors',
      `covers ${offset} bytes, but the weights file has ${weights.byteLength}`,
    );
  }
  return arrays;
}
