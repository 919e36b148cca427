// One whole training step of the default mapping network in one call: the
// forward pass of a stack of dense layers, the clustering loss to fixed
// representatives plus the variable-features term, the backward pass and
// the Adam or SGD update. Running it here instead of as ~200 separate tfjs
// kernels removes the per-kernel bookkeeping that dominated a step.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels.h"

namespace fixclust {
namespace {

enum Activation { kTanh = 0, kRelu = 1, kSigmoid = 2, kLinear = 3 };
enum Loss { kKm = 0, kGmm = 1, kCmm = 2 };
enum Optimizer { kAdam = 0, kSgd = 1 };

// Positions in the settings Float64Array.
enum Setting {
  kLoss = 0,
  kLossConstant,
  kLambda,
  kVarianceEpsilon,
  kL2,
  kOptimizer,
  kLearningRate,
  kBeta1,
  kBeta2,
  kAdamEpsilon,
  kStep,
  kSettingCount
};

// e^x in float for x in [-87, 88], within about 2 ulp: 2^(x log2 e)
// split into an integer power, set through the exponent bits, and a
// degree-7 Taylor polynomial of 2^f for |f| <= 1/2. It has no branches or
// library calls, so the compiler vectorises the loops that call it. With
// std::tanh, one value at a time, tanh on a 128 × 32 batch cost more than
// the layer's matrix product.
inline float Exp(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float t = x * 1.44269504088896341f;
  // Round to nearest without SSE4.1: adding 1.5 · 2^23 drops the fraction.
  const float rounded = (t + 12582912.0f) - 12582912.0f;
  const float f = (t - rounded) * 0.693147180559945309f;
  float p = 1.0f / 5040.0f;
  p = p * f + 1.0f / 720.0f;
  p = p * f + 1.0f / 120.0f;
  p = p * f + 1.0f / 24.0f;
  p = p * f + 1.0f / 6.0f;
  p = p * f + 0.5f;
  p = p * f + 1.0f;
  p = p * f + 1.0f;
  const int32_t bits = (static_cast<int32_t>(rounded) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// tanh from Exp: 1 - 2 / (e^(2|x|) + 1) with the sign restored, and an odd
// polynomial below |x| = 1/8 where that difference would cancel. NaN stays
// NaN through the min and max: each keeps its first argument when the
// comparison fails.
inline float Tanh(float x) {
  const float magnitude = std::fabs(x);
  const float e = Exp(2.0f * std::min(magnitude, 9.0f));
  const float large = 1.0f - 2.0f / (e + 1.0f);
  const float x2 = x * x;
  const float small =
      magnitude * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f +
                                                     x2 * (-17.0f / 315.0f))));
  const float result = magnitude < 0.125f ? small : large;
  return std::copysign(result, x);
}

inline float Sigmoid(float x) { return 1.0f / (1.0f + Exp(-x)); }

void Activate(int activation, float* values, size_t count) {
  switch (activation) {
    case kTanh:
      for (size_t i = 0; i < count; i++) values[i] = Tanh(values[i]);
      break;
    case kRelu:
      for (size_t i = 0; i < count; i++) {
        values[i] = values[i] > 0.0f ? values[i] : 0.0f;
      }
      break;
    case kSigmoid:
      for (size_t i = 0; i < count; i++) values[i] = Sigmoid(values[i]);
      break;
    default:
      break;
  }
}

// Multiplies the gradient by the activation's derivative, written in terms
// of the layer's output `y`, as the model's tfjs gradient does.
void MultiplyByDerivative(int activation, const float* y, float* gradient,
                          size_t count) {
  switch (activation) {
    case kTanh:
      for (size_t i = 0; i < count; i++) gradient[i] *= 1.0f - y[i] * y[i];
      break;
    case kRelu:
      for (size_t i = 0; i < count; i++) {
        if (!(y[i] > 0.0f)) gradient[i] = 0.0f;
      }
      break;
    case kSigmoid:
      for (size_t i = 0; i < count; i++) gradient[i] *= y[i] * (1.0f - y[i]);
      break;
    default:
      break;
  }
}

// Clustering loss of the mapped batch `y` (n × d) to the representatives
// (k × d), averaged over the batch, with its gradient written to `dy`.
// `constant` is added to the mixture losses' negative log-likelihood.
double ClusteringLoss(int loss, double constant, const float* y, int64_t n,
                      int64_t d, const float* points, int64_t k, float* dy) {
  thread_local std::vector<double> distances, logDensities, weights;
  distances.resize(static_cast<size_t>(k));
  logDensities.resize(static_cast<size_t>(k));
  weights.resize(static_cast<size_t>(k));
  const double inverseN = 1.0 / static_cast<double>(n);
  const double exponent = (1.0 + static_cast<double>(d)) / 2.0;
  double total = 0.0;
  for (int64_t i = 0; i < n; i++) {
    const float* row = y + i * d;
    for (int64_t j = 0; j < k; j++) {
      const float* point = points + j * d;
      double sum = 0.0;
      for (int64_t f = 0; f < d; f++) {
        const double difference = row[f] - point[f];
        sum += difference * difference;
      }
      distances[j] = sum;
    }
    // weights[j]: derivative of the batch loss by distance j of this row.
    if (loss == kKm) {
      const double nearest =
          *std::min_element(distances.begin(), distances.end());
      total += nearest;
      // As tfjs's min gradient: every representative tied at the minimum
      // receives the gradient.
      for (int64_t j = 0; j < k; j++) {
        weights[j] = distances[j] == nearest ? inverseN : 0.0;
      }
    } else {
      // Log-densities up to a shared constant: -dist / 2 (Gaussian) or
      // -exponent · ln(1 + dist) (Cauchy).
      double largest = -std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < k; j++) {
        logDensities[j] = loss == kGmm ? -0.5 * distances[j]
                                       : -exponent * std::log1p(distances[j]);
        largest = std::max(largest, logDensities[j]);
      }
      double sum = 0.0;
      for (int64_t j = 0; j < k; j++) {
        sum += std::exp(logDensities[j] - largest);
      }
      const double logSum = largest + std::log(sum);
      total -= logSum;
      for (int64_t j = 0; j < k; j++) {
        const double posterior = std::exp(logDensities[j] - logSum);
        weights[j] = loss == kGmm
                         ? 0.5 * posterior * inverseN
                         : exponent * posterior * inverseN / (1.0 + distances[j]);
      }
    }
    float* gradient = dy + i * d;
    for (int64_t f = 0; f < d; f++) {
      double sum = 0.0;
      for (int64_t j = 0; j < k; j++) {
        if (weights[j] != 0.0) sum += weights[j] * (row[f] - points[j * d + f]);
      }
      gradient[f] = static_cast<float>(2.0 * sum);
    }
  }
  const double mean = total * inverseN;
  return loss == kKm ? mean : constant + mean;
}

