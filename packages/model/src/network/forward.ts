import * as tf from '@tensorflow/tfjs-core';

import type { NetworkWeights } from './architecture.js';
import {
  convTensors,
  decoderLevel,
  encoderLevel,
  KERNEL_SIZE,
  type ConvTensors,
} from './convolution.js';
import { applyDense, denseTensors, type LayerTensors } from './dense.js';
import type { ImageShape } from './image.js';

/** A network's weights as tensors (constants or trainable variables). */
export interface NetworkTensors {
  convolutions: ConvTensors[];
  encoder: LayerTensors[];
  layers: LayerTensors[];
  decoder: LayerTensors[];
  deconvolutions: ConvTensors[];
  image: ImageShape | undefined;
}

/** Applies the dense layer that reads the input batch. */
export type FirstLayer = (x: tf.Tensor2D, layer: LayerTensors) => tf.Tensor2D;

/** Creates constant tensors for `weights`; the caller disposes them. */
export function toTensors(weights: NetworkWeights): NetworkTensors {
  return {
    convolutions: (weights.convolutions ?? []).map(convTensors),
    encoder: (weights.encoder ?? []).map(denseTensors),
    layers: weights.layers.map(denseTensors),
    decoder: (weights.decoder ?? []).map(denseTensors),
    deconvolutions: (weights.deconvolutions ?? []).map(convTensors),
    image: weights.image,
  };
}

/** Lists every tensor of a network, group by group from the input side. */
export function networkTensorList(network: NetworkTensors): tf.Tensor[] {
  const convs = (layers: ConvTensors[]) =>
    layers.flatMap((l) => [l.kernel, l.bias]);
  const dense = (layers: LayerTensors[]) =>
    layers.flatMap((l) => [l.weight, l.bias]);
  return [
    ...convs(network.convolutions),
    ...dense(network.encoder),
    ...dense(network.layers),
    ...dense(network.decoder),
    ...convs(network.deconvolutions),
  ];
}

/** Disposes tensors made by {@link toTensors}. */
export function disposeTensors(network: NetworkTensors): void {
  tf.dispose(networkTensorList(network));
}

/**
 * Applies the encoder to a batch `x` (rows are samples) and returns the
 * code: the convolution levels, then the dense encoder layers. Without an
 * encoder the code is `x` itself. `firstLayer`, when given, applies the
 * first dense layer of a network without convolutions.
 */
export function encode(
  x: tf.Tensor2D,
  network: NetworkTensors,
  firstLayer: FirstLayer = applyDense,
): tf.Tensor2D {
  let y = x;
  let first = firstLayer;
  if (network.convolutions.length > 0) {
    const { height, width, channels } = network.image!;
    let image = tf.reshape(x, [x.shape[0], height, width, channels]);
    for (const level of network.convolutions) {
      image = encoderLevel(image as tf.Tensor4D, level);
    }
    y = tf.reshape(image, [x.shape[0], -1]);
    first = applyDense;
  }
  network.encoder.forEach((layer, i) => {
    y = i === 0 ? first(y, layer) : applyDense(y, layer);
  });
  return y;
}

/**
 * Maps a batch into the mapped space: the encoder, then the mapping
 * layers. Returns the mapped batch and the code the decoder reads.
 */
export function forwardWithCode(
  x: tf.Tensor2D,
  network: NetworkTensors,
  firstLayer: FirstLayer = applyDense,
): { y: tf.Tensor2D; code: tf.Tensor2D } {
  const code = encode(x, network, firstLayer);
  const readsInput = code === x;
  let y = code;
  network.layers.forEach((layer, i) => {
    y = i === 0 && readsInput ? firstLayer(y, layer) : applyDense(y, layer);
  });
  return { y, code };
}

/** Maps a batch `x` (rows are samples) into the mapped space. */
export function forward(x: tf.Tensor2D, network: NetworkTensors): tf.Tensor2D {
  return forwardWithCode(x, network).y;
}

/**
 * Reconstructs the input from the code: the dense decoder layers, then,
 * for the CNN, the upsampling convolution levels. Returns `n × inputSize`.
 */
export function decode(
  code: tf.Tensor2D,
  network: NetworkTensors,
): tf.Tensor2D {
  let y = code;
  for (const layer of network.decoder) y = applyDense(y, layer);
  if (network.deconvolutions.length === 0) return y;

  const n = code.shape[0];
  const side = network.image!.height / 2 ** network.convolutions.length;
  const channels =
    network.deconvolutions[0]!.kernel.shape[0] / (KERNEL_SIZE * KERNEL_SIZE);
  let image = tf.reshape(y, [n, side, side, channels]);
  for (const level of network.deconvolutions) {
    image = decoderLevel(image as tf.Tensor4D, level);
  }
  return tf.reshape(image, [n, -1]);
}
