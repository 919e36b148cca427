// Bundles page.js with esbuild for the browser, serves it with the tfjs
// `.wasm` files from a static server on 127.0.0.1, opens it in Debian's
// Chromium through playwright-core (tools/chromium) and checks that the
// page clustered the three blobs, one cluster each. The page may request
// nothing but that server, every request must get a 200 response, and a
// console error, an uncaught page error or a failed request fails the
// check. Expects the packages to be built. Exits 1 on failure.
//
// Usage: node tools/browser-check/check.mjs [--screenshot FILE]
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import {
  guardContext,
  startStaticServer,
  withChromium,
} from '../chromium/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const PAGE_PACKAGES = [
  'core',
  'model',
  'metrics',
  'representatives',
  'backend-wasm',
];
const PAGE_TIMEOUT_MS = 120_000;
const POINTS_PER_BLOB = 30;

function fail(message) {
  console.error(`browser-check: ${message}`);
  process.exitCode = 1;
}

function log(message) {
  console.log(`browser-check: ${message}`);
}

/**
 * Bundles page.js. The workspace packages resolve through a folder of
 * links to packages/*, so their package.json `exports` (with the `browser`
 * condition) decide what is bundled, as for an installed package. Node
 * built-ins stay external: a static import of one fails the page.
 */
async function bundle(work) {
  const modules = join(work, 'node_modules', '@fixclust');
  mkdirSync(modules, { recursive: true });
  for (const name of PAGE_PACKAGES) {
    symlinkSync(join(root, 'packages', name), join(modules, name));
  }
  const started = Date.now();
  const result = await build({
    entryPoints: [join(here, 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    nodePaths: [join(work, 'node_modules')],
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const kib = Math.round(code.length / 1024);
  log(`bundled page.js into ${kib} KiB in ${seconds} s`);
  return code;
}

/** Serves the page, the bundle and the wasm files. */
function serve(bundleCode) {
  const require = createRequire(join(root, 'packages/backend-wasm/'));
  const wasmDirectory = dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm'),
  );
  const files = new Map([
    [
      '/',
      {
        contentType: 'text/html',
        body: readFileSync(join(here, 'index.html')),
      },
    ],
    ['/bundle.js', { contentType: 'text/javascript', body: bundleCode }],
  ]);
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    files.set(`/wasm/${name}`, {
      contentType: 'application/wasm',
      body: readFileSync(join(wasmDirectory, name)),
    });
  }
  return startStaticServer({ files });
}

/**
 * Opens the page and waits for it to finish; returns its outcome and the
 * guard's record of its requests and console.
 */
function runPage(server, screenshot) {
  return withChromium(async (context) => {
    const guard = await guardContext(context, { server });
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('body:not([data-status="running"])', {
      timeout: PAGE_TIMEOUT_MS,
    });
    if (screenshot) await page.screenshot({ path: screenshot });
    const outcome = await page.evaluate(() => ({
      status: document.body.dataset.status,
      backend: document.getElementById('backend').textContent,
      labels: document.getElementById('labels').textContent,
      ari: document.getElementById('ari').textContent,
      error: document.getElementById('error').textContent,
    }));
    return { outcome, guard };
  });
}

/** Whether each blob (sample i is in blob i % 3) is exactly one cluster. */
function blobsRecovered(labels) {
  if (labels.length !== 3 * POINTS_PER_BLOB) return false;
  const clusterOf = [0, 1, 2].map((blob) => labels[blob]);
  if (new Set(clusterOf).size !== 3) return false;
  return labels.every((label, i) => label === clusterOf[i % 3]);
}

function checkOutcome({ outcome, guard }, server) {
  log(`page status ${outcome.status}, backend ${outcome.backend}`);
  log(`labels ${outcome.labels}`);
  log(`adjusted Rand index ${outcome.ari}`);
  log(`server answered: ${server.served.join('; ')}`);
  if (outcome.status !== 'done') {
    fail(
      `the page failed:\n${outcome.error}\n` +
        `console:\n${guard.messages.join('\n')}`,
    );
  }
  const labels = outcome.labels.split(',').map(Number);
  if (!blobsRecovered(labels)) {
    fail(`the labels do not put each blob in its own cluster`);
  }
  if (outcome.status === 'done' && outcome.ari !== '1') {
    fail(`the page's adjusted Rand index is ${outcome.ari}, not 1`);
  }
  if (!JSON.parse(outcome.backend || '{}').name?.startsWith('wasm')) {
    fail(`the page did not run on the wasm backend: ${outcome.backend}`);
  }
  if (!guard.routed.includes(`${server.origin}/bundle.js`)) {
    fail(`the request log misses the bundle: ${guard.routed.join(', ')}`);
  }
  for (const failure of guard.failures()) fail(failure);
}

async function main() {
  const started = Date.now();
  const screenshotIndex = process.argv.indexOf('--screenshot');
  const screenshot =
    screenshotIndex > 0 ? resolve(process.argv[screenshotIndex + 1]) : null;
  const work = mkdtempSync(join(tmpdir(), 'fixclust-browser-'));
  const server = await serve(await bundle(work));
  try {
    checkOutcome(await runPage(server, screenshot), server);
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const verdict = process.exitCode === 1 ? 'failed' : 'passed';
  log(`${verdict} in ${seconds} s`);
}

await main();
