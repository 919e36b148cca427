// Element-wise kernels: unary functions and binary operations with
// broadcasting. The operation codes must match UnaryOp and BinaryOp in
// src/kernels/elementwise.ts and CompareOp in src/kernels/compare.ts.
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels.h"

namespace fixclust {
namespace {

enum UnaryOp {
  kTanh = 0,
  kSqrt = 1,
  kSquare = 2,
  kNeg = 3,
  kExp = 4,
  kLog = 5,
  kLog1p = 6,
  kAbs = 7,
  kRelu = 8,
  kSigmoid = 9,
  kReciprocal = 10,
  kRsqrt = 11,
};

enum BinaryOp {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kMaximum = 4,
  kMinimum = 5,
  kSquaredDifference = 6,
  kPow = 7,
};

// Hyperbolic tangent without calls or branches, so loops over it
// vectorise. At most 2 units in the last place from the correctly rounded
// value (the tests check a dense sample of floats against Math.tanh); odd,
// tanh(±inf) = ±1, and NaN stays NaN.
inline float FastTanh(float x) {
  const float a = std::fabs(x);

  // |x| < 0.5: the odd Taylor series to x^17; the first omitted term,
  // 2.4e-4 x^19, is below 5e-10 there.
  const float s = x * x;
  float p = 5.90027441e-4f;
  p = p * s - 1.45583439e-3f;
  p = p * s + 3.59212804e-3f;
  p = p * s - 8.86323553e-3f;
  p = p * s + 2.18694885e-2f;
  p = p * s - 5.39682540e-2f;
  p = p * s + 1.33333333e-1f;
  p = p * s - 3.33333333e-1f;
  const float small = x + x * s * p;

  // Elsewhere 1 - 2 / (exp(2|x|) + 1), with |x| clamped to 9, past which
  // tanh rounds to 1 in float. exp(y) = 2^n exp(r) with r = y - n ln 2 in
  // [-ln 2 / 2, ln 2 / 2] (ln 2 split in two for exactness) and exp(r) by
  // its Taylor series to r^7.
  const float y = 2.0f * (a < 9.0f ? a : 9.0f);
  // Adding 1.5 * 2^23 leaves no fraction bits, so this rounds to nearest.
  const float n = (y * 1.44269504f + 12582912.0f) - 12582912.0f;
  const float r = (y - n * 0.693145752f) - n * 1.42860677e-6f;
  float e = 1.0f / 5040.0f;
  e = e * r + 1.0f / 720.0f;
  e = e * r + 1.0f / 120.0f;
  e = e * r + 1.0f / 24.0f;
  e = e * r + 1.0f / 6.0f;
  e = e * r + 0.5f;
  e = e * r + 1.0f;
  e = e * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float large = std::copysign(1.0f - 2.0f / (e * scale + 1.0f), x);

  const float result = a < 0.5f ? small : large;
  return x == x ? result : x;
}

template <typename F>
void Map(const float* __restrict x, float* __restrict out, size_t n, F f) {
  for (size_t i = 0; i < n; i++) out[i] = f(x[i]);
}

bool ApplyUnary(int op, const float* x, float* out, size_t n) {
  switch (op) {
    case kTanh:
      Map(x, out, n, FastTanh);
      return true;
    case kSqrt:
      Map(x, out, n, [](float v) { return std::sqrt(v); });
      return true;
    case kSquare:
      Map(x, out, n, [](float v) { return v * v; });
      return true;
    case kNeg:
      Map(x, out, n, [](float v) { return -v; });
      return true;
    case kExp:
      Map(x, out, n, [](float v) { return std::exp(v); });
      return true;
    case kLog:
      Map(x, out, n, [](float v) { return std::log(v); });
      return true;
    case kLog1p:
      Map(x, out, n, [](float v) { return std::log1p(v); });
      return true;
    case kAbs:
      Map(x, out, n, [](float v) { return std::fabs(v); });
      return true;
    case kRelu:
      // NaN stays NaN, as in tfjs's cpu kernel.
      Map(x, out, n, [](float v) { return v < 0.0f ? 0.0f : v; });
      return true;
    case kSigmoid:
      Map(x, out, n, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
      return true;
    case kReciprocal:
      Map(x, out, n, [](float v) { return 1.0f / v; });
      return true;
    case kRsqrt:
      Map(x, out, n, [](float v) { return 1.0f / std::sqrt(v); });
      return true;
  }
  return false;
}

// Maximum and minimum return NaN when either side is NaN, like Math.max.
inline float NanMax(float a, float b) {
  if (a != a || b != b) return std::numeric_limits<float>::quiet_NaN();
  return a > b ? a : b;
}

inline float NanMin(float a, float b) {
  if (a != a || b != b) return std::numeric_limits<float>::quiet_NaN();
  return a < b ? a : b;
}

// Math.pow's rules where they differ from C's pow: a NaN exponent gives
// NaN, and so does ±1 to an infinite power.
inline float JsPow(float x, float y) {
  if (y != y || (std::fabs(x) == 1.0f && std::isinf(y))) {
    return std::numeric_limits<float>::quiet_NaN();
  }
  return static_cast<float>(
      std::pow(static_cast<double>(x), static_cast<double>(y)));
}

// One innermost run of a broadcast binary operation. A stride of 0 repeats
// one value; the three common stride pairs get loops the compiler
// vectorises.
template <typename Out, typename F>
inline void Run(const float* __restrict a, int64_t strideA,
                const float* __restrict b, int64_t strideB,
                Out* __restrict out, int64_t n, F f) {
  if (strideA == 1 && strideB == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (strideA == 0 && strideB == 1) {
    const float x = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(x, b[i]);
  } else if (strideA == 1 && strideB == 0) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], y);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i * strideA], b[i * strideB]);
  }
}

