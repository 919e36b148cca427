import type { FittedState } from './fitted-state.js';
import type { MixtureWeights } from './mixture/parameters.js';
import {
  planNetwork,
  type ConvLayerSpec,
  type ConvLayerWeights,
  type DenseLayerSpec,
  type DenseLayerWeights,
  type NetworkWeights,
} from './network/index.js';
import { hasMixtureParameters, type ResolvedOptions } from './options.js';
import type { Preprocessing } from './preprocessing/index.js';
import {
  networkShapeOf,
  type ArraySpec,
  type StateStructure,
} from './state-arrays.js';

/** Lists the arrays, in stored order, that the options need. */
export function expectedArrays(
  options: ResolvedOptions,
  structure: StateStructure,
): ArraySpec[] {
  const inputSize = options.pca ?? structure.nFeatures;
  const plan = planNetwork(
    networkShapeOf(options, inputSize, structure.dimension, structure.image),
  );
  const specs: ArraySpec[] = [
    ...convSpecs('convolutions', plan.convolutions),
    ...denseSpecs('encoder', plan.encoder),
    ...denseSpecs('layers', plan.layers),
    ...denseSpecs('decoder', plan.decoder),
    ...convSpecs('deconvolutions', plan.deconvolutions),
  ];

  const k = options.nClusters;
  const d = structure.dimension;
  if (options.trainableLocations) {
    specs.push({ name: 'mixture.locations', shape: [k, d] });
  }
  if (options.trainableLogits) {
    specs.push({ name: 'mixture.logits', shape: [k] });
  }
  if (options.trainableScale) {
    specs.push({ name: 'mixture.scale', shape: [k, d, d] });
  }

  if (options.pca !== null) {
    const n = structure.nFeatures;
    specs.push(
      { name: 'preprocessing.pca.mean', shape: [n] },
      { name: 'preprocessing.pca.components', shape: [options.pca, n] },
    );
  }
  if (options.scaling !== 'none') {
    specs.push(
      { name: 'preprocessing.scaling.shift', shape: [inputSize] },
      { name: 'preprocessing.scaling.factor', shape: [inputSize] },
    );
  }
  return specs;
}

/**
 * Rebuilds a state's weights and preprocessing from arrays found by name,
 * with activations taken from the options. The arrays must already match
 * {@link expectedArrays}.
 */
export function buildState(
  options: ResolvedOptions,
  structure: StateStructure,
  arrays: ReadonlyMap<string, Float32Array>,
  rest: Pick<FittedState, 'points' | 'training'>,
): FittedState {
  const inputSize = options.pca ?? structure.nFeatures;
  const plan = planNetwork(
    networkShapeOf(options, inputSize, structure.dimension, structure.image),
  );
  const get = (name: string) => arrays.get(name)!;
  const dense = (group: string, specs: DenseLayerSpec[]) =>
    specs.map((spec, i): DenseLayerWeights => ({
      ...spec,
      weight: get(`${group}.${i}.weight`),
      bias: get(`${group}.${i}.bias`),
    }));
  const convs = (group: string, specs: ConvLayerSpec[]) =>
    specs.map((spec, i): ConvLayerWeights => ({
      ...spec,
      kernel: get(`${group}.${i}.kernel`),
      bias: get(`${group}.${i}.bias`),
    }));

  const weights: NetworkWeights = { layers: dense('layers', plan.layers) };
  if (plan.convolutions.length > 0) {
    weights.convolutions = convs('convolutions', plan.convolutions);
    weights.image = { ...structure.image! };
  }
  if (plan.encoder.length > 0) weights.encoder = dense('encoder', plan.encoder);
  if (plan.decoder.length > 0) weights.decoder = dense('decoder', plan.decoder);
  if (plan.deconvolutions.length > 0) {
    weights.deconvolutions = convs('deconvolutions', plan.deconvolutions);
  }
  if (hasMixtureParameters(options)) {
    weights.mixture = buildMixture(options, structure.dimension, arrays);
  }

  const state: FittedState = {
    ...rest,
    weights,
    nFeatures: structure.nFeatures,
  };
  const preprocessing = buildPreprocessing(options, arrays);
  if (preprocessing !== undefined) state.preprocessing = preprocessing;
  return state;
}

function buildMixture(
  options: ResolvedOptions,
  dimension: number,
  arrays: ReadonlyMap<string, Float32Array>,
): MixtureWeights {
  const mixture: MixtureWeights = {
    nComponents: options.nClusters,
    dimension,
  };
  const locations = arrays.get('mixture.locations');
  const logits = arrays.get('mixture.logits');
  const scale = arrays.get('mixture.scale');
  if (locations !== undefined) mixture.locations = locations;
  if (logits !== undefined) mixture.logits = logits;
  if (scale !== undefined) mixture.scale = scale;
  return mixture;
}

function denseSpecs(group: string, layers: DenseLayerSpec[]): ArraySpec[] {
  return layers.flatMap((layer, i) => [
    {
      name: `${group}.${i}.weight`,
      shape: [layer.inputSize, layer.outputSize],
    },
    { name: `${group}.${i}.bias`, shape: [layer.outputSize] },
  ]);
}

function convSpecs(group: string, layers: ConvLayerSpec[]): ArraySpec[] {
  return layers.flatMap((layer, i) => [
    {
      name: `${group}.${i}.kernel`,
      shape: [3, 3, layer.inChannels, layer.outChannels],
    },
    { name: `${group}.${i}.bias`, shape: [layer.outChannels] },
  ]);
}

function buildPreprocessing(
  options: ResolvedOptions,
  arrays: ReadonlyMap<string, Float32Array>,
): Preprocessing | undefined {
  if (options.pca === null && options.scaling === 'none') return undefined;
  const preprocessing: Preprocessing = {};
  if (options.pca !== null) {
    preprocessing.pca = {
      nComponents: options.pca,
      mean: arrays.get('preprocessing.pca.mean')!,
      components: arrays.get('preprocessing.pca.components')!,
    };
  }
  if (options.scaling !== 'none') {
    preprocessing.scaling = {
      method: options.scaling,
      shift: arrays.get('preprocessing.scaling.shift')!,
      factor: arrays.get('preprocessing.scaling.factor')!,
    };
  }
  return preprocessing;
}
