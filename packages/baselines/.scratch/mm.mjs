import { wasmBackend } from '@fixclust/backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
await wasmBackend().initialise();
const n = 4096,
  d = 256,
  k = 10;
const xa = new Float32Array(n * d).map(() => Math.random());
const v = tf.tensor2d(
  new Float32Array(k * d).map(() => Math.random()),
  [k, d],
);
const vt = tf.transpose(v);
function time(name, f) {
  for (let i = 0; i < 3; i++) f();
  const t = performance.now();
  const R = 50;
  for (let i = 0; i < R; i++) f();
  console.log(name, ((performance.now() - t) / R).toFixed(2), 'ms');
}
time('transposeB', () => {
  const r = tf.tidy(() => tf.matMul(tf.tensor2d(xa, [n, d]), v, false, true));
  r.dataSync();
  r.dispose();
});
time('pretransposed', () => {
  const r = tf.tidy(() => tf.matMul(tf.tensor2d(xa, [n, d]), vt));
  r.dataSync();
  r.dispose();
});
time('upload only', () => {
  const r = tf.tensor2d(xa, [n, d]);
  r.dataSync();
  r.dispose();
});
const big = tf.tensor2d(
  new Float32Array(k * d * 10).map(() => Math.random()),
  [d, k * 10],
);
time('pretransposed k=100', () => {
  const r = tf.tidy(() => tf.matMul(tf.tensor2d(xa, [n, d]), big));
  r.dataSync();
  r.dispose();
});
//time('gram', ()=>{ const r=tf.tidy(()=>{const x=tf.tensor2d(xa,[n,d]); return tf.matMul(x, x, true, false)}); r.dataSync(); r.dispose(); });
time('gram explicit transpose', () => {
  const r = tf.tidy(() => {
    const x = tf.tensor2d(xa, [n, d]);
    return tf.matMul(tf.transpose(x), x);
  });
  r.dataSync();
  r.dispose();
});
time('gram transposeB', () => {
  const r = tf.tidy(() => {
    const x = tf.tensor2d(xa, [n, d]);
    const xt = tf.transpose(x);
    return tf.matMul(xt, xt, false, true);
  });
  r.dataSync();
  r.dispose();
});
const c = tf.tensor2d(
  new Float32Array(d * d).map(() => Math.random()),
  [d, d],
);
time('square 4096x256x256', () => {
  const r = tf.tidy(() => tf.matMul(tf.tensor2d(xa, [n, d]), c));
  r.dataSync();
  r.dispose();
});
time('sub mean', () => {
  const r = tf.tidy(() => tf.sub(tf.tensor2d(xa, [n, d]), tf.zeros([1, d])));
  r.dataSync();
  r.dispose();
});