// Layout of a broadcast operation, collapsed to 4 dimensions: the output
// sizes, then a's strides, then b's strides (0 along broadcast dimensions).
struct Layout {
  int64_t size[4];
  int64_t strideA[4];
  int64_t strideB[4];
};

template <typename Out, typename F>
void Broadcast(const float* a, const float* b, Out* out, const Layout& layout,
               F f) {
  const int64_t* d = layout.size;
  const int64_t* sa = layout.strideA;
  const int64_t* sb = layout.strideB;
  Out* target = out;
  for (int64_t i0 = 0; i0 < d[0]; i0++) {
    for (int64_t i1 = 0; i1 < d[1]; i1++) {
      for (int64_t i2 = 0; i2 < d[2]; i2++) {
        const float* rowA = a + i0 * sa[0] + i1 * sa[1] + i2 * sa[2];
        const float* rowB = b + i0 * sb[0] + i1 * sb[1] + i2 * sb[2];
        Run(rowA, sa[3], rowB, sb[3], target, d[3], f);
        target += d[3];
      }
    }
  }
}

bool ApplyBinary(int op, const float* a, const float* b, float* out,
                 const Layout& layout) {
  switch (op) {
    case kAdd:
      Broadcast(a, b, out, layout, [](float x, float y) { return x + y; });
      return true;
    case kSub:
      Broadcast(a, b, out, layout, [](float x, float y) { return x - y; });
      return true;
    case kMul:
      Broadcast(a, b, out, layout, [](float x, float y) { return x * y; });
      return true;
    case kDiv:
      Broadcast(a, b, out, layout, [](float x, float y) { return x / y; });
      return true;
    case kMaximum:
      Broadcast(a, b, out, layout, NanMax);
      return true;
    case kMinimum:
      Broadcast(a, b, out, layout, NanMin);
      return true;
    case kSquaredDifference:
      Broadcast(a, b, out, layout, [](float x, float y) {
        const float d = x - y;
        return d * d;
      });
      return true;
    case kPow:
      Broadcast(a, b, out, layout, JsPow);
      return true;
  }
  return false;
}

