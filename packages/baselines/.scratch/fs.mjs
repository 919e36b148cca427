const d = 256,
  n = 2000;
const L = new Float64Array(d * d);
for (let i = 0; i < d; i++) {
  for (let j = 0; j < i; j++) L[i * d + j] = Math.random() * 0.01;
  L[i * d + i] = 1 + Math.random();
}
const X = new Float64Array(n * d).map(() => Math.random());
const mu = new Float64Array(d).map(() => Math.random());
function one(out) {
  const z = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    let tot = 0;
    for (let j = 0; j < d; j++) {
      let v = X[r * d + j] - mu[j];
      const s = j * d;
      for (let i = 0; i < j; i++) v -= L[s + i] * z[i];
      v /= L[s + j];
      z[j] = v;
      tot += v * v;
    }
    out[r] = tot;
  }
}
function four(out) {
  const z0 = new Float64Array(d),
    z1 = new Float64Array(d),
    z2 = new Float64Array(d),
    z3 = new Float64Array(d);
  let r = 0;
  for (; r + 3 < n; r += 4) {
    let t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (let j = 0; j < d; j++) {
      let v0 = X[r * d + j] - mu[j],
        v1 = X[(r + 1) * d + j] - mu[j],
        v2 = X[(r + 2) * d + j] - mu[j],
        v3 = X[(r + 3) * d + j] - mu[j];
      const s = j * d;
      for (let i = 0; i < j; i++) {
        const l = L[s + i];
        v0 -= l * z0[i];
        v1 -= l * z1[i];
        v2 -= l * z2[i];
        v3 -= l * z3[i];
      }
      const inv = 1 / L[s + j];
      v0 *= inv;
      v1 *= inv;
      v2 *= inv;
      v3 *= inv;
      z0[j] = v0;
      z1[j] = v1;
      z2[j] = v2;
      z3[j] = v3;
      t0 += v0 * v0;
      t1 += v1 * v1;
      t2 += v2 * v2;
      t3 += v3 * v3;
    }
    out[r] = t0;
    out[r + 1] = t1;
    out[r + 2] = t2;
    out[r + 3] = t3;
  }
}
for (const f of [one, four, one, four]) {
  const out = new Float64Array(n);
  const c = process.cpuUsage();
  f(out);
  const u = process.cpuUsage(c);
  console.log(
    f.name,
    (u.user / 1000).toFixed(0),
    'ms',
    out[5].toFixed(6),
    out[1999].toFixed(6),
  );
}
