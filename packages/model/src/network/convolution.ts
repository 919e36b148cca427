import type { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { activate, type Activation } from '../activations.js';

/** Side of the square convolution kernels. */
export const KERNEL_SIZE = 3;

/**
 * Weights of one 3 × 3 convolution with same padding, `y =
 * activation(conv(x, kernel) + bias)`.
 */
export interface ConvLayerWeights {
  inChannels: number;
  outChannels: number;
  /** `3 × 3 × inChannels × outChannels` values, row-major (HWIO). */
  kernel: Float32Array;
  /** `outChannels` values. */
  bias: Float32Array;
  activation: Activation;
}

/** Channels and activation of one convolution. */
export interface ConvLayerSpec {
  inChannels: number;
  outChannels: number;
  activation: Activation;
}

/**
 * A convolution's weights as tensors, the kernel reshaped to `9 ·
 * inChannels × outChannels` for the patch product.
 */
export interface ConvTensors {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  activation: Activation;
}

/**
 * Creates a convolution with Glorot-uniform kernel values (fan-in 9 ·
 * inChannels, fan-out 9 · outChannels, as Keras counts them) drawn from
 * `random`, and zero biases.
 */
export function initialiseConv(
  spec: ConvLayerSpec,
  random: Random,
): ConvLayerWeights {
  const area = KERNEL_SIZE * KERNEL_SIZE;
  const fanIn = area * spec.inChannels;
  const fanOut = area * spec.outChannels;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const kernel = new Float32Array(fanIn * spec.outChannels);
  for (let j = 0; j < kernel.length; j++) {
    kernel[j] = (2 * random.float() - 1) * limit;
  }
  return { ...spec, kernel, bias: new Float32Array(spec.outChannels) };
}

/** Creates constant tensors for a convolution; the caller disposes them. */
export function convTensors(layer: ConvLayerWeights): ConvTensors {
  const rows = KERNEL_SIZE * KERNEL_SIZE * layer.inChannels;
  return {
    kernel: tf.tensor2d(layer.kernel, [rows, layer.outChannels]),
    bias: tf.tensor1d(layer.bias),
    activation: layer.activation,
  };
}

/** Copies a convolution's tensors out as plain arrays, asynchronously. */
export async function readConv(layer: ConvTensors): Promise<ConvLayerWeights> {
  const [rows, outChannels] = layer.kernel.shape;
  return {
    inChannels: rows / (KERNEL_SIZE * KERNEL_SIZE),
    outChannels,
    kernel: new Float32Array(await layer.kernel.data()),
    bias: new Float32Array(await layer.bias.data()),
    activation: layer.activation,
  };
}

/**
 * Applies a 3 × 3 convolution with same (zero) padding and its activation
 * to `x`, `n × height × width × channels`.
 *
 * The convolution is a product of the 3 × 3 patches with the kernel
 * (im2col), built from pad, slice, concat and matMul. tfjs's wasm backend
 * (4.22) has no Conv2DBackpropFilter kernel, so `tf.conv2d` cannot be
 * trained there; these ops have gradients on every backend.
 */
export function applyConv(x: tf.Tensor4D, layer: ConvTensors): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const patches: tf.Tensor4D[] = [];
  for (let dy = 0; dy < KERNEL_SIZE; dy++) {
    for (let dx = 0; dx < KERNEL_SIZE; dx++) {
      patches.push(
        tf.slice(padded, [0, dy, dx, 0], [n, height, width, channels]),
      );
    }
  }
  const columns = tf.reshape(tf.concat(patches, 3), [
    n * height * width,
    KERNEL_SIZE * KERNEL_SIZE * channels,
  ]);
  const z = tf.add(tf.matMul(columns, layer.kernel), layer.bias);
  const outChannels = layer.kernel.shape[1];
  const y = activate(z, layer.activation);
  return tf.reshape(y, [n, height, width, outChannels]);
}

/** Applies one encoder level: the convolution, then 2 × 2 max-pooling. */
export function encoderLevel(x: tf.Tensor4D, layer: ConvTensors): tf.Tensor4D {
  return tf.maxPool(applyConv(x, layer), 2, 2, 'valid');
}

/**
 * Applies one decoder level: 2 × 2 nearest-neighbour upsampling, then
 * the convolution.
 */
export function decoderLevel(x: tf.Tensor4D, layer: ConvTensors): tf.Tensor4D {
  const [, height, width] = x.shape;
  const upsampled = tf.image.resizeNearestNeighbor(x, [2 * height, 2 * width]);
  return applyConv(upsampled, layer);
}

/** Largest patch matrix, in values, that one prediction batch may build. */
const MAX_PATCH_VALUES = 2 ** 24;

/**
 * Caps a prediction batch for a network with convolutions, so the largest
 * patch matrix of its encoder levels stays within 2^24 values. Prediction
 * never runs the decoder, so its levels do not count.
 */
export function capBatchRows(
  rows: number,
  side: number,
  levels: ReadonlyArray<{ inChannels: number }>,
): number {
  let perSample = 0;
  levels.forEach((level, i) => {
    const levelSide = side / 2 ** i;
    const values = levelSide ** 2 * KERNEL_SIZE ** 2 * level.inChannels;
    perSample = Math.max(perSample, values);
  });
  if (perSample === 0) return rows;
  return Math.max(1, Math.min(rows, Math.floor(MAX_PATCH_VALUES / perSample)));
}
