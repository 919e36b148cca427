import type { Random } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import {
  activate,
  activationDerivative,
  type Activation,
} from './activations.js';

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

/**
 * Weights of the mapping network, held as plain arrays so a fitted model
 * keeps no tensors alive between calls and can be saved as it is.
 */
export interface NetworkWeights {
  layers: DenseLayerWeights[];
}

/** Shape of the mapping network. */
export interface NetworkShape {
  inputSize: number;
  hiddenSizes: readonly number[];
  outputSize: number;
  hiddenActivation: Activation;
  outputActivation: Activation;
}

/**
 * Creates a network with Glorot-uniform weights (uniform in ±sqrt(6 /
 * (fanIn + fanOut))) drawn from `random`, and zero biases.
 */
export function initialiseNetwork(
  shape: NetworkShape,
  random: Random,
): NetworkWeights {
  const sizes = [shape.inputSize, ...shape.hiddenSizes, shape.outputSize];
  const layers: DenseLayerWeights[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const inputSize = sizes[i]!;
    const outputSize = sizes[i + 1]!;
    const limit = Math.sqrt(6 / (inputSize + outputSize));
    const weight = new Float32Array(inputSize * outputSize);
    for (let j = 0; j < weight.length; j++) {
      weight[j] = (2 * random.float() - 1) * limit;
    }
    const isOutput = i + 2 === sizes.length;
    layers.push({
      inputSize,
      outputSize,
      weight,
      bias: new Float32Array(outputSize),
      activation: isOutput ? shape.outputActivation : shape.hiddenActivation,
    });
  }
  return { layers };
}

/** Applies the network to a batch `x` (rows are samples). */
export function forward(x: tf.Tensor2D, layers: readonly LayerTensors[]) {
  let y: tf.Tensor2D = x;
  for (const layer of layers) {
    const z = tf.add(tf.matMul(y, layer.weight), layer.bias);
    y = activate(z, layer.activation) as tf.Tensor2D;
  }
  return y;
}

/** A layer's weights as tensors (constants or trainable variables). */
export interface LayerTensors {
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
  activation: Activation;
}

/** Creates constant tensors for `weights`; the caller disposes them. */
export function toTensors(weights: NetworkWeights): LayerTensors[] {
  return weights.layers.map((layer) => ({
    weight: tf.tensor2d(layer.weight, [layer.inputSize, layer.outputSize]),
    bias: tf.tensor1d(layer.bias),
    activation: layer.activation,
  }));
}

/** Disposes tensors made by {@link toTensors}. */
export function disposeTensors(layers: readonly LayerTensors[]): void {
  for (const layer of layers) tf.dispose([layer.weight, layer.bias]);
}

/**
 * The network's weights as trainable tfjs variables, for one training run.
 */
export class NetworkVariables {
  readonly layers: Array<LayerTensors & { weight: tf.Variable<tf.Rank.R2> }>;

  constructor(weights: NetworkWeights) {
    // tidy frees the initial-value tensors; variables outlive a tidy scope.
    this.layers = tf.tidy(() =>
      weights.layers.map((layer) => ({
        weight: tf.variable(
          tf.tensor2d(layer.weight, [layer.inputSize, layer.outputSize]),
        ),
        bias: tf.variable(tf.tensor1d(layer.bias)),
        activation: layer.activation,
      })),
    );
  }

  /** Lists the variables in a stable order, for the optimizer. */
  variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.weight, l.bias as tf.Variable]);
  }

  /**
   * Applies the network for training. The first layer has a hand-written
   * gradient that skips the input batch's gradient, which training never
   * needs. It computes the weight gradient as an explicit transpose and a
   * plain matMul, because tfjs's wasm backend runs that several times faster
   * than a matMul with `transposeA`.
   */
  forwardForTraining(x: tf.Tensor2D): tf.Tensor2D {
    const [first, ...rest] = this.layers;
    let y = firstLayer(x, first!);
    for (const layer of rest) {
      const z = tf.add(tf.matMul(y, layer.weight), layer.bias);
      y = activate(z, layer.activation) as tf.Tensor2D;
    }
    return y;
  }

  /**
   * Copies the current values out as plain arrays. Reads asynchronously,
   * because GPU backends cannot read synchronously in Node.
   */
  async read(): Promise<NetworkWeights> {
    const layers = await Promise.all(
      this.layers.map(async (layer) => ({
        inputSize: layer.weight.shape[0],
        outputSize: layer.weight.shape[1],
        weight: new Float32Array(await layer.weight.data()),
        bias: new Float32Array(await layer.bias.data()),
        activation: layer.activation,
      })),
    );
    return { layers };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}

function firstLayer(x: tf.Tensor2D, layer: LayerTensors): tf.Tensor2D {
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
