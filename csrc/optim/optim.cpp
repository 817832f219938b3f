// optim.cpp: fairseq's Adam update over CPU float parameters in one
// pass per parameter (see optim.h).
//
// Composed of libtorch ops the update makes about twenty passes over each
// parameter's size (lerp, square, lerp, sqrt, add, div, mul, add, with
// three temporaries); here each element of the parameter, its gradient and
// the two moments is read once and the parameter and moments written once.
#include "optim/optim.h"

// setup compiles this with -fno-math-errno: sqrt without its errno branch.
#pragma GCC optimize("O3")

#include <ATen/Parallel.h>
#include <torch/types.h>

#include <cmath>

#include "common/guard.h"
#include "common/simd.h"

namespace {

// adam_range updates elements [0, n) of one parameter. Written as plain
// loops that vectorize; built for AVX-512, AVX2 with FMA and the baseline.
NMT_CLONES void
adam_range(float *p, const float *g, float *m, float *v, int64_t n, float w1, float w2,
           float eps, float decay, float negStep) {
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    // As libtorch's lerp with a weight below 0.5: self + w*(end - self).
    const float mi = m[i] + w1 * (gi - m[i]);
    const float vi = v[i] + w2 * (gi * gi - v[i]);
    m[i] = mi;
    v[i] = vi;
    // decay is 1 without weight decay, and p*1 is p.
    p[i] = p[i] * decay + negStep * (mi / (std::sqrt(vi) + eps));
  }
}

void check_operand(const at::Tensor &t, const at::Tensor &p, const char *what, int64_t i) {
  TORCH_CHECK(t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous() &&
                  t.numel() == p.numel(),
              "fused Adam: ", what, " ", i, " is not a contiguous CPU float tensor of ",
              p.numel(), " elements");
}

}  // namespace

extern "C" char *nmt_adam_step(void **params, void **grads, void **exp_avg, void **exp_avg_sq,
                               int64_t n, double b1, double b2, double eps, double decay,
                               double step_size) {
  return nmt::guard([&] {
    for (int64_t k = 0; k < n; k++) {
      at::Tensor &p = *static_cast<at::Tensor *>(params[k]);
      const at::Tensor g = static_cast<at::Tensor *>(grads[k])->contiguous();
      at::Tensor &m = *static_cast<at::Tensor *>(exp_avg[k]);
      at::Tensor &v = *static_cast<at::Tensor *>(exp_avg_sq[k]);
      check_operand(p, p, "parameter", k);
      check_operand(g, p, "gradient", k);
      check_operand(m, p, "first moment", k);
      check_operand(v, p, "second moment", k);
      float *pp = p.data_ptr<float>(), *mp = m.data_ptr<float>(), *vp = v.data_ptr<float>();
      const float *gp = g.data_ptr<float>();
      at::parallel_for(0, p.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
        adam_range(pp + begin, gp + begin, mp + begin, vp + begin, end - begin,
                   static_cast<float>(1 - b1), static_cast<float>(1 - b2),
                   static_cast<float>(eps), static_cast<float>(decay),
                   static_cast<float>(-step_size));
      });
    }
  });
}
