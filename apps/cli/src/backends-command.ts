import { createRequire } from 'node:module';

import { errorMessage } from '@fixclust/core';
import * as tf from '@tensorflow/tfjs-core';

import { backendCandidates } from './backends.js';
import type { Output } from './output.js';
import { formatBackend } from './report.js';

const require = createRequire(import.meta.url);

/** Packages whose versions `--version` reports, besides fixclust itself. */
const VERSIONED_PACKAGES = [
  '@fixclust/model',
  '@fixclust/backend-native',
  '@fixclust/backend-webgpu',
  '@fixclust/backend-wasm',
  '@fixclust/backend-cpu',
];

/** Lines of `fixclust --version`: fixclust, tfjs-core and each backend. */
export function versionText(fixclustVersion: string): string {
  const lines = [
    `fixclust ${fixclustVersion}`,
    `@tensorflow/tfjs-core ${tf.version_core}`,
  ];
  for (const name of VERSIONED_PACKAGES) {
    const manifest = require(`${name}/package.json`) as { version: string };
    lines.push(`${name} ${manifest.version}`);
  }
  return lines.join('\n');
}

/**
 * Runs `fixclust backends`: starts every backend in selection order and
 * prints whether it starts here, with its version and threads, or why not.
 * Returns 0 when at least one starts.
 */
export async function backendsCommand(output: Output): Promise<number> {
  let started = 0;
  for (const candidate of backendCandidates()) {
    try {
      const info = await candidate.initialise();
      output.log(`${candidate.name}: starts: ${formatBackend(info)}`);
      started += 1;
    } catch (error) {
      output.log(`${candidate.name}: does not start: ${errorMessage(error)}`);
    }
  }
  return started > 0 ? 0 : 1;
}
