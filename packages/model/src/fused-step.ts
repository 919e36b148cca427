import {
  DENSE_TRAINING_STEP_KERNEL,
  DENSE_TRAINING_STEPS_KERNEL,
  type DenseTrainingStepAttrs,
  type DenseTrainingStepsAttrs,
} from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { mixtureLossConstant } from './losses.js';
import type { NetworkVariables } from './network/index.js';
import type { ObjectiveContext } from './objective.js';
import type { StepOutcome } from './training-step.js';

/**
 * Runs training steps through the active backend's
 * {@link DENSE_TRAINING_STEP_KERNEL}: one kernel call per step instead of
 * the ~200 of the tfjs graph, with the optimizer's moments carried between
 * calls as tensors. The optimizer's own state is read when the runner is
 * created and written back by {@link FusedSteps.finish}, so an optimizer
 * shared across runs continues exactly where the runner left it.
 */
export class FusedSteps {
  private moments: tf.Tensor[];
  /** Moments still owned by the optimizer, which the runner must not free. */
  private borrowed: boolean;
  private step: number;

  private constructor(
    private readonly context: ObjectiveContext,
    private readonly variables: tf.Variable[],
    private readonly optimizer: tf.Optimizer,
    private readonly attrs: Omit<DenseTrainingStepAttrs, 'step'>,
    state: OptimizerState,
  ) {
    this.moments = state.moments;
    this.borrowed = state.moments.length > 0;
    this.step = state.iterations;
  }

  /**
   * Returns a runner when the active backend registers the fused kernel
   * and the training needs nothing else. That means a plain stack of dense
   * layers with every variable trained, fixed representatives, no
   * autoencoder, the clustering objective (not reconstruction alone) and
   * tfjs's Adam or SGD optimizer. Otherwise it returns undefined, and the
   * caller runs the tfjs graph.
   */
  static async create(
    context: ObjectiveContext,
    network: NetworkVariables,
    optimizer: tf.Optimizer,
    variables: tf.Variable[],
  ): Promise<FusedSteps | undefined> {
    if (tf.getKernel(DENSE_TRAINING_STEP_KERNEL, tf.getBackend()) === undefined)
      return undefined;
    const { network: layers } = network;
    const { options } = context;
    const plain =
      network.mixture === undefined &&
      layers.convolutions.length === 0 &&
      layers.encoder.length === 0 &&
      layers.decoder.length === 0 &&
      layers.layers.length > 0 &&
      context.reconstructionOnly !== true &&
      (options.autoencoder === undefined || options.autoencoder.depth === 0);
    const all = network.variables();
    const everyVariable =
      variables.length === all.length &&
      variables.every((variable, i) => variable === all[i]);
    const settings = optimizerSettings(optimizer);
    if (!plain || !everyVariable || settings === undefined) return undefined;

    const [k, d] = context.representatives.points.shape;
    const attrs: Omit<DenseTrainingStepAttrs, 'step'> = {
      activations: layers.layers.map((layer) => layer.activation),
      loss: options.loss,
      lossConstant: mixtureLossConstant(options.loss, k, d),
      lambda: options.lambda,
      varianceEpsilon: options.varianceEpsilon,
      deviationTarget: [...(context.deviationTarget ?? [])],
      l2: options.l2 ?? 0,
      ...settings,
    };
    const state = await readOptimizerState(optimizer, variables.length);
    return new FusedSteps(context, variables, optimizer, attrs, state);
  }

  /**
   * Runs one step on the batch `x` and returns its loss before the update,
   * with the loss's clustering and variable-features terms.
   */
  async run(x: tf.Tensor2D): Promise<StepOutcome> {
    const outputs = this.runKernel(DENSE_TRAINING_STEP_KERNEL, { x }, {});
    this.step += 1;
    const [loss, clustering, spread] = outputs as tf.Scalar[];
    const scalars = [loss!, clustering!, spread!];
    const [total, clusteringValue, spreadValue] = await Promise.all(
      scalars.map(async (t) => (await t.data())[0]!),
    );
    tf.dispose(scalars);
    return {
      loss: total!,
      clustering: clusteringValue!,
      variableFeatures: spreadValue!,
    };
  }

  /**
   * Runs up to `batches` steps in one backend call, batch b on the rows
   * `order[start + b · batchSize …]` of `data`, and returns each step's
   * outcome. The steps stop after the first non-finite loss, which is the
   * last outcome returned. Each step is the one {@link run} makes on the
   * same rows.
   */
  async runBatches(
    data: tf.Tensor2D,
    order: tf.Tensor1D,
    start: number,
    batchSize: number,
    batches: number,
  ): Promise<StepOutcome[]> {
    const [terms] = this.runKernel(
      DENSE_TRAINING_STEPS_KERNEL,
      { data, order },
      { start, batchSize, batches },
    );
    // One row per step that ran: the steps stop after a non-finite loss.
    this.step += terms!.shape[0]!;
    const values = await terms!.data();
    terms!.dispose();
    const outcomes: StepOutcome[] = [];
    for (let i = 0; i < values.length; i += 3) {
      outcomes.push({
        loss: values[i]!,
        clustering: values[i + 1]!,
        variableFeatures: values[i + 2]!,
      });
    }
    return outcomes;
  }

