import {
  DENSE_TRAINING_STEP_KERNEL,
  type DenseStepActivation,
  type DenseTrainingStepAttrs,
} from '@fixclust/core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

import {
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelBackend,
} from './kernel.js';

/** Activation codes of `native/training_step.cc`. */
const ACTIVATION_CODES: Record<DenseStepActivation, number> = {
  tanh: 0,
  relu: 1,
  sigmoid: 2,
  linear: 3,
};

const LOSS_CODES = { km: 0, gmm: 1, cmm: 2 } as const;

/**
 * Returns a tensor's values as a Float32Array, without copying when it is
 * stored as one. The cpu backend's Cast relabels int32 values as float32
 * without converting them, so such an array is converted here.
 */
function floatValues(
  backend: NativeKernelBackend,
  tensor: TensorInfo,
): Float32Array {
  const stored = backend.data.get(tensor.dataId).values;
  if (stored instanceof Float32Array) return stored;
  return Float32Array.from(stored as ArrayLike<number>);
}

/**
 * Runs {@link DENSE_TRAINING_STEP_KERNEL} in the addon: forward pass, loss,
 * backward pass and update in one call, writing into arrays recycled from
 * disposed tensors.
 */
function denseTrainingStep(args: KernelArguments): TensorInfo[] {
  const backend = nativeBackendOf(args);
  const attrs = args.attrs as unknown as DenseTrainingStepAttrs;
  const inputs = args.inputs as Record<string, TensorInfo>;
  const layers = attrs.activations.length;
  const adam = attrs.optimizer === 'adam';
  const x = inputs['x']!;
  const points = inputs['points']!;

  const params: TensorInfo[] = [];
  for (let p = 0; p < 2 * layers; p++) params.push(inputs[`p${p}`]!);
  const moments = (prefix: string) =>
    adam ? params.map((_, p) => inputs[`${prefix}${p}`]!) : [];
  const first = moments('m');
  const second = moments('v');

  const shape = new Int32Array(4 + 2 * layers);
  shape[0] = x.shape[0]!;
  shape[1] = layers;
  shape[2] = points.shape[0]!;
  shape[3] = points.shape[1]!;
  for (let l = 0; l < layers; l++) {
    shape[4 + 2 * l] = params[2 * l]!.shape[0]!;
    shape[5 + 2 * l] = params[2 * l]!.shape[1]!;
  }
  const activations = Int32Array.from(
    attrs.activations,
    (name) => ACTIVATION_CODES[name],
  );
  const settings = Float64Array.of(
    LOSS_CODES[attrs.loss],
    attrs.lossConstant,
    attrs.lambda,
    attrs.varianceEpsilon,
    attrs.l2,
    adam ? 0 : 1,
    attrs.learningRate,
    attrs.beta1,
    attrs.beta2,
    attrs.epsilon,
    attrs.step,
  );

  const values = (tensors: TensorInfo[]) =>
    tensors.map((t) => floatValues(backend, t));
  const fresh = (tensors: TensorInfo[]) =>
    tensors.map((t) => backend.allocate(t.shape.reduce((a, b) => a * b, 1)));
  const newParams = fresh(params);
  const newFirst = fresh(first);
  const newSecond = fresh(second);
  const terms = new Float64Array(2);
  const loss = backend.addon.denseTrainingStep(
    floatValues(backend, x),
    floatValues(backend, points),
    values(params),
    values(first),
    values(second),
    newParams,
    newFirst,
    newSecond,
    shape,
    activations,
    settings,
    Float32Array.from(attrs.deviationTarget),
    terms,
  );

  const wrap = (arrays: Float32Array[], like: TensorInfo[]) =>
    arrays.map((array, i) => output(backend, like[i]!.shape, array));
  return [
    output(backend, [], Float32Array.of(loss)),
    output(backend, [], Float32Array.of(terms[0]!)),
    output(backend, [], Float32Array.of(terms[1]!)),
    ...wrap(newParams, params),
    ...wrap(newFirst, first),
    ...wrap(newSecond, second),
  ];
}

/** Returns the fused training step's kernel config for a backend. */
export function denseTrainingStepKernel(backendName: string): KernelConfig {
  return {
    kernelName: DENSE_TRAINING_STEP_KERNEL,
    backendName,
    kernelFunc: denseTrainingStep as KernelConfig['kernelFunc'],
  };
}
