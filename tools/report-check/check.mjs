// Runs `fixclust run --out --report` on 1,500 USPS rows, serves the
// report.html it wrote from a static server on 127.0.0.1, opens it in
// Debian's Chromium through playwright-core (tools/chromium) and checks
// what the page shows. The page may request nothing but itself: every
// other request is aborted and fails the check, as does any console error
// or warning, uncaught page error or failed request. The marks of each
// inlined SVG chart are counted in the DOM and compared with the run's
// summary.json, mapped-sample.json and labels.csv (see expectations.mjs).
// A full-page screenshot is written to
// tools/report-check/results/report.png. Expects the CLI to be built.
// Exits 1 on failure. Without USPS under FIXCLUST_DATA (default:
// ../shared/data beside the repository) it skips, or fails when CI=true.
// With --out and --report it checks folders an earlier run wrote instead
// of running the CLI.
//
// Usage: node tools/report-check/check.mjs [--out DIR --report DIR]
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import {
  guardContext,
  startStaticServer,
  withChromium,
} from '../chromium/index.mjs';
import {
  checkConfusionChart,
  checkLossChart,
  checkMappedChart,
  checkSizesChart,
  TITLES,
} from './expectations.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const resultsDirectory = join(here, 'results');
const CLI = join(root, 'apps/cli/bin/fixclust.js');
const CLI_BUILD = join(root, 'apps/cli/dist/index.js');
const CLI_TIMEOUT_MS = 180_000;
const PAGE_TIMEOUT_MS = 60_000;

function fail(message) {
  console.error(`report-check: ${message}`);
  process.exitCode = 1;
}

function log(message) {
  console.log(`report-check: ${message}`);
}

/**
 * Path of usps.h5, or null when it is missing: a failure under CI=true, a
 * skip otherwise.
 */
function uspsFile() {
  const dataDirectory = resolve(
    process.env.FIXCLUST_DATA ?? join(root, '../shared/data'),
  );
  const file = join(dataDirectory, 'usps/usps.h5');
  if (existsSync(file)) return file;
  const reason = `${file} is missing; set FIXCLUST_DATA to the data folder`;
  if (process.env.CI === 'true') fail(reason);
  else log(`skipped: ${reason}`);
  return null;
}

