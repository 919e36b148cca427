// Kernels of the fixclust native addon. Each function is one JavaScript
// entry point. The TypeScript kernels in src/kernels prepare shapes and
// strides, allocate the output and check dtypes before calling them.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace fixclust {

// A Float32Array argument: its data and its length in elements.
struct FloatSpan {
  float* data = nullptr;
  size_t length = 0;
};

// An Int32Array argument.
struct IntSpan {
  int32_t* data = nullptr;
  size_t length = 0;
};

// A Uint8Array argument.
struct ByteSpan {
  uint8_t* data = nullptr;
  size_t length = 0;
};

// Reads argument `index` as a Float32Array. Throws a TypeError in
// JavaScript and returns false when it is not one.
bool ReadFloats(const Napi::CallbackInfo& info, size_t index, FloatSpan* span);
bool ReadInts(const Napi::CallbackInfo& info, size_t index, IntSpan* span);
bool ReadBytes(const Napi::CallbackInfo& info, size_t index, ByteSpan* span);

// Reads argument `index` as a non-negative integer.
bool ReadSize(const Napi::CallbackInfo& info, size_t index, int64_t* value);

// Throws a RangeError naming `what` unless `length >= needed`.
bool RequireLength(Napi::Env env, size_t length, int64_t needed,
                   const char* what);

Napi::Value MatMul(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Compare(const Napi::CallbackInfo& info);
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value ArgReduce(const Napi::CallbackInfo& info);
Napi::Value Transpose(const Napi::CallbackInfo& info);
Napi::Value DenseTrainingStep(const Napi::CallbackInfo& info);
Napi::Value DenseTrainingSteps(const Napi::CallbackInfo& info);

}  // namespace fixclust