enum CompareOp {
  kEqual = 0,
  kNotEqual = 1,
  kLess = 2,
  kLessEqual = 3,
  kGreater = 4,
  kGreaterEqual = 5,
};

// Comparisons write 1 or 0 to a Uint8Array, tfjs's storage for bool.
bool ApplyCompare(int op, const float* a, const float* b, uint8_t* out,
                  const Layout& layout) {
  switch (op) {
    case kEqual:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x == y; });
      return true;
    case kNotEqual:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x != y; });
      return true;
    case kLess:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x < y; });
      return true;
    case kLessEqual:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x <= y; });
      return true;
    case kGreater:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x > y; });
      return true;
    case kGreaterEqual:
      Broadcast(a, b, out, layout,
                [](float x, float y) -> uint8_t { return x >= y; });
      return true;
  }
  return false;
}

// Index of the last element a layout reads through `strides`, plus one.
int64_t Extent(const int64_t* size, const int64_t* strides) {
  int64_t last = 0;
  for (int i = 0; i < 4; i++) last += (size[i] - 1) * strides[i];
  return last + 1;
}

}  // namespace

// unary(op, x, out) applies operation `op` to every element of x.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan x, out;
  if (!ReadFloats(info, 1, &x) || !ReadFloats(info, 2, &out)) {
    return env.Undefined();
  }
  if (!RequireLength(env, out.length, static_cast<int64_t>(x.length), "out")) {
    return env.Undefined();
  }
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (!ApplyUnary(op, x.data, out.data, x.length)) {
    Napi::RangeError::New(env, "unknown unary operation " + std::to_string(op))
        .ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

namespace {

// Reads the layout argument of binary and compare and checks that a, b and
// an output of `outLength` elements are large enough for it.
bool ReadLayout(const Napi::CallbackInfo& info, size_t index,
                const FloatSpan& a, const FloatSpan& b, size_t outLength,
                Layout* layout, int64_t* total) {
  Napi::Env env = info.Env();
  IntSpan raw;
  if (!ReadInts(info, index, &raw) ||
      !RequireLength(env, raw.length, 12, "layout")) {
    return false;
  }
  *total = 1;
  for (int i = 0; i < 4; i++) {
    layout->size[i] = raw.data[i];
    layout->strideA[i] = raw.data[4 + i];
    layout->strideB[i] = raw.data[8 + i];
    *total *= layout->size[i];
  }
  if (*total == 0) return true;
  return RequireLength(env, outLength, *total, "out") &&
         RequireLength(env, a.length, Extent(layout->size, layout->strideA),
                       "a") &&
         RequireLength(env, b.length, Extent(layout->size, layout->strideB),
                       "b");
}

}  // namespace

// binary(op, a, b, out, layout) computes out = a op b with broadcasting.
// `layout` is an Int32Array of 12 values: the 4 output sizes, a's 4 strides
// and b's 4 strides.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan a, b, out;
  Layout layout;
  int64_t total = 0;
  if (!ReadFloats(info, 1, &a) || !ReadFloats(info, 2, &b) ||
      !ReadFloats(info, 3, &out) ||
      !ReadLayout(info, 4, a, b, out.length, &layout, &total) || total == 0) {
    return env.Undefined();
  }
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (!ApplyBinary(op, a.data, b.data, out.data, layout)) {
    Napi::RangeError::New(env,
                          "unknown binary operation " + std::to_string(op))
        .ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

// compare(op, a, b, out, layout) writes a op b as 1 or 0 to the Uint8Array
// out, with broadcasting as in binary.
Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan a, b;
  ByteSpan out;
  Layout layout;
  int64_t total = 0;
  if (!ReadFloats(info, 1, &a) || !ReadFloats(info, 2, &b) ||
      !ReadBytes(info, 3, &out) ||
      !ReadLayout(info, 4, a, b, out.length, &layout, &total) || total == 0) {
    return env.Undefined();
  }
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (!ApplyCompare(op, a.data, b.data, out.data, layout)) {
    Napi::RangeError::New(env, "unknown comparison " + std::to_string(op))
        .ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace fixclust
