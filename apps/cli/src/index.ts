/**
 * The `fixclust` command-line tool. Use the `fixclust` binary; `main` is
 * exported for embedding and tests.
 *
 * @packageDocumentation
 */
export { main } from './program.js';
export type { Output } from './output.js';
export type { RunSummary } from './summary.js';
