// nmt_loss.cpp: fairseq's label-smoothed cross-entropy over a CPU float
// tensor of logits as one autograd op (see nmt_api.h). Built into
// libtch.so beside gotch's glue.
//
// Composed of libtorch ops (log_softmax, gather, sum, masked_fill and
// their backward) the loss makes about nine passes over the [N, V] logits
// and allocates three tensors of that size; here the forward reads each
// row once from memory and writes the gradient once, and the backward
// hands that gradient on (scaled only when the output's gradient is not
// 1).
#include "nmt_api.h"

// The row kernel is written in GCC's vector extensions and built for
// AVX-512, AVX2 with FMA and the baseline, picked at load.
#pragma GCC optimize("O3")

#include <ATen/Parallel.h>
#include <torch/types.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

// Eight floats, loaded and stored unaligned: GCC's vector extensions
// compile to AVX-512/AVX2 or SSE instructions in the clones below.
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4), may_alias));

inline v8f load8(const float *p) { return *reinterpret_cast<const v8f_u *>(p); }
inline void store8(float *p, v8f v) { *reinterpret_cast<v8f_u *>(p) = v; }
inline v8f splat8(float f) { return v8f{f, f, f, f, f, f, f, f}; }
inline v8f max8(v8f a, v8f b) { return a > b ? a : b; }
inline float hmax8(v8f v) {
  float m = v[0];
  for (int l = 1; l < 8; l++) m = v[l] > m ? v[l] : m;
  return m;
}
inline double hsum8(v8f v) {
  double s = 0;
  for (int l = 0; l < 8; l++) s += v[l];
  return s;
}

