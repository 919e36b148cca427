// Transposition: 2-D in cache-sized tiles, up to 4-D by strides.
#include <algorithm>

#include "kernels.h"

namespace fixclust {
namespace {

constexpr int64_t kTile = 32;

// out (cols × rows) = transpose of x (rows × cols).
void Transpose2d(const float* __restrict x, float* __restrict out,
                 int64_t rows, int64_t cols) {
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t r1 = std::min(r0 + kTile, rows);
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = std::min(c0 + kTile, cols);
      for (int64_t r = r0; r < r1; r++) {
        for (int64_t c = c0; c < c1; c++) out[c * rows + r] = x[r * cols + c];
      }
    }
  }
}

}  // namespace

// transpose(x, out, layout) writes x permuted into out. `layout` is an
// Int32Array of 9 values: the rank (1 to 4) of the collapsed permutation,
// the 4 output sizes (padded with 1 in front), and for each output axis the
// stride of the input axis it comes from.
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan x, out;
  IntSpan raw;
  if (!ReadFloats(info, 0, &x) || !ReadFloats(info, 1, &out) ||
      !ReadInts(info, 2, &raw) ||
      !RequireLength(env, raw.length, 9, "layout")) {
    return env.Undefined();
  }
  const int64_t rank = raw.data[0];
  int64_t size[4], stride[4];
  int64_t total = 1, extent = 1;
  for (int i = 0; i < 4; i++) {
    size[i] = raw.data[1 + i];
    stride[i] = raw.data[5 + i];
    total *= size[i];
    extent += (size[i] - 1) * stride[i];
  }
  if (total == 0) return env.Undefined();
  if (!RequireLength(env, out.length, total, "out") ||
      !RequireLength(env, x.length, extent, "x")) {
    return env.Undefined();
  }

  // A collapsed rank-2 permutation is a matrix transpose: the output is
  // size[2] × size[3] and the input size[3] × size[2].
  if (rank == 2 && stride[3] == size[2] && stride[2] == 1) {
    Transpose2d(x.data, out.data, size[3], size[2]);
    return env.Undefined();
  }
  float* target = out.data;
  for (int64_t i0 = 0; i0 < size[0]; i0++) {
    for (int64_t i1 = 0; i1 < size[1]; i1++) {
      for (int64_t i2 = 0; i2 < size[2]; i2++) {
        const float* source =
            x.data + i0 * stride[0] + i1 * stride[1] + i2 * stride[2];
        for (int64_t i3 = 0; i3 < size[3]; i3++) {
          *target++ = source[i3 * stride[3]];
        }
      }
    }
  }
  return env.Undefined();
}

}  // namespace fixclust