// Adds the variable-features term, -lambda · mean over features of the
// batch standard deviation sqrt(variance + epsilon), to the gradient and
// returns its value. With `target` (d values, or null for none) each
// deviation counts as min(deviation, target), and a deviation above its
// target gets no gradient, as in tfjs's minimum.
double VariableFeatures(double lambda, double epsilon, const float* target,
                        const float* y, int64_t n, int64_t d, float* dy) {
  thread_local std::vector<double> means, deviations;
  means.assign(static_cast<size_t>(d), 0.0);
  deviations.assign(static_cast<size_t>(d), 0.0);
  for (int64_t i = 0; i < n; i++) {
    for (int64_t f = 0; f < d; f++) means[f] += y[i * d + f];
  }
  for (int64_t f = 0; f < d; f++) means[f] /= static_cast<double>(n);
  for (int64_t i = 0; i < n; i++) {
    for (int64_t f = 0; f < d; f++) {
      const double centred = y[i * d + f] - means[f];
      deviations[f] += centred * centred;
    }
  }
  double sum = 0.0;
  for (int64_t f = 0; f < d; f++) {
    deviations[f] = std::sqrt(deviations[f] / static_cast<double>(n) + epsilon);
    const bool capped = target != nullptr && deviations[f] > target[f];
    sum += capped ? target[f] : deviations[f];
    // An infinite deviation makes the feature's gradient zero.
    if (capped) deviations[f] = std::numeric_limits<double>::infinity();
  }
  const double scale =
      -lambda / (static_cast<double>(d) * static_cast<double>(n));
  for (int64_t i = 0; i < n; i++) {
    for (int64_t f = 0; f < d; f++) {
      dy[i * d + f] += static_cast<float>(scale * (y[i * d + f] - means[f]) /
                                          deviations[f]);
    }
  }
  return -lambda * sum / static_cast<double>(d);
}

