import { decodeArrays, manifestFailure } from '@fixclust/core';

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
  const fail = manifestFailure(source);
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
  // The manifest's validation admits only float32 arrays.
  const arrays = decodeArrays(manifest.weights.tensors, weights, fail);
  return {
    options,
    structure,
    arrays: arrays as Map<string, Float32Array>,
  };
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
