import * as tf from '@tensorflow/tfjs-core';

/** Activation functions the mapping network can use. */
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear'] as const;

/** Name of an activation; see {@link ACTIVATIONS}. */
export type Activation = (typeof ACTIVATIONS)[number];

/** Applies `activation` element-wise. */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'linear':
      return x;
  }
}

/**
 * Returns the derivative of `activation`, written in terms of its output
 * `y` so the backward pass needs no second copy of the pre-activation.
 */
export function activationDerivative(
  y: tf.Tensor,
  activation: Activation,
): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.sub(1, tf.square(y));
    case 'relu':
      return tf.cast(tf.greater(y, 0), 'float32');
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y));
    case 'linear':
      return tf.onesLike(y);
  }
}
