#!/usr/bin/env node
import { main } from '../dist/index.js';

// A reader that closes the pipe early, such as `fixclust run --help | head`,
// has all it wants: end quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await main(process.argv);
