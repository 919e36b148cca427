// Bundles page.js with esbuild for the browser, serves it with the tfjs
// `.wasm` files from a static server on 127.0.0.1, opens it in Debian's
// Chromium through playwright-core and checks that the page clustered the
// three blobs, one cluster each, and requested nothing but that server.
// Expects the packages to be built. Exits 1 on failure.
//
// Usage: node tools/browser-check/check.mjs [--screenshot FILE]
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const PAGE_PACKAGES = [
  'core',
  'model',
  'metrics',
  'representatives',
  'backend-wasm',
];
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
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

/** Serves the page, the bundle and the wasm files; records every request. */
function serve(bundleCode) {
  const require = createRequire(join(root, 'packages/backend-wasm/'));
  const wasmDirectory = dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm'),
  );
  const files = new Map([
    ['/', ['text/html', readFileSync(join(here, 'index.html'))]],
    ['/bundle.js', ['text/javascript', bundleCode]],
  ]);
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    files.set(`/wasm/${name}`, [
      'application/wasm',
      readFileSync(join(wasmDirectory, name)),
    ]);
  }
  const served = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://127.0.0.1').pathname;
    const file = files.get(path);
    served.push(`${request.method} ${path} ${file ? 200 : 404}`);
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => resolveServer({ server, served }));
  });
}

/** Opens the page; returns its outcome and every request it made. */
async function runPage(origin, work, screenshot) {
  const context = await chromium.launchPersistentContext(
    join(work, 'chromium-profile'),
    { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS },
  );
  const requests = [];
  const messages = [];
  try {
    // Anything not for the local server is recorded and never sent.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      return url.startsWith(`${origin}/`) ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.on('console', (message) => messages.push(message.text()));
    page.on('pageerror', (error) => messages.push(`page error: ${error}`));
    await page.goto(`${origin}/`);
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
    return { outcome, requests, messages };
  } finally {
    await context.close();
  }
}

/** Whether each blob (sample i is in blob i % 3) is exactly one cluster. */
function blobsRecovered(labels) {
  if (labels.length !== 3 * POINTS_PER_BLOB) return false;
  const clusterOf = [0, 1, 2].map((blob) => labels[blob]);
  if (new Set(clusterOf).size !== 3) return false;
  return labels.every((label, i) => label === clusterOf[i % 3]);
}

function checkOutcome({ outcome, requests, messages }, origin, served) {
  log(`page status ${outcome.status}, backend ${outcome.backend}`);
  log(`labels ${outcome.labels}`);
  log(`adjusted Rand index ${outcome.ari}`);
  log(`server answered: ${served.join('; ')}`);
  if (outcome.status !== 'done') {
    fail(
      `the page failed:\n${outcome.error}\nconsole:\n${messages.join('\n')}`,
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
  if (!requests.includes(`${origin}/bundle.js`)) {
    fail(`the request log misses the bundle: ${requests.join(', ')}`);
  }
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`));
  if (foreign.length > 0) {
    fail(`the page requested other hosts: ${foreign.join(', ')}`);
  }
  if (served.some((line) => line.endsWith(' 404'))) {
    fail('the page requested files the server does not have');
  }
}

async function main() {
  const started = Date.now();
  const screenshotIndex = process.argv.indexOf('--screenshot');
  const screenshot =
    screenshotIndex > 0 ? resolve(process.argv[screenshotIndex + 1]) : null;
  const work = mkdtempSync(join(tmpdir(), 'fixclust-browser-'));
  const { server, served } = await serve(await bundle(work));
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const result = await runPage(origin, work, screenshot);
    checkOutcome(result, origin, served);
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const verdict = process.exitCode === 1 ? 'failed' : 'passed';
  log(`${verdict} in ${seconds} s`);
}

await main();
