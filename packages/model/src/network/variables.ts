import * as tf from '@tensorflow/tfjs-core';

import { MixtureVariables } from '../mixture/parameters.js';
import type { NetworkWeights } from './architecture.js';
import { readConv, type ConvTensors } from './convolution.js';
import { firstDenseLayer, readDense, type LayerTensors } from './dense.js';
import {
  decode,
  disposeTensors,
  forwardWithCode,
  networkTensorList,
  toTensors,
  type NetworkTensors,
} from './forward.js';

/**
 * The network's weights, and any trainable mixture parameters, as
 * trainable tfjs variables, for one training run.
 */
export class NetworkVariables {
  readonly network: NetworkTensors;
  readonly mixture: MixtureVariables | undefined;

  constructor(weights: NetworkWeights) {
    const constants = toTensors(weights);
    const variable = <T extends tf.Tensor>(t: T) =>
      tf.variable(t) as unknown as T;
    const dense = (layers: LayerTensors[]) =>
      layers.map((l) => ({
        ...l,
        weight: variable(l.weight),
        bias: variable(l.bias),
      }));
    const convs = (layers: ConvTensors[]) =>
      layers.map((l) => ({
        ...l,
        kernel: variable(l.kernel),
        bias: variable(l.bias),
      }));
    this.network = {
      convolutions: convs(constants.convolutions),
      encoder: dense(constants.encoder),
      layers: dense(constants.layers),
      decoder: dense(constants.decoder),
      deconvolutions: convs(constants.deconvolutions),
      image: constants.image,
    };
    // Variables copy their initial values, so the constants can go.
    disposeTensors(constants);
    this.mixture =
      weights.mixture === undefined
        ? undefined
        : new MixtureVariables(weights.mixture);
  }

  /** Lists the variables in a stable order, for the optimizer. */
  variables(): tf.Variable[] {
    const network = networkTensorList(this.network) as tf.Variable[];
    return [...network, ...(this.mixture?.variables() ?? [])];
  }

  /**
   * Lists the weight matrices and convolution kernels from the input to
   * the mapped space, which `l2` penalises. Biases and the decoder are
   * not listed.
   */
  mappingWeights(): tf.Tensor[] {
    return [
      ...this.network.convolutions.map((l) => l.kernel),
      ...this.network.encoder.map((l) => l.weight),
      ...this.network.layers.map((l) => l.weight),
    ];
  }

  /**
   * Maps a batch for training. The first dense layer that reads the input
   * uses {@link firstDenseLayer}'s hand-written gradient.
   */
  forwardForTraining(x: tf.Tensor2D): tf.Tensor2D {
    return this.forwardWithCode(x).y;
  }

  /** Maps a batch for training and returns the code too. */
  forwardWithCode(x: tf.Tensor2D): { y: tf.Tensor2D; code: tf.Tensor2D } {
    return forwardWithCode(x, this.network, firstDenseLayer);
  }

  /** Reconstructs a batch from its code with the decoder. */
  decode(code: tf.Tensor2D): tf.Tensor2D {
    return decode(code, this.network);
  }

  /** Tells whether the network has a decoder. */
  get hasDecoder(): boolean {
    return this.network.decoder.length > 0;
  }

  /**
   * Copies the current values out as plain arrays. Reads asynchronously,
   * because GPU backends cannot read synchronously in Node.
   */
  async read(): Promise<NetworkWeights> {
    const network = this.network;
    const dense = (layers: LayerTensors[]) =>
      Promise.all(layers.map(readDense));
    const convs = (layers: ConvTensors[]) => Promise.all(layers.map(readConv));
    const weights: NetworkWeights = { layers: await dense(network.layers) };
    if (network.convolutions.length > 0) {
      weights.convolutions = await convs(network.convolutions);
    }
    if (network.encoder.length > 0) {
      weights.encoder = await dense(network.encoder);
    }
    if (network.decoder.length > 0) {
      weights.decoder = await dense(network.decoder);
    }
    if (network.deconvolutions.length > 0) {
      weights.deconvolutions = await convs(network.deconvolutions);
    }
    if (network.image !== undefined) weights.image = { ...network.image };
    if (this.mixture !== undefined) weights.mixture = await this.mixture.read();
    return weights;
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
