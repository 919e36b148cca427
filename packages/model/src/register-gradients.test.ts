import { cpuBackend } from '@fixclust/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';

import { registerGradients } from './training-step.js';

// Each test file runs with its own copy of tfjs-core, so no other file has
// registered the gradient functions here.
it('registers the gradient functions tf.grad needs', async () => {
  await cpuBackend().initialise();
  const square = (x: tf.Tensor) => tf.sum(tf.square(x));
  const x = tf.tensor1d([1, 2, 3]);
  expect(() => tf.grad(square)(x)).toThrow(/gradient function not found/);

  await registerGradients();
  await registerGradients();
  const gradient = tf.grad(square)(x);
  expect(Array.from(await gradient.data())).toEqual([2, 4, 6]);
  tf.dispose([x, gradient]);
});
