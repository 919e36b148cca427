// Trains km50 on the 20 Newsgroups TF-IDF in sparse or dense form and
// prints the process's peak resident memory, for comparing the two.
//
// Usage: node benchmarks/memory/20news-sparse-vs-dense.mjs sparse|dense ARCHIVE
// Run it from the repository root after `pnpm build`, once per form, each in
// a fresh process so the peaks do not mix.
import { selectBackend } from '@fixclust/core';
import { load20Newsgroups, toDenseDataset } from '@fixclust/datasets';
import { FixedRepresentativeClustering } from '@fixclust/model';
import { backendCandidates } from 'fixclust/backends';

const [form, archive] = process.argv.slice(2);
if ((form !== 'sparse' && form !== 'dense') || archive === undefined) {
  console.error('usage: 20news-sparse-vs-dense.mjs sparse|dense ARCHIVE');
  process.exit(2);
}

const { backend } = await selectBackend({ candidates: backendCandidates() });
const sparse = await load20Newsgroups({ path: archive });
const data = form === 'sparse' ? sparse : toDenseDataset(sparse);
const model = new FixedRepresentativeClustering({
  nClusters: 20,
  preset: 'km50',
  seed: 1,
});
const start = performance.now();
await model.fit(data, { backend });
const seconds = (performance.now() - start) / 1000;
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ form, backend: backend.name, seconds, peakMiB }));
