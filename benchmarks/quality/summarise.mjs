// Prints a Markdown table per data set from the records experiment.mjs
// wrote: mean ± sample standard deviation over the seeds of NMI and ACC
// for the kept run, for the run a balance criterion (the most even cluster
// sizes) would keep, and the mean over all runs, with fit times.
//
// Usage: node benchmarks/quality/summarise.mjs [--runs N] [--only A,B]
//   [DATASET ...]
// With --only, the table lists only the named settings, in that order.
// With --runs N, each deep record counts only its first N runs and keeps
// the one with the lowest loss among them. A fit with nRuns N and the same
// seed keeps the same run, because run i's seed does not depend on nRuns.
// The fit time is then scaled by N over the recorded number of runs, which
// is an estimate.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const results = process.env.QUALITY_RESULTS ?? join(here, 'results');

function meanSd(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length < 2
      ? 0
      : Math.sqrt(
          values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1),
        );
  return { mean, sd };
}

function cell(values, digits = 3) {
  const { mean, sd } = meanSd(values);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}

function balancedRun(record) {
  let best = 0;
  record.runs.forEach((run, i) => {
    const kept = record.runs[best];
    if (
      run.entropy > kept.entropy ||
      (run.entropy === kept.entropy && run.bestLoss < kept.bestLoss)
    ) {
      best = i;
    }
  });
  return record.runs[best];
}

function firstRuns(record, count) {
  if (record.runs === undefined || count === undefined) return record;
  const runs = record.runs.slice(0, count);
  let kept = 0;
  runs.forEach((run, i) => {
    if (run.bestLoss < runs[kept].bestLoss) kept = i;
  });
  const scale = runs.length / record.runs.length;
  return {
    ...record,
    runs,
    bestRun: kept,
    metrics: runs[kept].metrics,
    nonEmpty: runs[kept].nonEmpty,
    fitSeconds: record.fitSeconds * scale,
  };
}

async function summarise(dataset, runCount, only) {
  const folder = join(results, dataset);
  const stored = (await readdir(folder)).filter((f) => f.endsWith('.json'));
  const files =
    only === undefined
      ? stored.sort()
      : only.map((name) => `${name}.json`).filter((f) => stored.includes(f));
  const rows = [];
  for (const file of files) {
    const records = JSON.parse(await readFile(join(folder, file), 'utf8')).map(
      (record) => firstRuns(record, runCount),
    );
    const deep = records[0].runs !== undefined;
    const row = [
      file.replace(/\.json$/, ''),
      records.map((r) => r.seed).join(','),
      cell(records.map((r) => r.metrics.nmi)),
      cell(records.map((r) => r.metrics.accuracy)),
      cell(
        records.map((r) => r.nonEmpty),
        1,
      ),
      deep ? cell(records.map((r) => balancedRun(r).metrics.nmi)) : '—',
      deep ? cell(records.map((r) => balancedRun(r).metrics.accuracy)) : '—',
      deep
        ? cell(records.flatMap((r) => r.runs.map((run) => run.metrics.nmi)))
        : '—',
      cell(
        records.map((r) => r.fitSeconds),
        1,
      ),
      [...new Set(records.map((r) => r.backend))].join(','),
    ];
    rows.push(`| ${row.join(' | ')} |`);
  }
  console.log(`\n### ${dataset}\n`);
  console.log(
    '| setting | seeds | NMI | ACC | non-empty | NMI, balanced run | ACC, balanced run | NMI, every run | fit (s) | backend |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

function takeFlag(args, flag) {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  return args.splice(at, 2)[1];
}

const args = process.argv.slice(2);
const runs = takeFlag(args, '--runs');
const only = takeFlag(args, '--only');
const runCount = runs === undefined ? undefined : Number(runs);
const names = only === undefined ? undefined : only.split(',');
for (const dataset of args.length > 0 ? args : await readdir(results)) {
  await summarise(dataset, runCount, names);
}
