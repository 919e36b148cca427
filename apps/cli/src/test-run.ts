import { main } from './program.js';
import { captureOutput, type CapturedOutput } from './test-output.js';

/**
 * Runs `fixclust run` in this process on 300 rows of the bundled MNIST,
 * one run of one epoch with seed 1, and `extra` flags after those.
 */
export async function quickRun(
  ...extra: string[]
): Promise<{ status: number; output: CapturedOutput }> {
  const output = captureOutput();
  const status = await main(
    ['node', 'fixclust', 'run', '--limit', '300', '--runs', '1']
      .concat(['--epochs', '1', '--seed', '1', '--quiet'])
      .concat(extra),
    output,
  );
  return { status, output };
}
