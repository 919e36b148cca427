import type { FittedState } from './fitted-state.js';
import type { MixtureWeights } from './mixture/parameters.js';
import type {
  ConvLayerWeights,
  DenseLayerWeights,
  ImageShape,
  NetworkShape,
} from './network/index.js';
import type { ResolvedOptions } from './options.js';

/** Name and shape of one array of a fitted state. */
export interface ArraySpec {
  name: string;
  shape: number[];
}

/** One array of a fitted state, named as in a saved model's weights file. */
export interface NamedArray extends ArraySpec {
  values: Float32Array;
}

/** The sizes a fitted state's arrays follow from, besides the options. */
export interface StateStructure {
  /** Input features before preprocessing. */
  nFeatures: number;
  /** Dimension d of the mapped space. */
  dimension: number;
  /** Image shape of the CNN's input; absent for the MLP. */
  image?: ImageShape | undefined;
}

/** Describes the network that the options give for these sizes. */
export function networkShapeOf(
  options: ResolvedOptions,
  inputSize: number,
  outputSize: number,
  image: ImageShape | undefined,
): NetworkShape {
  const autoencoder = options.autoencoder;
  return {
    inputSize,
    hiddenSizes: options.hiddenSizes,
    outputSize,
    hiddenActivation: options.activation,
    outputActivation: options.outputActivation,
    image,
    filters: image === undefined ? undefined : (options.filters ?? undefined),
    autoencoder:
      autoencoder.depth === 0
        ? undefined
        : {
            sizes: autoencoder.sizes,
            decoderActivation: autoencoder.decoderActivation,
          },
  };
}

/**
 * Lists every array of a state in the order a saved model stores them:
 * network groups from the input side, mixture, then preprocessing. A
 * default MLP has only `layers.<i>.weight` and `layers.<i>.bias`.
 */
export function stateArrays(state: FittedState): NamedArray[] {
  const weights = state.weights;
  const arrays: NamedArray[] = [
    ...convArrays('convolutions', weights.convolutions),
    ...denseArrays('encoder', weights.encoder),
    ...denseArrays('layers', weights.layers),
    ...denseArrays('decoder', weights.decoder),
    ...convArrays('deconvolutions', weights.deconvolutions),
  ];
  const mixture = weights.mixture;
  if (mixture !== undefined) arrays.push(...mixtureArrays(mixture));
  const pca = state.preprocessing?.pca;
  if (pca !== undefined) {
    const d = pca.mean.length;
    arrays.push(
      { name: 'preprocessing.pca.mean', shape: [d], values: pca.mean },
      {
        name: 'preprocessing.pca.components',
        shape: [pca.nComponents, d],
        values: pca.components,
      },
    );
  }
  const scaling = state.preprocessing?.scaling;
  if (scaling !== undefined) {
    const p = scaling.shift.length;
    arrays.push(
      {
        name: 'preprocessing.scaling.shift',
        shape: [p],
        values: scaling.shift,
      },
      {
        name: 'preprocessing.scaling.factor',
        shape: [p],
        values: scaling.factor,
      },
    );
  }
  return arrays;
}

function denseArrays(
  group: string,
  layers: DenseLayerWeights[] | undefined,
): NamedArray[] {
  return (layers ?? []).flatMap((layer, i) => [
    {
      name: `${group}.${i}.weight`,
      shape: [layer.inputSize, layer.outputSize],
      values: layer.weight,
    },
    {
      name: `${group}.${i}.bias`,
      shape: [layer.outputSize],
      values: layer.bias,
    },
  ]);
}

function convArrays(
  group: string,
  layers: ConvLayerWeights[] | undefined,
): NamedArray[] {
  return (layers ?? []).flatMap((layer, i) => [
    {
      name: `${group}.${i}.kernel`,
      shape: [3, 3, layer.inChannels, layer.outChannels],
      values: layer.kernel,
    },
    {
      name: `${group}.${i}.bias`,
      shape: [layer.outChannels],
      values: layer.bias,
    },
  ]);
}

function mixtureArrays(mixture: MixtureWeights): NamedArray[] {
  const k = mixture.nComponents;
  const d = mixture.dimension;
  const arrays: NamedArray[] = [];
  if (mixture.locations !== undefined) {
    arrays.push({
      name: 'mixture.locations',
      shape: [k, d],
      values: mixture.locations,
    });
  }
  if (mixture.logits !== undefined) {
    arrays.push({ name: 'mixture.logits', shape: [k], values: mixture.logits });
  }
  if (mixture.scale !== undefined) {
    arrays.push({
      name: 'mixture.scale',
      shape: [k, d, d],
      values: mixture.scale,
    });
  }
  return arrays;
}
