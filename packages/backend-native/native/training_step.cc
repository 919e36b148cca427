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

// Reads `element`, item `index` of the list at argument `argument`, as a
// Float32Array. Runs no JavaScript.
bool ReadListedFloats(Napi::Env env, napi_value element, size_t argument,
                      uint32_t index, FloatSpan* span) {
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, element, &type, &span->length, &raw,
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


// The network a step trains: layer sizes and activations, the loss's
// representatives and settings. Built from the arguments both entry
// points share. Sizes, codes and settings are copies, so nothing a caller
// does to its arrays while the lists are read can change them.
struct DenseNetwork {
  int64_t layers = 0, k = 0, d = 0;
  std::vector<int64_t> inputs, outputs;
  std::vector<int32_t> activations;
  std::vector<double> settings;
  const float* points = nullptr;
  // The variable-features cap, one value per feature, or null for none.
  const float* target = nullptr;
  bool adam = false;
};

// A layer's parameters (weight, then bias, for each layer) and, for Adam,
// their first and second moments, as pointers into JavaScript arrays.
struct ParameterSet {
  std::vector<float*> params, m, v;
};

// Reads `shape` (argument 8), `activations` (9) and `settings` (10) into
// `net`, with shape[0], the batch's rows, returned in `rows`. Throws and
// returns false when they disagree or a code is unknown.
bool ReadNetwork(const Napi::CallbackInfo& info, DenseNetwork* net,
                 int64_t* rows) {
  Napi::Env env = info.Env();
  IntSpan shape, activations;
  const double* settings = nullptr;
  if (!ReadInts(info, 8, &shape) || !ReadInts(info, 9, &activations) ||
      !ReadSettings(info, 10, &settings)) {
    return false;
  }
  if (shape.length < 4) {
    Napi::RangeError::New(env, "shape needs at least 4 entries")
        .ThrowAsJavaScriptException();
    return false;
  }
  *rows = shape.data[0];
  net->layers = shape.data[1];
  net->k = shape.data[2];
  net->d = shape.data[3];
  const int64_t layers = net->layers;
  if (*rows < 1 || layers < 1 || net->k < 1 || net->d < 1 ||
      shape.length < static_cast<size_t>(4 + 2 * layers) ||
      activations.length < static_cast<size_t>(layers)) {
    Napi::RangeError::New(env, "shape or activations do not describe a batch "
                               "and at least one layer")
        .ThrowAsJavaScriptException();
    return false;
  }
  net->inputs.resize(static_cast<size_t>(layers));
  net->outputs.resize(static_cast<size_t>(layers));
  net->activations.assign(activations.data, activations.data + layers);
  for (int64_t l = 0; l < layers; l++) {
    net->inputs[l] = shape.data[4 + 2 * l];
    net->outputs[l] = shape.data[5 + 2 * l];
    if (net->inputs[l] < 1 || net->outputs[l] < 1 ||
        (l > 0 && net->inputs[l] != net->outputs[l - 1])) {
      Napi::RangeError::New(env, "layer " + std::to_string(l) +
                                     " does not follow the previous one")
          .ThrowAsJavaScriptException();
      return false;
    }
    if (net->activations[l] < kTanh || net->activations[l] > kLinear) {
      Napi::RangeError::New(env, "activation code " +
                                     std::to_string(net->activations[l]) +
                                     " of layer " + std::to_string(l) +
                                     " is not 0 to 3")
          .ThrowAsJavaScriptException();
      return false;
    }
  }
  if (net->outputs[layers - 1] != net->d) {
    Napi::RangeError::New(env, "the last layer's width differs from d")
        .ThrowAsJavaScriptException();
    return false;
  }
  net->settings.assign(settings, settings + kSettingCount);
  const double loss = net->settings[kLoss];
  const double optimizer = net->settings[kOptimizer];
  if (!(loss == kKm || loss == kGmm || loss == kCmm) ||
      !(optimizer == kAdam || optimizer == kSgd)) {
    Napi::RangeError::New(env, "settings hold loss code " +
                                   std::to_string(loss) +
                                   " and optimizer code " +
                                   std::to_string(optimizer) +
                                   "; the loss is 0, 1 or 2 and the "
                                   "optimizer 0 (Adam) or 1 (SGD)")
        .ThrowAsJavaScriptException();
    return false;
  }
  net->adam = optimizer == kAdam;
  return true;
}

// Reads `points` (argument 1) and `target` (11) into `net`. The entry
// points read these, and every other typed array, after fetching the
// parameter lists' items, the last step that can run JavaScript, so that
// no getter can leave them pointing at freed memory.
bool ReadRepresentatives(const Napi::CallbackInfo& info, DenseNetwork* net) {
  Napi::Env env = info.Env();
  FloatSpan points, target;
  if (!ReadFloats(info, 1, &points) || !ReadFloats(info, 11, &target) ||
      !RequireLength(env, points.length, net->k * net->d, "points") ||
      (target.length != 0 &&
       !RequireLength(env, target.length, net->d, "target"))) {
    return false;
  }
  net->points = points.data;
  net->target = target.length == 0 ? nullptr : target.data;
  return true;
}

// Names of the parameter lists, for messages.
const char* const kInputLists[3] = {"params", "firstMoments",
                                    "secondMoments"};
const char* const kOutputLists[3] = {"newParams", "newFirstMoments",
                                     "newSecondMoments"};

// The items of the six parameter lists (arguments 2 to 7, the moment lists
// only for Adam), fetched before any of them is read as an array. Fetching
// an item can run JavaScript, such as a getter, which could detach an
// array that an earlier read points into. So every item is fetched first,
// and the arrays are read after the last fetch.
using ListItems = std::vector<napi_value>[6];

bool FetchListItems(const Napi::CallbackInfo& info, const DenseNetwork& net,
                    ListItems items) {
  Napi::Env env = info.Env();
  const uint32_t count = static_cast<uint32_t>(2 * net.layers);
  for (size_t list = 0; list < 6; list++) {
    const bool moments = list % 3 != 0;
    if (moments && !net.adam) continue;
    const size_t argument = 2 + list;
    bool isArray = false;
    if (napi_is_array(env, info[argument], &isArray) != napi_ok || !isArray) {
      Napi::TypeError::New(env, "argument " + std::to_string(argument) +
                                    " must be an array of " +
                                    std::to_string(count) + " Float32Arrays")
          .ThrowAsJavaScriptException();
      return false;
    }
    items[list].resize(count);
    for (uint32_t p = 0; p < count; p++) {
      if (napi_get_element(env, info[argument], p, &items[list][p]) !=
          napi_ok) {
        // A getter that threw has left its exception pending.
        bool pending = false;
        napi_is_exception_pending(env, &pending);
        if (!pending) {
          Napi::TypeError::New(env, "argument " + std::to_string(argument) +
                                        " item " + std::to_string(p) +
                                        " could not be read")
              .ThrowAsJavaScriptException();
        }
        return false;
      }
    }
  }
  return true;
}

// Reads the fetched items of the parameter list at `paramsAt`, and for
// Adam of the moment lists at `firstAt` and `secondAt`, checking each
// array's length. `names` gives the three lists' names for messages, such
// as "newParams".
bool ReadParameters(Napi::Env env, const DenseNetwork& net,
                    const ListItems items, size_t paramsAt, size_t firstAt,
                    size_t secondAt, const char* const names[3],
                    ParameterSet* set) {
  const uint32_t count = static_cast<uint32_t>(2 * net.layers);
  set->params.resize(count);
  set->m.resize(net.adam ? count : 0);
  set->v.resize(set->m.size());
  for (uint32_t p = 0; p < count; p++) {
    const int64_t l = p / 2;
    const int64_t size =
        p % 2 == 0 ? net.inputs[l] * net.outputs[l] : net.outputs[l];
    const std::string item = "[" + std::to_string(p) + "] (layer " +
                             std::to_string(l) +
                             (p % 2 == 0 ? " weight)" : " bias)");
    FloatSpan span;
    if (!ReadListedFloats(env, items[paramsAt - 2][p], paramsAt, p, &span) ||
        !RequireLength(env, span.length, size,
                       (names[0] + item).c_str())) {
      return false;
    }
    set->params[p] = span.data;
    if (!net.adam) continue;
    FloatSpan first, second;
    if (!ReadListedFloats(env, items[firstAt - 2][p], firstAt, p, &first) ||
        !ReadListedFloats(env, items[secondAt - 2][p], secondAt, p,
                          &second) ||
        !RequireLength(env, first.length, size, (names[1] + item).c_str()) ||
        !RequireLength(env, second.length, size,
                       (names[2] + item).c_str())) {
      return false;
    }
    set->m[p] = first.data;
    set->v[p] = second.data;
  }
  return true;
}

// Reads the input lists (arguments 2 to 4) into `in` and the output lists
// (5 to 7) into `out`.
bool ReadParameterLists(const Napi::CallbackInfo& info,
                        const DenseNetwork& net, ParameterSet* in,
                        ParameterSet* out) {
  ListItems items;
  return FetchListItems(info, net, items) &&
         ReadParameters(info.Env(), net, items, 2, 3, 4, kInputLists, in) &&
         ReadParameters(info.Env(), net, items, 5, 6, 7, kOutputLists, out);
}

// Number of elements of parameter p.
int64_t ParameterSize(const DenseNetwork& net, size_t p) {
  const size_t l = p / 2;
  return p % 2 == 0 ? net.inputs[l] * net.outputs[l] : net.outputs[l];
}

// One training step on the n × inputs[0] batch `x`. Reads the parameters
// and moments from `in` and writes the updated ones to `out`, which may be
// `in`: the update goes element by element, and each weight is read before
// it is replaced. Writes the clustering and variable-features terms to
// terms[0] and terms[1], and returns the batch's loss before the update.
// `step` numbers the update from 1, for Adam's bias correction.
double RunStep(const DenseNetwork& net, const float* x, int64_t n,
               const ParameterSet& in, const ParameterSet& out, double step,
               double* terms) {
  const int64_t layers = net.layers, d = net.d;
  const std::vector<int64_t>& inputs = net.inputs;
  const std::vector<int64_t>& outputs = net.outputs;
  const double* settings = net.settings.data();

  // Forward: outputsOf[l] is layer l's output, n × out_l.
  thread_local std::vector<std::vector<float>> outputsOf;
  outputsOf.resize(static_cast<size_t>(layers));
  const float* layerIn = x;
  for (int64_t l = 0; l < layers; l++) {
    std::vector<float>& layerOut = outputsOf[l];
    layerOut.resize(static_cast<size_t>(n * outputs[l]));
    const float* bias = in.params[2 * l + 1];
    for (int64_t i = 0; i < n; i++) {
      std::copy(bias, bias + outputs[l], layerOut.data() + i * outputs[l]);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(n),
                static_cast<int>(outputs[l]), static_cast<int>(inputs[l]),
                1.0f, layerIn, static_cast<int>(inputs[l]), in.params[2 * l],
                static_cast<int>(outputs[l]), 1.0f, layerOut.data(),
                static_cast<int>(outputs[l]));
    Activate(net.activations[l], layerOut.data(), layerOut.size());
    layerIn = layerOut.data();
  }

  // Loss and its gradient by the mapped batch.
  const float* y = outputsOf[layers - 1].data();
  thread_local std::vector<float> gradient, previous, weightGradient,
      biasGradient;
  gradient.assign(static_cast<size_t>(n * d), 0.0f);
  const double clustering = ClusteringLoss(
      static_cast<int>(settings[kLoss]), settings[kLossConstant], y, n, d,
      net.points, net.k, gradient.data());
  const double spread =
      VariableFeatures(settings[kLambda], settings[kVarianceEpsilon],
                       net.target, y, n, d, gradient.data());
  double loss = clustering + spread;
  const double l2 = settings[kL2];
  if (l2 > 0.0) {
    double squares = 0.0;
    for (int64_t l = 0; l < layers; l++) {
      const float* w = in.params[2 * l];
      for (int64_t i = 0; i < inputs[l] * outputs[l]; i++) {
        squares += static_cast<double>(w[i]) * w[i];
      }
    }
    loss += l2 * squares;
  }

  UpdateSettings update{static_cast<int>(settings[kOptimizer]),
                        settings[kLearningRate],
                        settings[kBeta1],
                        settings[kBeta2],
                        settings[kAdamEpsilon],
                        1.0 - std::pow(settings[kBeta1], step),
                        1.0 - std::pow(settings[kBeta2], step)};

  // Backward, from the last layer to the first, updating each layer once
  // its gradients are known and the gradient of its input is computed
  // from its weights.
  for (int64_t l = layers - 1; l >= 0; l--) {
    const int64_t rows = inputs[l], cols = outputs[l];
    MultiplyByDerivative(net.activations[l], outputsOf[l].data(),
                         gradient.data(), static_cast<size_t>(n * cols));
    const float* layerInput = l == 0 ? x : outputsOf[l - 1].data();
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
    const float* weight = in.params[2 * l];
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
      Update(update, in.params[p], g, net.adam ? in.m[p] : nullptr,
             net.adam ? in.v[p] : nullptr, out.params[p],
             net.adam ? out.m[p] : nullptr, net.adam ? out.v[p] : nullptr,
             count);
    }
    if (l > 0) gradient.swap(previous);
  }
  terms[0] = clustering;
  terms[1] = spread;
  return loss;
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
  DenseNetwork net;
  int64_t n = 0;
  FloatSpan x;
  double* terms = nullptr;
  ParameterSet in, out;
  if (!ReadNetwork(info, &net, &n) ||
      !ReadParameterLists(info, net, &in, &out) ||
      !ReadRepresentatives(info, &net) || !ReadFloats(info, 0, &x) ||
      !ReadTerms(info, 12, &terms) ||
      !RequireLength(env, x.length, n * net.inputs[0], "x")) {
    return env.Undefined();
  }
  const double loss =
      RunStep(net, x.data, n, in, out, net.settings[kStep], terms);
  return Napi::Number::New(env, loss);
}

