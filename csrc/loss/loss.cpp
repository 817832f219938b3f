// loss.cpp: fairseq's label-smoothed cross-entropy over a CPU float
// tensor of logits as one autograd op (see loss.h).
//
// Composed of libtorch ops (log_softmax, gather, sum, masked_fill and
// their backward) the loss makes about nine passes over the [N, V] logits
// and allocates three tensors of that size; here the forward reads each
// row once from memory and writes the gradient once, and the backward
// hands that gradient on (scaled only when the output's gradient is not
// 1).
#include "loss/loss.h"

// The row kernel is written in GCC's vector extensions and built for
// AVX-512, AVX2 with FMA and the baseline, picked at load.
#pragma GCC optimize("O3")

#include <ATen/Parallel.h>
#include <torch/types.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/guard.h"
#include "common/simd.h"

namespace {

struct RowResult {
  double loss, nll;
};

// ls_row computes one row's loss terms and, when g is not null, the
// gradient of a*nll + b*smooth with respect to the row's logits:
// softmax(x) - b - a*onehot(t), since a + b*V = 1.
NMT_CLONES RowResult
ls_row(const float *x, float *g, int64_t v, int64_t t, float a, float b) {
  double s;
  const float m = nmt::row_max_sum(x, v, &s);
  const double sum = nmt::row_sum_exp(x, v, m, g);
  const double lse = m + std::log(sum);
  if (g != nullptr) {
    const float inv = static_cast<float>(1.0 / sum);
    const nmt::v8f iv = nmt::splat8(inv), bv = nmt::splat8(b);
    int64_t j = 0;
    for (; j + 8 <= v; j += 8) nmt::store8(g + j, nmt::load8(g + j) * iv - bv);
    for (; j < v; j++) g[j] = g[j] * inv - b;
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

}  // namespace

extern "C" char *nmt_label_smoothed_ce(void *logits, void *target, double eps, int64_t pad,
                                       void **loss, void **nll) {
  return nmt::guard([&] {
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
  });
}
