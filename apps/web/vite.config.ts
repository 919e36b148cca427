import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig, type Plugin } from 'vite';

/** The `.wasm` files tfjs's wasm backend may fetch, by browser features. */
const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** Folder of the `@tensorflow/tfjs-backend-wasm` that fixclust installs. */
function tfjsWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  const backend = require.resolve('@fixclust/backend-wasm/package.json');
  const tfjs = createRequire(backend).resolve('@tensorflow/tfjs-backend-wasm');
  return dirname(tfjs);
}

/**
 * Serves tfjs's `.wasm` files under `wasm/` in development and writes them
 * there in the build, where the worker's `wasmPaths` points.
 */
function tfjsWasmFiles(): Plugin {
  const directory = tfjsWasmDirectory();
  return {
    name: 'fixclust-tfjs-wasm-files',
    configureServer(server) {
      server.middlewares.use('/wasm', (request, response, next) => {
        const name = (request.url ?? '').replace(/^\//, '');
        if (!WASM_FILES.includes(name)) return next();
        response.setHeader('content-type', 'application/wasm');
        response.end(readFileSync(join(directory, name)));
      });
    },
    generateBundle() {
      for (const name of WASM_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `wasm/${name}`,
          source: readFileSync(join(directory, name)),
        });
      }
    },
  };
}

export default defineConfig({
  // Relative URLs, so the built folder works under any path.
  base: './',
  plugins: [tfjsWasmFiles()],
  resolve: {
    alias: {
      // NOTE: @fixclust/model imports node:worker_threads statically for
      // parallel runs; the page bundles a stub whose Worker throws.
      'node:worker_threads': fileURLToPath(
        new URL('src/browser-stubs/worker-threads.ts', import.meta.url),
      ),
    },
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
