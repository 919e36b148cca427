import type { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  activate,
  activationDerivative,
  type Activation,
} from '../activations.js';

/** Weights of one dense layer, `y = activation(x · weight + bias)`. */
export interface DenseLayerWeights {
  inputSize: number;
  outputSize: number;
  /** `inputSize × outputSize` values, row-major. */
  weight: Float32Array;
  /** `outputSize` values. */
  bias: Float32Array;
  activation: Activation;
}

/** Size and activation of one dense layer. */
export interface DenseLayerSpec {
  inputSize: number;
  outputSize: number;
  activation: Activation;
}

/** A dense layer's weights as tensors (constants or trainable variables). */
export interface LayerTensors {
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
  activation: Activation;
}

/**
 * Creates a dense layer with Glorot-uniform weights (uniform in ±sqrt(6 /
 * (fanIn + fanOut))) drawn from `random`, and zero biases.
 */
export function initialiseDense(
  spec: DenseLayerSpec,
  random: Random,
): DenseLayerWeights {
  const { inputSize, outputSize } = spec;
  const limit = Math.sqrt(6 / (inputSize + outputSize));
  const weight = new Float32Array(inputSize * outputSize);
  for (let j = 0; j < weight.length; j++) {
    weight[j] = (2 * random.float() - 1) * limit;
  }
  return {
    inputSize,
    outputSize,
    weight,
    bias: new Float32Array(outputSize),
    activation: spec.activation,
  };
}

/** Applies one dense layer to a batch `x` (rows are samples). */
export function applyDense(x: tf.Tensor2D, layer: LayerTensors): tf.Tensor2D {
  const z = tf.add(tf.matMul(x, layer.weight), layer.bias);
  return activate(z, layer.activation) as tf.Tensor2D;
}

/** Creates constant tensors for a dense layer; the caller disposes them. */
export function denseTensors(layer: DenseLayerWeights): LayerTensors {
  return {
    weight: tf.tensor2d(layer.weight, [layer.inputSize, layer.outputSize]),
    bias: tf.tensor1d(layer.bias),
    activation: layer.activation,
  };
}

/** Copies a dense layer's tensors out as plain arrays, asynchronously. */
export async function readDense(
  layer: LayerTensors,
): Promise<DenseLayerWeights> {
  return {
    inputSize: layer.weight.shape[0],
    outputSize: layer.weight.shape[1],
    weight: new Float32Array(await layer.weight.data()),
    bias: new Float32Array(await layer.bias.data()),
    activation: layer.activation,
  };
}

/**
 * Applies the dense layer that reads the input batch, for training. Its
 * hand-written gradient skips the input batch's gradient, which training
 * never needs, and computes the weight gradient as an explicit transpose
 * and a plain matMul, because tfjs's wasm backend runs that several times
 * faster than a matMul with `transposeA`.
 */
export function firstDenseLayer(
  x: tf.Tensor2D,
  layer: LayerTensors,
): tf.Tensor2D {
  const { activation } = layer;
  const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [weight, bias, save] = args as [
      tf.Tensor2D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const y = activate(tf.add(tf.matMul(x, weight), bias), activation);
    save([y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dz = tf.mul(dy, activationDerivative(saved[0]!, activation));
      return [tf.matMul(tf.transpose(x), dz), tf.sum(dz, 0)];
    };
    return { value: y, gradFunc };
  });
  return apply(layer.weight, layer.bias) as tf.Tensor2D;
}
