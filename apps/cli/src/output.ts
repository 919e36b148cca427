/**
 * Output streams of the CLI: `log` for results (stdout), `error` for
 * progress, warnings and errors (stderr). Tests pass their own to capture
 * both.
 */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processOutput: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};
