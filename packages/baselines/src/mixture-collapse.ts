import { FixclustError } from '@fixclust/core';

/** Reason a component counts as collapsed. */
export type CollapseReason =
  'identical-samples' | 'fewer-than-one-sample' | 'not-positive-definite';

/** A component whose covariance estimate broke down in an M-step. */
export interface CollapsedComponent {
  /** Index of the component, from 0. */
  component: number;
  /** Effective number of samples: the sum of its responsibilities. */
  size: number;
  reason: CollapseReason;
  /** EM iteration of the M-step, 0 for the initialisation. */
  iteration: number;
}

/** Action `gaussianMixture` takes when a component collapses. */
export type CollapseAction = 'warn' | 'raise';

/** How to avoid a collapse, appended to its message. */
export const COLLAPSE_ADVICE =
  'use fewer components, a larger regCovar, or covarianceType: diag';

/**
 * Error thrown when a mixture component collapses and `onCollapse` is
 * `raise`. `component` is its index and `size` its sum of
 * responsibilities, its effective number of samples.
 */
export class CollapsedComponentError extends FixclustError {
  /** Index of the component, from 0. */
  readonly component: number;
  /** Effective number of samples of the component. */
  readonly size: number;

  constructor(collapse: CollapsedComponent) {
    super(`${describeCollapse(collapse)}; ${COLLAPSE_ADVICE}`);
    this.name = 'CollapsedComponentError';
    this.component = collapse.component;
    this.size = collapse.size;
  }
}

/**
 * Stores each collapse under its component, keeping the latest, or throws
 * at the first one when `action` is `raise`.
 */
export function recordCollapses(
  collapses: readonly Omit<CollapsedComponent, 'iteration'>[],
  iteration: number,
  record: Map<number, CollapsedComponent>,
  action: CollapseAction,
): void {
  for (const collapse of collapses) {
    const entry = { ...collapse, iteration };
    if (action === 'raise') throw new CollapsedComponentError(entry);
    record.set(collapse.component, entry);
  }
}

/** Describes a collapse: component, size, when and why. */
export function describeCollapse(collapse: CollapsedComponent): string {
  const noun = collapse.size === 1 ? 'sample' : 'samples';
  const size = `${formatSize(collapse.size)} ${noun}`;
  const where =
    collapse.iteration === 0
      ? 'in the initial M-step'
      : `at EM iteration ${collapse.iteration}`;
  const why = {
    'identical-samples':
      'its samples coincide, so its covariance is regCovar · I',
    'fewer-than-one-sample': 'it holds less than one sample',
    'not-positive-definite':
      'its covariance is not positive definite, so jitter was added to the diagonal',
  }[collapse.reason];
  return `Gaussian mixture component ${collapse.component} (${size}) collapsed ${where}: ${why}`;
}

function formatSize(size: number): string {
  return Number.isInteger(size) ? String(size) : size.toPrecision(3);
}
