const m = 2000,
  d = 784;
const x = new Float64Array(m * d).map(() => Math.random());
function e1(a, b) {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = x[a + j] - x[b + j];
    s += t * t;
  }
  return Math.sqrt(s);
}
function e4(a, b) {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const t0 = x[a + j] - x[b + j],
      t1 = x[a + j + 1] - x[b + j + 1],
      t2 = x[a + j + 2] - x[b + j + 2],
      t3 = x[a + j + 3] - x[b + j + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; j < d; j++) {
    const t = x[a + j] - x[b + j];
    s0 += t * t;
  }
  return Math.sqrt(s0 + s1 + s2 + s3);
}
for (const f of [e1, e4, e1, e4]) {
  const c = process.cpuUsage();
  let tot = 0;
  for (let i = 0; i < m; i++)
    for (let k = i + 1; k < m; k++) tot += f(i * d, k * d);
  const u = process.cpuUsage(c);
  console.log(f.name, (u.user / 1000).toFixed(0), 'ms cpu', tot.toFixed(3));
}
