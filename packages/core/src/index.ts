/**
 * Shared interfaces of fixclust. This package has no tensor dependency:
 * every other layer builds on it.
 *
 * @packageDocumentation
 */
export * from './artifacts.js';
export * from './backend.js';
export * from './clusters.js';
export * from './errors.js';
export * from './random.js';
export * from './representatives.js';
export * from './sparse.js';
export * from './stream.js';
export * from './stream-batches.js';
export * from './tensor-backend.js';
export * from './training-step.js';
export * from './types.js';
export * from './validate.js';
