// Batched matrix product through OpenBLAS's cblas_sgemm.
#include <cblas.h>

#include <algorithm>

#include "kernels.h"

namespace fixclust {

// matMul(a, b, out, batch, m, n, k, transposeA, transposeB, strideA,
// strideB) computes out[i] = op(a[i]) · op(b[i]) for i < batch, where op
// transposes when asked, a[i] starts at i * strideA and b[i] at i * strideB
// (a stride of 0 repeats one matrix for every batch entry). Matrices are
// row-major; op(a[i]) is m × k, op(b[i]) is k × n and out[i] is m × n.
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan a, b, out;
  int64_t batch, m, n, k, strideA, strideB;
  if (!ReadFloats(info, 0, &a) || !ReadFloats(info, 1, &b) ||
      !ReadFloats(info, 2, &out) || !ReadSize(info, 3, &batch) ||
      !ReadSize(info, 4, &m) || !ReadSize(info, 5, &n) ||
      !ReadSize(info, 6, &k) || !ReadSize(info, 9, &strideA) ||
      !ReadSize(info, 10, &strideB)) {
    return env.Undefined();
  }
  const bool transposeA = info[7].ToBoolean();
  const bool transposeB = info[8].ToBoolean();
  if (batch == 0 || m == 0 || n == 0) return env.Undefined();
  if (!RequireLength(env, a.length, (batch - 1) * strideA + m * k, "a") ||
      !RequireLength(env, b.length, (batch - 1) * strideB + k * n, "b") ||
      !RequireLength(env, out.length, batch * m * n, "out")) {
    return env.Undefined();
  }

  // With k = 0 the product is all zeros; sgemm would reject the leading
  // dimension 0 it gets then. The output may be a recycled array.
  if (k == 0) {
    std::fill(out.data, out.data + batch * m * n, 0.0f);
    return env.Undefined();
  }
  const int lda = static_cast<int>(transposeA ? m : k);
  const int ldb = static_cast<int>(transposeB ? k : n);
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n), static_cast<int>(k), 1.0f,
                a.data + i * strideA, lda, b.data + i * strideB, ldb, 0.0f,
                out.data + i * m * n, static_cast<int>(n));
  }
  return env.Undefined();
}

}  // namespace fixclust
