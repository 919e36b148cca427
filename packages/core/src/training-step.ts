import type { ClusteringLoss } from './types.js';

/**
 * Name of the tfjs kernel a compute backend may register to run a whole
 * training step of a dense mapping network in one call. The step is the
 * forward pass, the clustering loss to fixed representatives plus the
 * variable-features term (and any L2 penalty), the backward pass and the
 * optimizer update. The model uses it, when the active backend has it,
 * for the networks and options it covers, and the backend conformance
 * suite checks it. Every other configuration runs as separate tfjs
 * kernels.
 *
 * Inputs, by name: `x` (batch × input width), `points` (the k × d fixed
 * representatives), `p0 … p(2L-1)` (each layer's weight, `in × out`, then
 * its bias), and for Adam `m0 …` and `v0 …` (the first and second moments
 * of each parameter, in the same order). Outputs, in order: the batch's
 * loss before the update, its clustering term and its variable-features
 * term (three scalars), the updated parameters, then for Adam the updated
 * first and second moments.
 */
export const DENSE_TRAINING_STEP_KERNEL = 'FixclustDenseTrainingStep';

/** Attributes of {@link DENSE_TRAINING_STEP_KERNEL}. */
export interface DenseTrainingStepAttrs {
  /** Activation of each layer, from the input side. */
  activations: DenseStepActivation[];
  loss: ClusteringLoss;
  /**
   * Constant added to the batch-mean negative log-likelihood of the
   * mixture losses (`gmm`, `cmm`); 0 for `km`.
   */
  lossConstant: number;
  /** Weight of the variable-features term. */
  lambda: number;
  /** Epsilon inside the variable-features term's square root. */
  varianceEpsilon: number;
  /**
   * Cap on each mapped feature's standard deviation in the
   * variable-features term, `-lambda · mean_j min(std_j, target_j)`, one
   * value per feature; empty for no cap.
   */
  deviationTarget: number[];
  /** Weight of `Σ w²` over the layers' weights (not biases); 0 for none. */
  l2: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** Adam's decay rates and epsilon, as tfjs's Adam uses them. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Number of this update, from 1, for Adam's bias correction. */
  step: number;
}

/** Activations {@link DENSE_TRAINING_STEP_KERNEL} supports. */
export type DenseStepActivation = 'tanh' | 'relu' | 'sigmoid' | 'linear';

/**
 * Name of the tfjs kernel a compute backend may register, beside
 * {@link DENSE_TRAINING_STEP_KERNEL}, to run several consecutive training
 * steps in one call. Each step is exactly that kernel's step on one batch.
 * The batches are rows of the whole training matrix taken in a given
 * order, so no batch tensor is made per step and the caller's per-step
 * work (tensor bookkeeping, reading back the loss) happens once per call.
 *
 * Inputs, by name: `data` (rows × input width, the training matrix),
 * `order` (int32, a permutation of row indices), then `points`, `p…`, `m…`
 * and `v…` as for the single step. Batch b of the call is
 * `order[start + b · batchSize …]`, `batchSize` rows or fewer at the end of
 * `order`. Outputs, in order: a float32 tensor of shape `[steps, 3]` with
 * each step's loss, clustering term and variable-features term, then the
 * updated parameters and, for Adam, moments, as the single step orders
 * them. The call runs `batches` steps, or stops after the first step
 * whose loss, as a float32, is not finite. The first dimension of the
 * first output is the number of steps that ran.
 */
export const DENSE_TRAINING_STEPS_KERNEL = 'FixclustDenseTrainingSteps';

/**
 * Attributes of {@link DENSE_TRAINING_STEPS_KERNEL}: those of the single
 * step, where `step` numbers the first update of the call, and the
 * batches to run.
 */
export interface DenseTrainingStepsAttrs extends DenseTrainingStepAttrs {
  /** Position in `order` of the first row of the first batch. */
  start: number;
  /** Rows per batch; the batch at the end of `order` may have fewer. */
  batchSize: number;
  /** Steps to run, at most as many as `order` has batches from `start`. */
  batches: number;
}
