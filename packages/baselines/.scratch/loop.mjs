const n = 70000,
  d = 784,
  k = 10;
const x = new Float32Array(n * d).map(() => Math.random());
const mean = new Float64Array(d).fill(0.5);
const labels = Int32Array.from({ length: n }, () => (Math.random() * k) | 0);
function centred(sums) {
  for (let i = 0; i < n; i++) {
    const s0 = labels[i] * d,
      r0 = i * d;
    for (let j = 0; j < d; j++) sums[s0 + j] += x[r0 + j] - mean[j];
  }
}
function raw(sums) {
  for (let i = 0; i < n; i++) {
    const s0 = labels[i] * d,
      r0 = i * d;
    for (let j = 0; j < d; j++) sums[s0 + j] += x[r0 + j];
  }
}
function raw4(sums) {
  for (let i = 0; i < n; i++) {
    const s0 = labels[i] * d,
      r0 = i * d;
    let j = 0;
    for (; j + 3 < d; j += 4) {
      sums[s0 + j] += x[r0 + j];
      sums[s0 + j + 1] += x[r0 + j + 1];
      sums[s0 + j + 2] += x[r0 + j + 2];
      sums[s0 + j + 3] += x[r0 + j + 3];
    }
    for (; j < d; j++) sums[s0 + j] += x[r0 + j];
  }
}
for (const f of [centred, raw, raw4, centred, raw, raw4]) {
  const sums = new Float64Array(k * d);
  const t = performance.now();
  const c = process.cpuUsage();
  f(sums);
  const u = process.cpuUsage(c);
  console.log(
    f.name,
    (performance.now() - t).toFixed(0),
    'ms wall',
    (u.user / 1000).toFixed(0),
    'ms cpu',
  );
}
