// Times reading a CSV file two ways: `convertCsvToNpy`, which streams it
// into the float32 NPY cache that `openCsvStream` reads, and `loadCsv`,
// which parses it whole in memory. Prints one JSON line per call.
//
// `generate` writes a seeded file of ROWS rows and COLUMNS columns, each
// cell drawn uniformly from [-100, 100) and rounded to three decimals, rows
// ending in "\n". The folder of FILE.csv must exist.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/streaming/csv-convert.mjs generate ROWS COLUMNS FILE.csv
//   node benchmarks/streaming/csv-convert.mjs convert FILE.csv
//   node benchmarks/streaming/csv-convert.mjs load FILE.csv
//
// Run each timing in a fresh process; `convert` writes FILE.csv.npy and
// removes it afterwards.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';

import { Random } from '@fixclust/core';
import { convertCsvToNpy, loadCsv } from '@fixclust/datasets';

const [command, ...args] = process.argv.slice(2);

if (command === 'generate') {
  const [rows, columns, path] = [Number(args[0]), Number(args[1]), args[2]];
  if (!(rows > 0 && columns > 0 && path)) usage();
  await generate(rows, columns, path);
} else if (command === 'convert' || command === 'load') {
  if (args[0] === undefined) usage();
  await time(command, args[0]);
} else {
  usage();
}

function usage() {
  console.error(
    'usage: csv-convert.mjs generate ROWS COLUMNS FILE.csv | ' +
      'convert FILE.csv | load FILE.csv',
  );
  process.exit(2);
}

async function generate(rows, columns, path) {
  const random = new Random(1);
  const out = createWriteStream(path);
  let text = '';
  for (let row = 0; row < rows; row++) {
    const cells = [];
    for (let column = 0; column < columns; column++) {
      cells.push((random.float() * 200 - 100).toFixed(3));
    }
    text += cells.join(',') + '\n';
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

async function time(reader, path) {
  const started = performance.now();
  let shape;
  if (reader === 'convert') {
    const npyPath = `${path}.npy`;
    const converted = await convertCsvToNpy(path, npyPath);
    shape = [converted.nSamples, converted.nFeatures];
    await rm(npyPath);
  } else {
    const loaded = await loadCsv(path);
    shape = [loaded.nSamples, loaded.nFeatures];
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      reader,
      path,
      rows: shape[0],
      columns: shape[1],
      seconds,
    }),
  );
}