  /**
   * Runs a training kernel on the current weights and moments, from the
   * update after `step`, takes the updated ones from its outputs and
   * returns the outputs before them. The caller counts the steps it ran.
   */
  private runKernel(
    kernel: string,
    batchInputs: tf.NamedTensorMap,
    batchAttrs: Partial<DenseTrainingStepsAttrs>,
  ): tf.Tensor[] {
    const adam = this.attrs.optimizer === 'adam';
    if (adam && this.moments.length === 0) {
      this.moments = [...this.variables, ...this.variables].map((v) =>
        tf.zerosLike(v),
      );
    }
    const inputs: tf.NamedTensorMap = {
      ...batchInputs,
      points: this.context.representatives.points,
    };
    const count = this.variables.length;
    this.variables.forEach((variable, p) => {
      inputs[`p${p}`] = variable;
      if (!adam) return;
      inputs[`m${p}`] = this.moments[p]!;
      inputs[`v${p}`] = this.moments[count + p]!;
    });
    const attrs = { ...this.attrs, ...batchAttrs, step: this.step + 1 };
    const outputs = tf
      .engine()
      .runKernel(
        kernel,
        inputs,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];

    const leading = outputs.length - count * (adam ? 3 : 1);
    const rest = outputs.slice(leading);
    this.variables.forEach((variable, p) => variable.assign(rest[p]!));
    tf.dispose(rest.slice(0, count));
    if (adam) {
      if (!this.borrowed) tf.dispose(this.moments);
      this.moments = rest.slice(count);
      this.borrowed = false;
    }
    return outputs.slice(0, leading);
  }

  /**
   * Writes the step count and moments back into the optimizer and frees
   * the runner's tensors. Call once, after the last step.
   */
  async finish(): Promise<void> {
    // Before the first Adam step there are no moments to write back, as
    // when the first block of a streamed epoch fails to load.
    const stepped = this.moments.length > 0;
    if (this.attrs.optimizer === 'adam' && !this.borrowed && stepped) {
      const previous = await this.optimizer.getWeights();
      tf.dispose(previous.map((weight) => weight.tensor));
      const names = this.variables.map((v) => v.name);
      const iterations = tf.scalar(this.step, 'int32');
      await this.optimizer.setWeights([
        { name: 'iter', tensor: iterations },
        ...names.map((name, p) => ({
          name: `${name}/m`,
          tensor: this.moments[p]!,
        })),
        ...names.map((name, p) => ({
          name: `${name}/v`,
          tensor: this.moments[names.length + p]!,
        })),
      ]);
      // The optimizer wrapped each moment in a variable of its own.
      tf.dispose([iterations, ...this.moments]);
    } else if (this.attrs.optimizer === 'sgd') {
      const previous = await this.optimizer.getWeights();
      tf.dispose(previous.map((weight) => weight.tensor));
      const iterations = tf.scalar(this.step, 'int32');
      await this.optimizer.setWeights([{ name: 'iter', tensor: iterations }]);
      iterations.dispose();
    }
    this.moments = [];
    this.borrowed = false;
  }
}

type OptimizerSettings = Pick<
  DenseTrainingStepAttrs,
  'optimizer' | 'learningRate' | 'beta1' | 'beta2' | 'epsilon'
>;

/** Reads tfjs's Adam or SGD settings; undefined for any other optimizer. */
function optimizerSettings(
  optimizer: tf.Optimizer,
): OptimizerSettings | undefined {
  const config = optimizer.getConfig() as Record<string, number>;
  // By class name: tfjs's momentum optimizer is a subclass of its SGD.
  const name = optimizer.getClassName();
  if (name === 'Adam') {
    return {
      optimizer: 'adam',
      learningRate: config['learningRate']!,
      beta1: config['beta1']!,
      beta2: config['beta2']!,
      epsilon: config['epsilon']!,
    };
  }
  if (name === 'SGD') {
    return {
      optimizer: 'sgd',
      learningRate: config['learningRate']!,
      beta1: 0,
      beta2: 0,
      epsilon: 0,
    };
  }
  return undefined;
}

interface OptimizerState {
  iterations: number;
  /** First moments then second moments, or none before the first step. */
  moments: tf.Tensor[];
}

async function readOptimizerState(
  optimizer: tf.Optimizer,
  count: number,
): Promise<OptimizerState> {
  const [iterations, ...moments] = await optimizer.getWeights();
  const step = (await iterations!.tensor.data())[0]!;
  iterations!.tensor.dispose();
  return {
    iterations: step,
    moments: moments.length === 2 * count ? moments.map((m) => m.tensor) : [],
  };
}
