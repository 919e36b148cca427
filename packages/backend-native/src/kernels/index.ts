import { CAST_KERNELS } from './cast.js';
import { COMPARE_KERNELS } from './compare.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import type { NativeKernelConfig } from './kernel.js';
import { MATMUL_KERNELS } from './matmul.js';
import { REDUCTION_KERNELS } from './reduce.js';
import { TRANSPOSE_KERNELS } from './transpose.js';

export type { NativeKernelBackend, NativeKernelConfig } from './kernel.js';

/**
 * Every kernel the native backend replaces; all but Cast run in the addon.
 */
export const NATIVE_KERNELS: readonly NativeKernelConfig[] = [
  ...MATMUL_KERNELS,
  ...ELEMENTWISE_KERNELS,
  ...COMPARE_KERNELS,
  ...REDUCTION_KERNELS,
  ...TRANSPOSE_KERNELS,
  ...CAST_KERNELS,
];
