import * as tf from '@tensorflow/tfjs-core';

import type { ResolvedOptions } from '../options.js';
import { hasMixtureParameters } from '../options.js';

/**
 * Trained mixture parameters as plain arrays. A parameter that is not
 * trained is absent: fixed locations are the representatives, fixed
 * weights are uniform, and a fixed scale is the identity.
 */
export interface MixtureWeights {
  /** Number of components k. */
  nComponents: number;
  /** Dimension d of the mapped space. */
  dimension: number;
  /** Component locations, `k × d` row-major. */
  locations?: Float32Array;
  /** Logits of the mixing weights `softmax(logits)`, length k. */
  logits?: Float32Array;
  /**
   * Unconstrained scale parameters, `k × d × d` row-major: the strictly
   * lower triangle of each component's scale matrix S as it is, and the
   * log of its diagonal. The upper triangle is unused and stays 0.
   */
  scale?: Float32Array;
}

/** The mixture a loss or a prediction reads, as tensors. */
export interface MixtureTensors {
  loss: 'gmm' | 'cmm';
  /** Component locations, `k × d`: trained, or the representatives. */
  locations: tf.Tensor2D;
  /** Logits of the mixing weights, when trained. */
  logits?: tf.Tensor1D | undefined;
  /** Unconstrained scale parameters, `k × d × d`, when trained. */
  scale?: tf.Tensor3D | undefined;
}

/**
 * Creates the starting mixture of a run for the options' trainable
 * parameters: locations at the representatives, uniform weights (zero
 * logits) and identity scales (zero parameters). Returns undefined when
 * nothing is trained.
 */
export function initialMixture(
  options: Pick<
    ResolvedOptions,
    'trainableLocations' | 'trainableLogits' | 'trainableScale'
  >,
  points: number[][],
): MixtureWeights | undefined {
  if (!hasMixtureParameters(options)) return undefined;
  const k = points.length;
  const d = points[0]!.length;
  const mixture: MixtureWeights = { nComponents: k, dimension: d };
  if (options.trainableLocations) {
    mixture.locations = Float32Array.from(points.flat());
  }
  if (options.trainableLogits) mixture.logits = new Float32Array(k);
  if (options.trainableScale) mixture.scale = new Float32Array(k * d * d);
  return mixture;
}

/**
 * A run's trainable mixture parameters as tfjs variables. Fixed locations
 * come from the representatives' tensor, which the caller owns.
 */
export class MixtureVariables {
  readonly locations: tf.Variable<tf.Rank.R2> | undefined;
  readonly logits: tf.Variable<tf.Rank.R1> | undefined;
  readonly scale: tf.Variable<tf.Rank.R3> | undefined;
  private readonly shape: { k: number; d: number };

  constructor(mixture: MixtureWeights) {
    const k = mixture.nComponents;
    const d = mixture.dimension;
    this.shape = { k, d };
    const make = (values: Float32Array | undefined, shape: number[]) => {
      if (values === undefined) return undefined;
      const initial = tf.tensor(values, shape);
      const variable = tf.variable(initial);
      initial.dispose();
      return variable;
    };
    this.locations = make(mixture.locations, [k, d]) as
      tf.Variable<tf.Rank.R2> | undefined;
    this.logits = make(mixture.logits, [k]) as
      tf.Variable<tf.Rank.R1> | undefined;
    this.scale = make(mixture.scale, [k, d, d]) as
      tf.Variable<tf.Rank.R3> | undefined;
  }

  /** Lists the variables in a stable order, for the optimizer. */
  variables(): tf.Variable[] {
    const all: Array<tf.Variable | undefined> = [
      this.locations,
      this.logits,
      this.scale,
    ];
    return all.filter((v): v is tf.Variable => v !== undefined);
  }

  /** Returns the mixture as the losses read it, `points` as fixed locations. */
  tensors(loss: 'gmm' | 'cmm', points: tf.Tensor2D): MixtureTensors {
    return {
      loss,
      locations: this.locations ?? points,
      logits: this.logits,
      scale: this.scale,
    };
  }

  /** Copies the current values out as plain arrays, asynchronously. */
  async read(): Promise<MixtureWeights> {
    const mixture: MixtureWeights = {
      nComponents: this.shape.k,
      dimension: this.shape.d,
    };
    if (this.locations !== undefined) {
      mixture.locations = new Float32Array(await this.locations.data());
    }
    if (this.logits !== undefined) {
      mixture.logits = new Float32Array(await this.logits.data());
    }
    if (this.scale !== undefined) {
      mixture.scale = new Float32Array(await this.scale.data());
    }
    return mixture;
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}

/**
 * Creates constant tensors of a fitted mixture for prediction; fixed
 * locations are `points`. Free them with {@link disposeMixtureConstants}.
 */
export function mixtureConstants(
  loss: 'gmm' | 'cmm',
  mixture: MixtureWeights,
  points: tf.Tensor2D,
): MixtureTensors {
  const k = mixture.nComponents;
  const d = mixture.dimension;
  return {
    loss,
    locations:
      mixture.locations === undefined
        ? points
        : tf.tensor2d(mixture.locations, [k, d]),
    logits:
      mixture.logits === undefined ? undefined : tf.tensor1d(mixture.logits),
    scale:
      mixture.scale === undefined
        ? undefined
        : tf.tensor3d(mixture.scale, [k, d, d]),
  };
}

/** Disposes the tensors {@link mixtureConstants} created. */
export function disposeMixtureConstants(
  tensors: MixtureTensors,
  points: tf.Tensor2D,
): void {
  const own: tf.Tensor[] = [];
  if (tensors.locations !== points) own.push(tensors.locations);
  if (tensors.logits !== undefined) own.push(tensors.logits);
  if (tensors.scale !== undefined) own.push(tensors.scale);
  tf.dispose(own);
}
