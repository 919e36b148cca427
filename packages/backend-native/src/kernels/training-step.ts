import {
  assertIntegerInRange,
  DENSE_TRAINING_STEP_KERNEL,
  DENSE_TRAINING_STEPS_KERNEL,
  InvalidParameterError,
  type DenseStepActivation,
  type DenseTrainingStepAttrs,
  type DenseTrainingStepsAttrs,
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

/** The arguments both of the addon's training entry points take. */
interface StepArguments {
  points: Float32Array;
  params: Float32Array[];
  first: Float32Array[];
  second: Float32Array[];
  newParams: Float32Array[];
  newFirst: Float32Array[];
  newSecond: Float32Array[];
  shape: Int32Array;
  activations: Int32Array;
  settings: Float64Array;
  target: Float32Array;
  /** Tensors of the inputs, whose shapes the outputs take. */
  like: { params: TensorInfo[]; first: TensorInfo[]; second: TensorInfo[] };
}

/**
 * Reads the inputs and attributes the single and the multi-step kernels
 * share, for batches of `rows` rows, and allocates the updated parameters
 * and moments.
 */
function stepArguments(
  backend: NativeKernelBackend,
  inputs: Record<string, TensorInfo>,
  attrs: DenseTrainingStepAttrs,
  rows: number,
): StepArguments {
  checkCodes(attrs);
  const layers = attrs.activations.length;
  const adam = attrs.optimizer === 'adam';
  const points = inputs['points']!;

  const params: TensorInfo[] = [];
  for (let p = 0; p < 2 * layers; p++) params.push(inputs[`p${p}`]!);
  const moments = (prefix: string) =>
    adam ? params.map((_, p) => inputs[`${prefix}${p}`]!) : [];
  const first = moments('m');
  const second = moments('v');

  const shape = new Int32Array(4 + 2 * layers);
  shape[0] = rows;
  shape[1] = layers;
  shape[2] = points.shape[0]!;
  shape[3] = points.shape[1]!;
  for (let l = 0; l < layers; l++) {
    shape[4 + 2 * l] = params[2 * l]!.shape[0]!;
    shape[5 + 2 * l] = params[2 * l]!.shape[1]!;
  }
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
  return {
    points: floatValues(backend, points),
    params: values(params),
    first: values(first),
    second: values(second),
    newParams: fresh(params),
    newFirst: fresh(first),
    newSecond: fresh(second),
    shape,
    activations: Int32Array.from(
      attrs.activations,
      (name) => ACTIVATION_CODES[name],
    ),
    settings,
    target: Float32Array.from(attrs.deviationTarget),
    like: { params, first, second },
  };
}

/**
 * Checks the attributes the addon receives as codes, so that an unknown
 * name fails here instead of running another loss, optimizer or
 * activation.
 *
 * @throws InvalidParameterError naming the attribute and the names known.
 */
function checkCodes(attrs: DenseTrainingStepAttrs): void {
  const check = (name: string, value: string, known: readonly string[]) => {
    if (known.includes(value)) return;
    throw new InvalidParameterError(
      name,
      value,
      `${name} "${value}" is not one of ${known.join(', ')}`,
    );
  };
  check('loss', attrs.loss, Object.keys(LOSS_CODES));
  check('optimizer', attrs.optimizer, ['adam', 'sgd']);
  for (const activation of attrs.activations) {
    check('activation', activation, Object.keys(ACTIVATION_CODES));
  }
}

/** Lists the arguments both addon entries take between batch and terms. */
function sharedArguments(step: StepArguments) {
  return [
    step.points,
    step.params,
    step.first,
    step.second,
    step.newParams,
    step.newFirst,
    step.newSecond,
    step.shape,
    step.activations,
    step.settings,
    step.target,
  ] as const;
}

/** Wraps the updated parameters and moments as the kernel's outputs. */
function updatedOutputs(
  backend: NativeKernelBackend,
  step: StepArguments,
): TensorInfo[] {
  const wrap = (arrays: Float32Array[], like: TensorInfo[]) =>
    arrays.map((array, i) => output(backend, like[i]!.shape, array));
  return [
    ...wrap(step.newParams, step.like.params),
    ...wrap(step.newFirst, step.like.first),
    ...wrap(step.newSecond, step.like.second),
  ];
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
  const x = inputs['x']!;
  const step = stepArguments(backend, inputs, attrs, x.shape[0]!);
  const terms = new Float64Array(2);
  const loss = backend.addon.denseTrainingStep(
    floatValues(backend, x),
    ...sharedArguments(step),
    terms,
  );
  return [
    output(backend, [], Float32Array.of(loss)),
    output(backend, [], Float32Array.of(terms[0]!)),
    output(backend, [], Float32Array.of(terms[1]!)),
    ...updatedOutputs(backend, step),
  ];
}

/**
 * Runs {@link DENSE_TRAINING_STEPS_KERNEL} in the addon: consecutive
 * steps, each gathering its batch from `data` in native code, so a call
 * of 64 steps costs one pass through tfjs instead of 64.
 */
function denseTrainingSteps(args: KernelArguments): TensorInfo[] {
  const backend = nativeBackendOf(args);
  const attrs = args.attrs as unknown as DenseTrainingStepsAttrs;
  const inputs = args.inputs as Record<string, TensorInfo>;
  const order = inputs['order']!;
  // The addon reads these as 32-bit integers.
  const int32 = 2 ** 31 - 1;
  assertIntegerInRange('start', attrs.start, 0, int32);
  assertIntegerInRange('batchSize', attrs.batchSize, 1, int32);
  assertIntegerInRange('batches', attrs.batches, 0, int32);
  const step = stepArguments(backend, inputs, attrs, attrs.batchSize);
  const stepTerms = new Float32Array(3 * attrs.batches);
  const stored = backend.data.get(order.dataId).values;
  const ran = backend.addon.denseTrainingSteps(
    floatValues(backend, inputs['data']!),
    ...sharedArguments(step),
    stepTerms,
    stored instanceof Int32Array
      ? stored
      : Int32Array.from(stored as ArrayLike<number>),
    Int32Array.of(attrs.start, attrs.batches),
  );
  return [
    output(backend, [ran, 3], stepTerms.subarray(0, 3 * ran)),
    ...updatedOutputs(backend, step),
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

/** Returns the multi-step training kernel's config for a backend. */
export function denseTrainingStepsKernel(backendName: string): KernelConfig {
  return {
    kernelName: DENSE_TRAINING_STEPS_KERNEL,
    backendName,
    kernelFunc: denseTrainingSteps as KernelConfig['kernelFunc'],
  };
}
