// Module entry point of the fixclust native addon: argument helpers,
// OpenBLAS information and thread control, and the kernel exports.
#include <cblas.h>

#include <string>

#include "kernels.h"

#ifndef OPENBLAS_VERSION
#error "cblas.h is not OpenBLAS's; install libopenblas-dev"
#endif

namespace fixclust {

// The readers call N-API directly, because a training step makes over a
// hundred kernel calls: one napi_get_typedarray_info per array, which also
// rejects values that are not typed arrays, where node-addon-api's checked
// conversion makes three calls.

namespace {

bool ThrowArgumentError(const Napi::CallbackInfo& info, size_t index,
                        const char* expected) {
  Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) +
                                       " must be " + expected)
      .ThrowAsJavaScriptException();
  return false;
}

template <typename T>
bool ReadTypedArray(const Napi::CallbackInfo& info, size_t index,
                    napi_typedarray_type expected, const char* name,
                    T** data, size_t* length) {
  napi_typedarray_type type;
  void* raw = nullptr;
  napi_status status = napi_get_typedarray_info(
      info.Env(), info[index], &type, length, &raw, nullptr, nullptr);
  if (status != napi_ok || type != expected) {
    return ThrowArgumentError(info, index, name);
  }
  *data = static_cast<T*>(raw);
  return true;
}

}  // namespace

bool ReadFloats(const Napi::CallbackInfo& info, size_t index,
                FloatSpan* span) {
  return ReadTypedArray(info, index, napi_float32_array, "a Float32Array",
                        &span->data, &span->length);
}

bool ReadInts(const Napi::CallbackInfo& info, size_t index, IntSpan* span) {
  return ReadTypedArray(info, index, napi_int32_array, "an Int32Array",
                        &span->data, &span->length);
}

bool ReadBytes(const Napi::CallbackInfo& info, size_t index, ByteSpan* span) {
  return ReadTypedArray(info, index, napi_uint8_array, "a Uint8Array",
                        &span->data, &span->length);
}

bool ReadSize(const Napi::CallbackInfo& info, size_t index, int64_t* value) {
  if (napi_get_value_int64(info.Env(), info[index], value) != napi_ok) {
    return ThrowArgumentError(info, index, "a number");
  }
  if (*value < 0) {
    Napi::RangeError::New(info.Env(), "argument " + std::to_string(index) +
                                          " must not be negative")
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

bool RequireLength(Napi::Env env, size_t length, int64_t needed,
                   const char* what) {
  if (needed >= 0 && length >= static_cast<uint64_t>(needed)) return true;
  Napi::RangeError::New(env, std::string(what) + " has " +
                                 std::to_string(length) + " elements, needs " +
                                 std::to_string(needed))
      .ThrowAsJavaScriptException();
  return false;
}

namespace {

// setThreads(n): the number of threads OpenBLAS uses from now on.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t threads = 0;
  if (!ReadSize(info, 0, &threads)) return info.Env().Undefined();
  if (threads < 1) {
    Napi::RangeError::New(info.Env(), "threads must be at least 1")
        .ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  openblas_set_num_threads(static_cast<int>(threads));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

// OpenBLAS's build description, such as "OpenBLAS 0.3.21 DYNAMIC_ARCH ...",
// and the name of the CPU kernel set it picked at run time.
Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("config", openblas_get_config());
  result.Set("coreName", openblas_get_corename());
  result.Set("processors", openblas_get_num_procs());
  return result;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Increment whenever an entry point changes, so the loader can reject a
  // stale build instead of calling it with the wrong arguments.
  exports.Set("apiVersion", 3);
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("matMul", Napi::Function::New(env, MatMul));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("compare", Napi::Function::New(env, Compare));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  exports.Set("denseTrainingStep",
              Napi::Function::New(env, DenseTrainingStep));
  exports.Set("denseTrainingSteps",
              Napi::Function::New(env, DenseTrainingSteps));
  return exports;
}

}  // namespace fixclust

namespace {

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return fixclust::Init(env, exports);
}

}  // namespace

NODE_API_MODULE(fixclust_native, InitModule)