struct UpdateSettings {
  int optimizer;
  double learningRate, beta1, beta2, epsilon;
  // 1 - beta^t, the bias corrections of step t.
  double correction1, correction2;
};

// Writes the updated parameters (and Adam's moments) to the outputs, as
// tfjs's Adam and SGD optimizers compute them.
void Update(const UpdateSettings& s, const float* value, const float* gradient,
            const float* m, const float* v, float* newValue, float* newM,
            float* newV, size_t count) {
  if (s.optimizer == kSgd) {
    const float rate = static_cast<float>(s.learningRate);
    for (size_t i = 0; i < count; i++) {
      newValue[i] = value[i] - rate * gradient[i];
    }
    return;
  }
  const float beta1 = static_cast<float>(s.beta1);
  const float beta2 = static_cast<float>(s.beta2);
  const float oneMinusBeta1 = static_cast<float>(1.0 - s.beta1);
  const float oneMinusBeta2 = static_cast<float>(1.0 - s.beta2);
  const float correction1 = static_cast<float>(s.correction1);
  const float correction2 = static_cast<float>(s.correction2);
  const float epsilon = static_cast<float>(s.epsilon);
  const float rate = static_cast<float>(s.learningRate);
  for (size_t i = 0; i < count; i++) {
    const float first = beta1 * m[i] + oneMinusBeta1 * gradient[i];
    const float second = beta2 * v[i] + oneMinusBeta2 * gradient[i] * gradient[i];
    newM[i] = first;
    newV[i] = second;
    const float step =
        (first / correction1) / (std::sqrt(second / correction2) + epsilon);
    newValue[i] = value[i] - rate * step;
  }
}

// Reads element `index` of the JavaScript array at argument `argument` as
// a Float32Array.
bool ReadListedFloats(const Napi::CallbackInfo& info, size_t argument,
                      uint32_t index, FloatSpan* span) {
  Napi::Env env = info.Env();
  napi_value element;
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_element(env, info[argument], index, &element) != napi_ok ||
      napi_get_typedarray_info(env, element, &type, &span->length, &raw,
                               nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    Napi::TypeError::New(env, "argument " + std::to_string(argument) +
                                  " item " + std::to_string(index) +
                                  " must be a Float32Array")
        .ThrowAsJavaScriptException();
    return false;
  }
  span->data = static_cast<float*>(raw);
  return true;
}

bool ReadSettings(const Napi::CallbackInfo& info, size_t index,
                  const double** settings) {
  napi_typedarray_type type;
  size_t length = 0;
  void* raw = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[index], &type, &length, &raw,
                               nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || length < kSettingCount) {
    Napi::TypeError::New(info.Env(),
                         "argument " + std::to_string(index) +
                             " must be a Float64Array of " +
                             std::to_string(kSettingCount) + " settings")
        .ThrowAsJavaScriptException();
    return false;
  }
  *settings = static_cast<const double*>(raw);
  return true;
}

// Reads the Float64Array of 2 values that receives the clustering and
// variable-features terms.
bool ReadTerms(const Napi::CallbackInfo& info, size_t index, double** terms) {
  napi_typedarray_type type;
  size_t length = 0;
  void* raw = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[index], &type, &length, &raw,
                               nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || length < 2) {
    Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) +
                                         " must be a Float64Array of 2 terms")
        .ThrowAsJavaScriptException();
    return false;
  }
  *terms = static_cast<double*>(raw);
  return true;
}

}  // namespace

