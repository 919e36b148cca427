import {
  ArgMax,
  ArgMin,
  Max,
  Mean,
  Min,
  Prod,
  Sum,
  util,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import {
  floatInputs,
  nativeBackendOf,
  output,
  type KernelArguments,
  type NativeKernelConfig,
} from './kernel.js';
import { planReduction } from './layout.js';

/** Reduction codes of the addon (`native/reduce.cc`). */
const ReduceOp = { sum: 0, mean: 1, min: 2, max: 3, prod: 4 } as const;

/** Attributes of the reductions; Max calls its axes `reductionIndices`. */
interface ReductionAttrs {
  axis?: number | number[];
  reductionIndices?: number | number[];
  keepDims: boolean;
}

function reductionKernel(kernelName: string, op: number): NativeKernelConfig {
  return {
    kernelName,
    create: (fallback: KernelFunc) => (args: KernelArguments) => {
      const { x } = args.inputs as { x: TensorInfo };
      const attrs = args.attrs as unknown as ReductionAttrs;
      const axis = attrs.axis ?? attrs.reductionIndices!;
      const backend = nativeBackendOf(args);
      const [source] = floatInputs(backend, x) ?? [];
      if (source === undefined) return fallback(args);
      const plan = planReduction(x.shape, util.parseAxisParam(axis, x.shape));
      if (plan === null) return fallback(args);

      const values = backend.allocate(plan.outer * plan.inner);
      backend.addon.reduce(
        op,
        source,
        values,
        plan.outer,
        plan.reduced,
        plan.inner,
      );
      const outShape = attrs.keepDims ? plan.keptShape : plan.outShape;
      return output(backend, outShape, values);
    },
  };
}

function argReductionKernel(
  kernelName: string,
  op: number,
): NativeKernelConfig {
  return {
    kernelName,
    create: (fallback: KernelFunc) => (args: KernelArguments) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { axis } = args.attrs as unknown as { axis: number };
      const backend = nativeBackendOf(args);
      const [source] = floatInputs(backend, x) ?? [];
      if (source === undefined) return fallback(args);
      const axes = util.parseAxisParam(axis, x.shape).slice(0, 1);
      const plan = planReduction(x.shape, axes)!;

      const values = new Int32Array(plan.outer * plan.inner);
      backend.addon.argReduce(
        op,
        source,
        values,
        plan.outer,
        plan.reduced,
        plan.inner,
      );
      return output(backend, plan.outShape, values, 'int32');
    },
  };
}

/** Native reduction kernels. */
export const REDUCTION_KERNELS: readonly NativeKernelConfig[] = [
  reductionKernel(Sum, ReduceOp.sum),
  reductionKernel(Mean, ReduceOp.mean),
  reductionKernel(Min, ReduceOp.min),
  reductionKernel(Max, ReduceOp.max),
  reductionKernel(Prod, ReduceOp.prod),
  argReductionKernel(ArgMin, 0),
  argReductionKernel(ArgMax, 1),
];