// denseTrainingSteps(data, points, params, firstMoments, secondMoments,
// newParams, newFirstMoments, newSecondMoments, shape, activations,
// settings, target, stepTerms, order, batching) runs consecutive steps of
// denseTrainingStep, each on a batch of rows of `data` (rows × in_0, row
// major), and returns how many ran.
//
// batching: [start, batches]. Batch b is made of the rows order[start +
// b · n] and on, n of them or fewer at the end of `order`, where n =
// shape[0]. The entries used are copied before they are checked, so the
// rows read are the rows checked. The first step's number is
// settings[kStep], and each later step adds 1. The updated parameters and
// moments of the last step are written to the new* arrays. stepTerms
// receives each step's loss, clustering term and variable-features term
// as float32, 3 per step. The steps stop after the first one whose float32
// loss is not finite.
Napi::Value DenseTrainingSteps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto fail = [&env](const std::string& message) {
    Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
    return Napi::Number::New(env, 0);
  };
  DenseNetwork net;
  int64_t n = 0;
  FloatSpan data, stepTerms;
  IntSpan order, batching;
  ParameterSet in, out;
  if (!ReadNetwork(info, &net, &n) ||
      !ReadParameterLists(info, net, &in, &out) ||
      !ReadRepresentatives(info, &net) || !ReadFloats(info, 0, &data) ||
      !ReadFloats(info, 12, &stepTerms) || !ReadInts(info, 13, &order) ||
      !ReadInts(info, 14, &batching) ||
      !RequireLength(env, batching.length, 2, "batching")) {
    return Napi::Number::New(env, 0);
  }
  const int64_t width = net.inputs[0];
  const int64_t start = batching.data[0];
  const int64_t batches = batching.data[1];
  const int64_t length = static_cast<int64_t>(order.length);
  if (data.length % static_cast<size_t>(width) != 0) {
    return fail("data has " + std::to_string(data.length) +
                " elements, not whole rows of " + std::to_string(width));
  }
  if (start < 0 || batches < 0) {
    return fail("start " + std::to_string(start) + " and batches " +
                std::to_string(batches) + " must not be negative");
  }
  if (batches == 0) return Napi::Number::New(env, 0);
  if (start + (batches - 1) * n >= length) {
    return fail(std::to_string(batches) + " batches of " + std::to_string(n) +
                " rows from position " + std::to_string(start) +
                " reach past the end of order (" + std::to_string(length) +
                " entries)");
  }
  if (!RequireLength(env, stepTerms.length, 3 * batches, "stepTerms")) {
    return Napi::Number::New(env, 0);
  }
  const int64_t rows = static_cast<int64_t>(data.length) / width;
  const int64_t end = std::min(length, start + batches * n);
  thread_local std::vector<int32_t> rowOrder;
  rowOrder.assign(order.data + start, order.data + end);
  for (int64_t i = 0; i < end - start; i++) {
    if (rowOrder[i] < 0 || rowOrder[i] >= rows) {
      return fail("order[" + std::to_string(start + i) + "] = " +
                  std::to_string(rowOrder[i]) + " is not a row of data (" +
                  std::to_string(rows) + " rows)");
    }
  }

  // The steps update `out` in place, starting from a copy of `in`.
  for (size_t p = 0; p < in.params.size(); p++) {
    const int64_t size = ParameterSize(net, p);
    std::copy(in.params[p], in.params[p] + size, out.params[p]);
    if (!net.adam) continue;
    std::copy(in.m[p], in.m[p] + size, out.m[p]);
    std::copy(in.v[p], in.v[p] + size, out.v[p]);
  }
  thread_local std::vector<float> batch;
  double terms[2];
  int64_t ran = 0;
  for (int64_t b = 0; b < batches; b++) {
    const int64_t first = b * n;
    const int64_t count = std::min(n, end - start - first);
    batch.resize(static_cast<size_t>(count * width));
    for (int64_t i = 0; i < count; i++) {
      const float* row = data.data + rowOrder[first + i] * width;
      std::copy(row, row + width, batch.data() + i * width);
    }
    const double loss = RunStep(net, batch.data(), count, out, out,
                                net.settings[kStep] + b, terms);
    const float single = static_cast<float>(loss);
    stepTerms.data[3 * b] = single;
    stepTerms.data[3 * b + 1] = static_cast<float>(terms[0]);
    stepTerms.data[3 * b + 2] = static_cast<float>(terms[1]);
    ran += 1;
    if (!std::isfinite(single)) break;
  }
  return Napi::Number::New(env, static_cast<double>(ran));
}

}  // namespace fixclust
