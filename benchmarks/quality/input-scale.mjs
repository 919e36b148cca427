// Prints the scale of each data set's input features: the mean over
// features of their standard deviation, the largest such deviation, and
// the mean Euclidean length of a row.
//
// Usage, from the repository root after `pnpm build`:
//   node benchmarks/quality/input-scale.mjs
// The data folder is $FIXCLUST_DATA or ../shared/data.
import { join } from 'node:path';

import { load20Newsgroups, loadMnist, loadUsps } from '@fixclust/datasets';

const dataFolder = process.env.FIXCLUST_DATA ?? '../shared/data';

function denseRows(data) {
  return (i, visit) => {
    for (let j = 0; j < data.nFeatures; j++) {
      visit(j, data.x[i * data.nFeatures + j]);
    }
  };
}

function sparseRows(x) {
  return (i, visit) => {
    for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
      visit(x.indices[p], x.data[p]);
    }
  };
}

function scale(name, nSamples, nFeatures, rows) {
  const sums = new Float64Array(nFeatures);
  const squares = new Float64Array(nFeatures);
  let length = 0;
  for (let i = 0; i < nSamples; i++) {
    let norm = 0;
    rows(i, (j, value) => {
      sums[j] += value;
      squares[j] += value * value;
      norm += value * value;
    });
    length += Math.sqrt(norm);
  }
  let meanDeviation = 0;
  let maxDeviation = 0;
  for (let j = 0; j < nFeatures; j++) {
    const mean = sums[j] / nSamples;
    const deviation = Math.sqrt(Math.max(squares[j] / nSamples - mean ** 2, 0));
    meanDeviation += deviation / nFeatures;
    maxDeviation = Math.max(maxDeviation, deviation);
  }
  const rowLength = length / nSamples;
  console.log(JSON.stringify({ name, meanDeviation, maxDeviation, rowLength }));
}

const usps = await loadUsps({ path: join(dataFolder, 'usps', 'usps.h5') });
scale('usps', usps.nSamples, usps.nFeatures, denseRows(usps));
const mnist = await loadMnist({ path: join(dataFolder, 'mnist') });
scale('mnist', mnist.nSamples, mnist.nFeatures, denseRows(mnist));
const news = await load20Newsgroups({
  path: join(dataFolder, '20news', '20news-bydate.tar.gz'),
});
scale('20news', news.x.nRows, news.x.nCols, sparseRows(news.x));
