import type { Random } from '@fixclust/core';

import type { Activation } from '../activations.js';
import type { MixtureWeights } from '../mixture/parameters.js';
import {
  initialiseConv,
  type ConvLayerSpec,
  type ConvLayerWeights,
} from './convolution.js';
import {
  initialiseDense,
  type DenseLayerSpec,
  type DenseLayerWeights,
} from './dense.js';
import type { ImageShape } from './image.js';

/** Shape of the network: input, optional encoder and decoder, mapping. */
export interface NetworkShape {
  /** Input features (after preprocessing). */
  inputSize: number;
  /** Hidden layer sizes of the mapping layers. */
  hiddenSizes: readonly number[];
  /** Dimension d of the mapped space. */
  outputSize: number;
  hiddenActivation: Activation;
  outputActivation: Activation;
  /** Image shape of the CNN's input; absent for the MLP. */
  image?: ImageShape | undefined;
  /** Filters of each convolution level; read with `image`. */
  filters?: readonly number[] | undefined;
  /** Encoder widths and decoder output activation of the autoencoder. */
  autoencoder?:
    { sizes: readonly number[]; decoderActivation: Activation } | undefined;
}

/**
 * Weights of the whole network, held as plain arrays so a fitted model
 * keeps no tensors alive between calls and can be saved as it is. Only
 * `layers` exists for the default MLP; the other groups appear with the
 * options that need them.
 */
export interface NetworkWeights {
  /** Convolution levels of the CNN's encoder, input side first. */
  convolutions?: ConvLayerWeights[];
  /** Dense layers of the autoencoder's encoder, ending at the code. */
  encoder?: DenseLayerWeights[];
  /**
   * Mapping layers from the code (or the input) to the mapped space; empty
   * when the autoencoder's code is the mapped space.
   */
  layers: DenseLayerWeights[];
  /** Dense layers of the decoder, from the code outwards. */
  decoder?: DenseLayerWeights[];
  /** Upsampling convolution levels of the CNN's decoder. */
  deconvolutions?: ConvLayerWeights[];
  /** Shape of one input image; present with `convolutions`. */
  image?: ImageShape;
  /** Trained mixture parameters; present when any is trainable. */
  mixture?: MixtureWeights;
}

/** Every layer of a network, by group, input side first. */
export interface NetworkPlan {
  convolutions: ConvLayerSpec[];
  encoder: DenseLayerSpec[];
  layers: DenseLayerSpec[];
  decoder: DenseLayerSpec[];
  deconvolutions: ConvLayerSpec[];
}

/** Lays out the layers that `shape` describes. */
export function planNetwork(shape: NetworkShape): NetworkPlan {
  const hidden = shape.hiddenActivation;
  const convolutions = planConvolutions(shape);
  const flatSize = flattenedSize(shape);
  const sizes = shape.autoencoder?.sizes ?? [];
  const codeIsMapped = sizes.length > 0 && shape.hiddenSizes.length === 0;
  const encoder = denseChain([flatSize, ...sizes], (i) =>
    codeIsMapped && i === sizes.length - 1 ? shape.outputActivation : hidden,
  );

  const mappingSizes = [...shape.hiddenSizes, shape.outputSize];
  const codeSize = sizes.length > 0 ? sizes[sizes.length - 1]! : flatSize;
  const layers = codeIsMapped
    ? []
    : denseChain([codeSize, ...mappingSizes], (i) =>
        i === mappingSizes.length - 1 ? shape.outputActivation : hidden,
      );

  const decoderActivation = shape.autoencoder?.decoderActivation ?? hidden;
  const decoderSizes = [...sizes].reverse();
  const decoder =
    sizes.length === 0
      ? []
      : denseChain([...decoderSizes, flatSize], (i) =>
          i === sizes.length - 1 && shape.image === undefined
            ? decoderActivation
            : hidden,
        );
  const deconvolutions =
    sizes.length === 0 ? [] : planDeconvolutions(shape, decoderActivation);
  return { convolutions, encoder, layers, decoder, deconvolutions };
}

/**
 * Creates a network with Glorot-uniform weights drawn from `random`, group
 * by group from the input side, and zero biases.
 */
export function initialiseNetwork(
  shape: NetworkShape,
  random: Random,
): NetworkWeights {
  const plan = planNetwork(shape);
  const convolutions = plan.convolutions.map((s) => initialiseConv(s, random));
  const encoder = plan.encoder.map((s) => initialiseDense(s, random));
  const layers = plan.layers.map((s) => initialiseDense(s, random));
  const decoder = plan.decoder.map((s) => initialiseDense(s, random));
  const deconvolutions = plan.deconvolutions.map((s) =>
    initialiseConv(s, random),
  );
  const weights: NetworkWeights = { layers };
  if (convolutions.length > 0) weights.convolutions = convolutions;
  if (encoder.length > 0) weights.encoder = encoder;
  if (decoder.length > 0) weights.decoder = decoder;
  if (deconvolutions.length > 0) weights.deconvolutions = deconvolutions;
  if (shape.image !== undefined) weights.image = { ...shape.image };
  return weights;
}

/** Number of values per sample after the convolution levels. */
export function flattenedSize(shape: NetworkShape): number {
  const image = shape.image;
  if (image === undefined) return shape.inputSize;
  const filters = shape.filters ?? [];
  const side = image.height / 2 ** filters.length;
  return side * side * filters[filters.length - 1]!;
}

function planConvolutions(shape: NetworkShape): ConvLayerSpec[] {
  if (shape.image === undefined) return [];
  let inChannels = shape.image.channels;
  return (shape.filters ?? []).map((outChannels) => {
    const spec = {
      inChannels,
      outChannels,
      activation: shape.hiddenActivation,
    };
    inChannels = outChannels;
    return spec;
  });
}

function planDeconvolutions(
  shape: NetworkShape,
  decoderActivation: Activation,
): ConvLayerSpec[] {
  if (shape.image === undefined) return [];
  const filters = shape.filters ?? [];
  const specs: ConvLayerSpec[] = [];
  for (let level = filters.length - 1; level >= 0; level--) {
    const last = level === 0;
    specs.push({
      inChannels: filters[level]!,
      outChannels: last ? shape.image.channels : filters[level - 1]!,
      activation: last ? decoderActivation : shape.hiddenActivation,
    });
  }
  return specs;
}

/** Dense layers through `sizes`, layer i with activation `activationOf(i)`. */
function denseChain(
  sizes: readonly number[],
  activationOf: (index: number) => Activation,
): DenseLayerSpec[] {
  const specs: DenseLayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    specs.push({
      inputSize: sizes[i]!,
      outputSize: sizes[i + 1]!,
      activation: activationOf(i),
    });
  }
  return specs;
}