/** Runs the CLI into `work`; returns the paths of its two output folders. */
async function runCli(work, data) {
  const out = join(work, 'run');
  const report = join(work, 'report');
  const args = [
    CLI,
    'run',
    ...['--dataset', 'usps', '--data', data, '--preset', 'km50'],
    ...['--runs', '2', '--epochs', '3', '--limit', '1500', '--seed', '1'],
    ...['--backend', 'wasm', '--out', out, '--report', report],
  ];
  const started = Date.now();
  try {
    await promisify(execFile)(process.execPath, args, {
      cwd: root,
      timeout: CLI_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    throw new Error(
      `fixclust run failed (${error.code ?? error.signal}):\n${error.stderr}`,
      { cause: error },
    );
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`fixclust run wrote ${out} and ${report} in ${seconds} s`);
  return { out, report };
}

/** Serves report.html alone on 127.0.0.1 as /report.html. */
function serve(reportFile) {
  const page = { contentType: 'text/html', body: readFileSync(reportFile) };
  return startStaticServer({ files: new Map([['/report.html', page]]) });
}

/**
 * Reads, in the page, every inlined chart SVG: its title, its size on
 * screen and the marks of its `role-mark` groups with their type, ARIA
 * label, path and fill. Also reads the state of every image.
 */
function readPage() {
  const charts = [...document.querySelectorAll('svg.marks')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = [
      ...svg.querySelectorAll('g.role-mark > [role="graphics-symbol"]'),
    ].map((element) => ({
      type: element.getAttribute('aria-roledescription') ?? '',
      label: element.getAttribute('aria-label') ?? '',
      path: element.getAttribute('d') ?? '',
      fill: element.getAttribute('fill') ?? '',
      text: element.textContent ?? '',
    }));
    const title = svg.querySelector('.role-title-text text');
    return {
      title: title?.textContent ?? '',
      width: box.width,
      height: box.height,
      marks,
    };
  });
  const images = [...document.images].map((image) => ({
    alt: image.alt,
    scheme: image.src.slice(0, image.src.indexOf(':')),
    width: image.naturalWidth,
  }));
  return { title: document.title, charts, images };
}

/**
 * Opens the report; returns what the page shows and the guard's record of
 * its requests, console errors, warnings, page errors and failed requests.
 */
function openReport(server, url, screenshot) {
  return withChromium(async (context) => {
    // Only the page itself is sent; anything else is recorded and aborted.
    const guard = await guardContext(context, {
      server,
      allowUrl: (target) => target === url,
      failingConsoleTypes: ['error', 'warning'],
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    const content = await page.evaluate(readPage);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { content, guard };
  });
}

function checkRequests(guard, url, served) {
  log(`server answered: ${served.join('; ')}`);
  for (const failure of guard.failures()) fail(failure);
  if (!guard.requested.includes(url) || served.length !== 1) {
    fail(`the page was not loaded once from ${url}: ${served.join('; ')}`);
  }
  const all = [...new Set([...guard.routed, ...guard.requested])];
  log(
    `requests: ${all.length} (${all.join(', ')}), console errors and ` +
      `warnings, page errors, failed requests: ${guard.problems.length}`,
  );
}

/** Finds each chart by its title and checks its marks; logs the counts. */
function checkCharts(content, files) {
  const failures = [];
  const byTitle = new Map(content.charts.map((chart) => [chart.title, chart]));
  const titles = content.charts.map((chart) => chart.title);
  const expectedTitles = Object.values(TITLES);
  if (
    titles.length !== expectedTitles.length ||
    !expectedTitles.every((title) => byTitle.has(title))
  ) {
    failures.push(
      `the page has charts "${titles.join('", "')}", expected ` +
        `"${expectedTitles.join('", "')}"`,
    );
  }
  for (const chart of content.charts) {
    if (chart.width <= 0 || chart.height <= 0) {
      failures.push(`chart "${chart.title}" takes no space on the page`);
    }
  }

  const { summary, sample, labelsCsv } = files;
  const checks = [
    ['loss', (c) => checkLossChart(c, summary, failures)],
    ['sizes', (c) => checkSizesChart(c, summary, failures)],
    [
      'coordinates',
      (c) => checkMappedChart(c, sample, 'coordinates', 'cluster', failures),
    ],
    [
      'pcaByCluster',
      (c) => checkMappedChart(c, sample, 'pca', 'cluster', failures),
    ],
    [
      'pcaByClass',
      (c) => checkMappedChart(c, sample, 'pca', 'class', failures),
    ],
    ['confusion', (c) => checkConfusionChart(c, summary, labelsCsv, failures)],
  ];
  for (const [name, check] of checks) {
    const chart = byTitle.get(TITLES[name]);
    if (chart !== undefined) log(check(chart));
  }
  for (const failure of failures) fail(failure);
}

/** Checks the sample-image grid: one PNG inlined as a data URL, decoded. */
function checkImages(content, sample) {
  const { images } = content;
  const expected = sample.images === undefined ? 0 : 1;
  if (images.length !== expected) {
    fail(`the page has ${images.length} images, expected ${expected}`);
  }
  for (const image of images) {
    if (image.scheme !== 'data' || image.width === 0) {
      fail(`image "${image.alt}" is not a decoded data URL (${image.scheme})`);
    }
  }
  log(`images: ${images.length}, widths ${images.map((i) => i.width)}`);
}

function readRunFiles(out) {
  return {
    summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')),
    sample: JSON.parse(readFileSync(join(out, 'mapped-sample.json'), 'utf8')),
    labelsCsv: readFileSync(join(out, 'labels.csv'), 'utf8'),
  };
}

/** Value of `--name VALUE` on the command line, or undefined. */
function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

/** Folders given by --out and --report, or those a fresh run writes. */
async function runFolders(work) {
  const out = option('out');
  const report = option('report');
  if (out !== undefined && report !== undefined) {
    return { out: resolve(out), report: resolve(report) };
  }
  const data = uspsFile();
  if (data === null) return null;
  if (!existsSync(CLI_BUILD)) {
    throw new Error(
      `${CLI_BUILD} is missing; build the CLI with \`npx -y pnpm@10.34.8 --filter fixclust... build\``,
    );
  }
  return runCli(work, data);
}

/** Checks the report of a run; returns false when it was skipped. */
async function checkReport(work) {
  const folders = await runFolders(work);
  if (folders === null) return false;
  const { out, report } = folders;
  const files = readRunFiles(out);
  const server = await serve(join(report, 'report.html'));
  const url = `${server.origin}/report.html`;
  const screenshot = join(resultsDirectory, 'report.png');
  mkdirSync(resultsDirectory, { recursive: true });
  try {
    const { content, guard } = await openReport(server, url, screenshot);
    log(`page "${content.title}", screenshot ${screenshot}`);
    checkRequests(guard, url, server.served);
    checkCharts(content, files);
    checkImages(content, files.sample);
  } finally {
    await server.close();
  }
  return true;
}

async function main() {
  const started = Date.now();
  if ((option('out') === undefined) !== (option('report') === undefined)) {
    fail('pass both --out and --report, or neither');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'fixclust-report-'));
  let checked = true;
  try {
    checked = await checkReport(work);
  } catch (error) {
    fail(error.stack ?? String(error));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let verdict = checked ? 'passed' : 'skipped';
  if (process.exitCode === 1) verdict = 'failed';
  log(`${verdict} in ${seconds} s`);
}

await main();