// exp_nonpos is exp(x) for x <= 0 (below -87 it returns exp(-87)): Cephes'
// expf polynomial after reduction by ln 2, within 2 ulp of expf.
inline v8f exp_nonpos(v8f x) {
  x = max8(x, splat8(-87.0f));
  // Rounds x*log2(e) to the nearest integer: truncation of y - 0.5 for y <= 0.
  const v8i n = __builtin_convertvector(x * 1.44269504088896341f - 0.5f, v8i);
  const v8f fn = __builtin_convertvector(n, v8f);
  v8f r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  v8f p = splat8(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const v8i bits = (n + 127) << 23;
  return p * reinterpret_cast<const v8f &>(bits);
}

inline float exp_nonpos1(float x) {
  v8f v = splat8(x);
  return exp_nonpos(v)[0];
}

struct RowResult {
  double loss, nll;
};

// ls_row computes one row's loss terms and, when g is not null, the
// gradient of a*nll + b*smooth with respect to the row's logits:
// softmax(x) - b - a*onehot(t), since a + b*V = 1.
__attribute__((target_clones("arch=x86-64-v4", "arch=haswell", "default"))) RowResult
ls_row(const float *x, float *g, int64_t v, int64_t t, float a, float b) {
  v8f mx = splat8(-std::numeric_limits<float>::infinity()), sx = splat8(0);
  int64_t j = 0;
  for (; j + 8 <= v; j += 8) {
    const v8f e = load8(x + j);
    mx = max8(mx, e);
    sx += e;
  }
  float m = hmax8(mx);
  double s = hsum8(sx);
  for (int64_t k = j; k < v; k++) {
    m = x[k] > m ? x[k] : m;
    s += x[k];
  }
  const v8f mv = splat8(m);
  v8f se = splat8(0);
  double sum = 0;
  if (g != nullptr) {
    for (j = 0; j + 8 <= v; j += 8) {
      const v8f e = exp_nonpos(load8(x + j) - mv);
      store8(g + j, e);
      se += e;
    }
    for (int64_t k = j; k < v; k++) sum += g[k] = exp_nonpos1(x[k] - m);
  } else {
    for (j = 0; j + 8 <= v; j += 8) se += exp_nonpos(load8(x + j) - mv);
    for (int64_t k = j; k < v; k++) sum += exp_nonpos1(x[k] - m);
  }
  sum += hsum8(se);
  const double lse = m + std::log(sum);
  if (g != nullptr) {
    const float inv = static_cast<float>(1.0 / sum);
    const v8f iv = splat8(inv), bv = splat8(b);
    for (j = 0; j + 8 <= v; j += 8) store8(g + j, load8(g + j) * iv - bv);
    for (int64_t k = j; k < v; k++) g[k] = g[k] * inv - b;
    g[t] -= a;
  }
  const double nll = lse - x[t];
  return {a * nll + b * (static_cast<double>(v) * lse - s), nll};
}

struct LabelSmoothedCE : public torch::autograd::Function<LabelSmoothedCE> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext *ctx,
                                                const torch::Tensor &logits,
                                                const torch::Tensor &target, double eps,
                                                int64_t pad, bool wantGrad) {
    const int64_t v = logits.size(-1);
    const torch::Tensor x = logits.contiguous();
    const torch::Tensor tgt = target.contiguous();
    const int64_t n = x.numel() / v;
    TORCH_CHECK(tgt.numel() == n, "label-smoothed CE: ", tgt.numel(), " targets for ", n,
                " rows of logits");
    const int64_t *tp = tgt.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; i++)
      TORCH_CHECK(tp[i] == pad || (tp[i] >= 0 && tp[i] < v), "label-smoothed CE: target ",
                  tp[i], " at row ", i, " is outside the vocabulary of ", v);
    torch::Tensor grad;
    if (wantGrad) grad = at::empty_like(x, at::MemoryFormat::Contiguous);
    const double epsI = v > 1 ? eps / static_cast<double>(v - 1) : 0.0;
    const float a = static_cast<float>(1.0 - eps - epsI), b = static_cast<float>(epsI);
    std::vector<RowResult> rows(n);
    const float *xp = x.data_ptr<float>();
    float *gp = wantGrad ? grad.data_ptr<float>() : nullptr;
    at::parallel_for(0, n, 8, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) {
        if (tp[i] == pad) {
          if (gp != nullptr) std::memset(gp + i * v, 0, v * sizeof(float));
          rows[i] = {0, 0};
          continue;
        }
        rows[i] = ls_row(xp + i * v, gp == nullptr ? nullptr : gp + i * v, v, tp[i], a, b);
      }
    });
    // Summed in row order, whatever the thread count.
    double loss = 0, nll = 0;
    for (const RowResult &r : rows) {
      loss += r.loss;
      nll += r.nll;
    }
    if (wantGrad) ctx->saved_data["grad"] = grad;
    torch::Tensor lossT = torch::scalar_tensor(loss, x.options());
    torch::Tensor nllT = torch::scalar_tensor(nll, x.options());
    ctx->mark_non_differentiable({nllT});
    return {lossT, nllT};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list out) {
    torch::Tensor grad = ctx->saved_data["grad"].toTensor();
    const torch::Tensor &g = out[0];
    if (g.defined() && g.item<double>() != 1.0) grad = grad * g;
    return {grad, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

char *error_copy(const char *what) {
  const size_t n = std::strlen(what) + 1;
  char *m = static_cast<char *>(std::malloc(n));
  if (m != nullptr) std::memcpy(m, what, n);
  return m;
}

}  // namespace

extern "C" char *nmt_label_smoothed_ce(void *logits, void *target, double eps, int64_t pad,
                                       void **loss, void **nll) {
  try {
    const torch::Tensor &x = *static_cast<torch::Tensor *>(logits);
    const torch::Tensor &t = *static_cast<torch::Tensor *>(target);
    TORCH_CHECK(x.device().is_cpu() && x.scalar_type() == at::kFloat,
                "label-smoothed CE: the fused op takes CPU float logits");
    TORCH_CHECK(t.device().is_cpu() && t.scalar_type() == at::kLong,
                "label-smoothed CE: the fused op takes CPU int64 targets");
    // Autograd runs forward with gradients off: ask here whether the
    // gradient will be wanted.
    const bool wantGrad = x.requires_grad() && at::GradMode::is_enabled();
    torch::autograd::variable_list r = LabelSmoothedCE::apply(x, t, eps, pad, wantGrad);
    *loss = new torch::Tensor(r[0]);
    *nll = new torch::Tensor(r[1]);
    return nullptr;
  } catch (const c10::Error &e) {
    return error_copy(e.what_without_backtrace());
  } catch (const std::exception &e) {
    return error_copy(e.what());
  }
}
