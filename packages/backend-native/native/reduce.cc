// Reductions over one contiguous group of axes. The input is seen as an
// outer × reduced × inner array, and the output has outer × inner values.
#include <vector>

#include "kernels.h"

namespace fixclust {
namespace {

enum ReduceOp { kSum = 0, kMean = 1, kMin = 2, kMax = 3, kProd = 4 };
enum ArgReduceOp { kArgMin = 0, kArgMax = 1 };

// Sums and products accumulate in double and round once at the end, as
// tfjs's cpu kernels do with JavaScript numbers. A mean divides the sum by
// the count, as the cpu kernel does, rather than multiplying by the
// reciprocal.
void Accumulate(int op, const float* x, float* out, int64_t outer,
                int64_t reduced, int64_t inner) {
  thread_local std::vector<double> totals;
  const double start = op == kProd ? 1.0 : 0.0;
  for (int64_t o = 0; o < outer; o++) {
    const float* block = x + o * reduced * inner;
    totals.assign(static_cast<size_t>(inner), start);
    for (int64_t r = 0; r < reduced; r++) {
      const float* row = block + r * inner;
      if (op == kProd) {
        for (int64_t i = 0; i < inner; i++) totals[i] *= row[i];
      } else {
        for (int64_t i = 0; i < inner; i++) totals[i] += row[i];
      }
    }
    for (int64_t i = 0; i < inner; i++) {
      double total = totals[i];
      if (op == kMean) total /= static_cast<double>(reduced);
      out[o * inner + i] = static_cast<float>(total);
    }
  }
}

// The same for reductions over the innermost axes, one contiguous row per
// output value.
void AccumulateRows(int op, const float* x, float* out, int64_t outer,
                    int64_t reduced) {
  for (int64_t o = 0; o < outer; o++) {
    const float* row = x + o * reduced;
    double total = op == kProd ? 1.0 : 0.0;
    if (op == kProd) {
      for (int64_t r = 0; r < reduced; r++) total *= row[r];
    } else {
      for (int64_t r = 0; r < reduced; r++) total += row[r];
    }
    if (op == kMean) total /= static_cast<double>(reduced);
    out[o] = static_cast<float>(total);
  }
}

// Minimum or maximum; NaN anywhere makes the result NaN, as in tfjs's cpu
// kernels.
void Extreme(bool isMin, const float* x, float* out, int64_t outer,
             int64_t reduced, int64_t inner) {
  for (int64_t o = 0; o < outer; o++) {
    const float* block = x + o * reduced * inner;
    float* target = out + o * inner;
    for (int64_t i = 0; i < inner; i++) target[i] = block[i];
    for (int64_t r = 1; r < reduced; r++) {
      const float* row = block + r * inner;
      for (int64_t i = 0; i < inner; i++) {
        const float v = row[i];
        const float m = target[i];
        const bool better = isMin ? v < m : v > m;
        if (v != v || better) target[i] = v;
      }
    }
  }
}

}  // namespace

// reduce(op, x, out, outer, reduced, inner) reduces the middle axis of x
// seen as outer × reduced × inner. `reduced` must be at least 1.
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan x, out;
  int64_t outer, reduced, inner;
  if (!ReadFloats(info, 1, &x) || !ReadFloats(info, 2, &out) ||
      !ReadSize(info, 3, &outer) || !ReadSize(info, 4, &reduced) ||
      !ReadSize(info, 5, &inner) ||
      !RequireLength(env, x.length, outer * reduced * inner, "x") ||
      !RequireLength(env, out.length, outer * inner, "out") ||
      !RequireLength(env, static_cast<size_t>(reduced), 1, "reduced axis")) {
    return env.Undefined();
  }
  const int op = info[0].As<Napi::Number>().Int32Value();
  switch (op) {
    case kSum:
    case kMean:
    case kProd:
      if (inner == 1) {
        AccumulateRows(op, x.data, out.data, outer, reduced);
      } else {
        Accumulate(op, x.data, out.data, outer, reduced, inner);
      }
      break;
    case kMin:
    case kMax:
      Extreme(op == kMin, x.data, out.data, outer, reduced, inner);
      break;
    default:
      Napi::RangeError::New(env, "unknown reduction " + std::to_string(op))
          .ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

// argReduce(op, x, out, outer, reduced, inner) writes the index along the
// middle axis of the first minimum (op 0) or maximum (op 1) to the Int32Array
// out. Comparisons skip NaN, as tfjs's cpu kernels do.
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan x;
  IntSpan out;
  int64_t outer, reduced, inner;
  if (!ReadFloats(info, 1, &x) || !ReadInts(info, 2, &out) ||
      !ReadSize(info, 3, &outer) || !ReadSize(info, 4, &reduced) ||
      !ReadSize(info, 5, &inner) ||
      !RequireLength(env, x.length, outer * reduced * inner, "x") ||
      !RequireLength(env, out.length, outer * inner, "out") ||
      !RequireLength(env, static_cast<size_t>(reduced), 1, "reduced axis")) {
    return env.Undefined();
  }
  const bool isMin = info[0].As<Napi::Number>().Int32Value() == kArgMin;
  for (int64_t o = 0; o < outer; o++) {
    const float* block = x.data + o * reduced * inner;
    for (int64_t i = 0; i < inner; i++) {
      float best = block[i];
      int32_t index = 0;
      for (int64_t r = 1; r < reduced; r++) {
        const float v = block[r * inner + i];
        if (isMin ? v < best : v > best) {
          best = v;
          index = static_cast<int32_t>(r);
        }
      }
      out.data[o * inner + i] = index;
    }
  }
  return env.Undefined();
}

}  // namespace fixclust
