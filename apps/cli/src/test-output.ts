import type { Output } from './output.js';

/** An {@link Output} that records its lines, for tests of the CLI. */
export interface CapturedOutput extends Output {
  stdout: string[];
  stderr: string[];
}

/** Creates an output that records what the CLI writes to each stream. */
export function captureOutput(): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    log: (line) => stdout.push(line),
    error: (line) => stderr.push(line),
  };
}