// denseTrainingStep(x, points, params, firstMoments, secondMoments,
// newParams, newFirstMoments, newSecondMoments, shape, activations,
// settings, target, terms) runs one step and returns the batch's loss
// before the update.
//
// shape: [n, layers, k, d, in_0, out_0, in_1, out_1, ...]. x is n × in_0,
// points k × d with d = out of the last layer. params lists each layer's
// weight (in × out, row-major), then its bias (out). The moment and output
// lists follow the same order, and the moment lists are empty for SGD.
// activations: one code per layer. settings: see `Setting`. target: the
// variable-features term's cap on each of the d deviations, or empty.
// terms receives the clustering term and the variable-features term of
// that loss.
Napi::Value DenseTrainingStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FloatSpan x, points, target;
  IntSpan shape, activations;
  const double* settings = nullptr;
  double* terms = nullptr;
  if (!ReadFloats(info, 0, &x) || !ReadFloats(info, 1, &points) ||
      !ReadInts(info, 8, &shape) || !ReadInts(info, 9, &activations) ||
      !ReadSettings(info, 10, &settings) || !ReadFloats(info, 11, &target) ||
      !ReadTerms(info, 12, &terms)) {
    return env.Undefined();
  }
  if (shape.length < 4) {
    Napi::RangeError::New(env, "shape needs at least 4 entries")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = shape.data[0];
  const int64_t layers = shape.data[1];
  const int64_t k = shape.data[2];
  const int64_t d = shape.data[3];
  if (n < 1 || layers < 1 || k < 1 || d < 1 ||
      shape.length < static_cast<size_t>(4 + 2 * layers) ||
      activations.length < static_cast<size_t>(layers)) {
    Napi::RangeError::New(env, "shape or activations do not describe a batch "
                               "and at least one layer")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int optimizer = static_cast<int>(settings[kOptimizer]);
  const bool adam = optimizer == kAdam;

  std::vector<FloatSpan> params(2 * layers), newParams(2 * layers);
  std::vector<FloatSpan> m(adam ? 2 * layers : 0), v(m.size());
  std::vector<FloatSpan> newM(m.size()), newV(m.size());
  std::vector<int64_t> inputs(layers), outputs(layers);
  for (int64_t l = 0; l < layers; l++) {
    inputs[l] = shape.data[4 + 2 * l];
    outputs[l] = shape.data[5 + 2 * l];
    if (inputs[l] < 1 || outputs[l] < 1 ||
        (l > 0 && inputs[l] != outputs[l - 1])) {
      Napi::RangeError::New(env, "layer " + std::to_string(l) +
                                     " does not follow the previous one")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  if (outputs[layers - 1] != d ||
      !RequireLength(env, x.length, n * inputs[0], "x") ||
      !RequireLength(env, points.length, k * d, "points") ||
      (target.length != 0 && !RequireLength(env, target.length, d, "target"))) {
    if (!env.IsExceptionPending()) {
      Napi::RangeError::New(env, "the last layer's width differs from d")
          .ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }
  for (uint32_t p = 0; p < 2 * layers; p++) {
    const int64_t l = p / 2;
    const int64_t size = p % 2 == 0 ? inputs[l] * outputs[l] : outputs[l];
    const char* name = p % 2 == 0 ? "weight" : "bias";
    if (!ReadListedFloats(info, 2, p, &params[p]) ||
        !ReadListedFloats(info, 5, p, &newParams[p]) ||
        !RequireLength(env, params[p].length, size, name) ||
        !RequireLength(env, newParams[p].length, size, name)) {
      return env.Undefined();
    }
    if (!adam) continue;
    if (!ReadListedFloats(info, 3, p, &m[p]) ||
        !ReadListedFloats(info, 4, p, &v[p]) ||
        !ReadListedFloats(info, 6, p, &newM[p]) ||
        !ReadListedFloats(info, 7, p, &newV[p]) ||
        !RequireLength(env, m[p].length, size, "first moment") ||
        !RequireLength(env, v[p].length, size, "second moment") ||
        !RequireLength(env, newM[p].length, size, "first moment") ||
        !RequireLength(env, newV[p].length, size, "second moment")) {
      return env.Undefined();
    }
  }

  // Forward: outputsOf[l] is layer l's output, n × out_l.
  thread_local std::vector<std::vector<float>> outputsOf;
  outputsOf.resize(static_cast<size_t>(layers));
  const float* in = x.data;
  for (int64_t l = 0; l < layers; l++) {
    std::vector<float>& out = outputsOf[l];
    out.resize(static_cast<size_t>(n * outputs[l]));
    const float* bias = params[2 * l + 1].data;
    for (int64_t i = 0; i < n; i++) {
      std::copy(bias, bias + outputs[l], out.data() + i * outputs[l]);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(n),
                static_cast<int>(outputs[l]), static_cast<int>(inputs[l]),
                1.0f, in, static_cast<int>(inputs[l]), params[2 * l].data,
                static_cast<int>(outputs[l]), 1.0f, out.data(),
                static_cast<int>(outputs[l]));
    Activate(activations.data[l], out.data(), out.size());
    in = out.data();
  }

  // Loss and its gradient by the mapped batch.
  const float* y = outputsOf[layers - 1].data();
  thread_local std::vector<float> gradient, previous, weightGradient,
      biasGradient;
  gradient.assign(static_cast<size_t>(n * d), 0.0f);
  const double clustering =
      ClusteringLoss(static_cast<int>(settings[kLoss]), settings[kLossConstant],
                     y, n, d, points.data, k, gradient.data());
  const double spread = VariableFeatures(
      settings[kLambda], settings[kVarianceEpsilon],
      target.length == 0 ? nullptr : target.data, y, n, d, gradient.data());
  double loss = clustering + spread;
  const double l2 = settings[kL2];
  if (l2 > 0.0) {
    double squares = 0.0;
    for (int64_t l = 0; l < layers; l++) {
      const FloatSpan& w = params[2 * l];
      for (int64_t i = 0; i < inputs[l] * outputs[l]; i++) {
        squares += static_cast<double>(w.data[i]) * w.data[i];
      }
    }
    loss += l2 * squares;
  }

  const double step = settings[kStep];
  UpdateSettings update{optimizer,
                        settings[kLearningRate],
                        settings[kBeta1],
                        settings[kBeta2],
                        settings[kAdamEpsilon],
                        1.0 - std::pow(settings[kBeta1], step),
                        1.0 - std::pow(settings[kBeta2], step)};

  // Backward, from the last layer to the first, updating each layer once
  // its gradients are known. The weights are read before they are
  // replaced: outputs are separate arrays.
  for (int64_t l = layers - 1; l >= 0; l--) {
    const int64_t rows = inputs[l], cols = outputs[l];
    MultiplyByDerivative(activations.data[l], outputsOf[l].data(),
                         gradient.data(), static_cast<size_t>(n * cols));
    const float* layerInput = l == 0 ? x.data : outputsOf[l - 1].data();
    weightGradient.resize(static_cast<size_t>(rows * cols));
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                static_cast<int>(rows), static_cast<int>(cols),
                static_cast<int>(n), 1.0f, layerInput, static_cast<int>(rows),
                gradient.data(), static_cast<int>(cols), 0.0f,
                weightGradient.data(), static_cast<int>(cols));
    biasGradient.assign(static_cast<size_t>(cols), 0.0f);
    for (int64_t i = 0; i < n; i++) {
      for (int64_t j = 0; j < cols; j++) {
        biasGradient[j] += gradient[i * cols + j];
      }
    }
    const float* weight = params[2 * l].data;
    if (l2 > 0.0) {
      const float twice = static_cast<float>(2.0 * l2);
      for (int64_t i = 0; i < rows * cols; i++) {
        weightGradient[i] += twice * weight[i];
      }
    }
    if (l > 0) {
      previous.resize(static_cast<size_t>(n * rows));
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n),
                  static_cast<int>(rows), static_cast<int>(cols), 1.0f,
                  gradient.data(), static_cast<int>(cols), weight,
                  static_cast<int>(cols), 0.0f, previous.data(),
                  static_cast<int>(rows));
    }
    for (int64_t p = 2 * l; p <= 2 * l + 1; p++) {
      const float* g = p == 2 * l ? weightGradient.data() : biasGradient.data();
      const size_t count = static_cast<size_t>(p == 2 * l ? rows * cols : cols);
      Update(update, params[p].data, g, adam ? m[p].data : nullptr,
             adam ? v[p].data : nullptr, newParams[p].data,
             adam ? newM[p].data : nullptr, adam ? newV[p].data : nullptr,
             count);
    }
    if (l > 0) gradient.swap(previous);
  }
  terms[0] = clustering;
  terms[1] = spread;
  return Napi::Number::New(env, loss);
}

}  // namespace fixclust
