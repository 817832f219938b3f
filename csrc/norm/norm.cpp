// norm.cpp: the residual add and LayerNorm in one pass (see norm.h).
#include "norm/norm.h"

#pragma GCC optimize("O3")

#include <torch/types.h>

#include <cmath>

#include "common/guard.h"
#include "common/simd.h"
#include "pool/pool.h"

namespace {

// add_ln_row writes LN(alpha*x + y) of one row of d (d a multiple of 8)
// to out: mean and variance over the row in double, eps inside the root,
// then the affine w, b.
NMT_CLONES void
add_ln_row(const float *x, const float *y, float alpha, int64_t d, const float *w, const float *b,
           double eps, float *out) {
  const nmt::v8f a = nmt::splat8(alpha);
  nmt::v8f sum = nmt::splat8(0);
  for (int64_t j = 0; j < d; j += 8) {
    const nmt::v8f z = a * nmt::load8(x + j) + nmt::load8(y + j);
    nmt::store8(out + j, z);
    sum += z;
  }
  const float mean = static_cast<float>(nmt::hsum8(sum) / d);
  const nmt::v8f mv = nmt::splat8(mean);
  nmt::v8f sq = nmt::splat8(0);
  for (int64_t j = 0; j < d; j += 8) {
    const nmt::v8f c = nmt::load8(out + j) - mv;
    sq += c * c;
  }
  const nmt::v8f inv = nmt::splat8(static_cast<float>(1.0 / std::sqrt(nmt::hsum8(sq) / d + eps)));
  for (int64_t j = 0; j < d; j += 8)
    nmt::store8(out + j, (nmt::load8(out + j) - mv) * inv * nmt::load8(w + j) + nmt::load8(b + j));
}

}  // namespace

extern "C" char *nmt_add_layer_norm(void *x, void *y, double alpha, void *w, void *b, double eps,
                                    void **out) {
  return nmt::guard([&] {
    const at::Tensor &xt = *static_cast<at::Tensor *>(x);
    const at::Tensor &yt = *static_cast<at::Tensor *>(y);
    const at::Tensor wt = static_cast<at::Tensor *>(w)->contiguous();
    const at::Tensor bt = static_cast<at::Tensor *>(b)->contiguous();
    const int64_t d = wt.numel();
    auto cpu_float = [](const at::Tensor &t) {
      return t.device().is_cpu() && t.scalar_type() == at::kFloat;
    };
    TORCH_CHECK(cpu_float(xt) && cpu_float(yt) && cpu_float(wt) && cpu_float(bt) &&
                    xt.sizes() == yt.sizes() && xt.dim() >= 1 && xt.size(-1) == d &&
                    bt.numel() == d && d % 8 == 0,
                "add layer norm: want CPU float x and y of the same sizes [..., D], D a multiple "
                "of 8, and weight and bias [D]; got ",
                xt.sizes(), ", ", yt.sizes(), ", ", wt.sizes(), ", ", bt.sizes());
    const at::Tensor &w0 = *static_cast<at::Tensor *>(w), &b0 = *static_cast<at::Tensor *>(b);
    if (at::GradMode::is_enabled() && (xt.requires_grad() || yt.requires_grad() ||
                                       w0.requires_grad() || b0.requires_grad())) {
      *out = new at::Tensor(at::layer_norm(alpha == 1 ? xt + yt : xt * alpha + yt, {d}, w0, b0, eps));
      return;
    }
    const at::Tensor xc = xt.contiguous(), yc = yt.contiguous();
    at::Tensor r = at::empty(xt.sizes(), xc.options());
    const int64_t rows = xc.numel() / d;
    const float *xp = xc.data_ptr<float>(), *yp = yc.data_ptr<float>();
    const float *wp = wt.data_ptr<float>(), *bp = bt.data_ptr<float>();
    float *rp = r.data_ptr<float>();
    const float a = static_cast<float>(alpha);
    nmt::pool_for(0, rows, 16, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++)
        add_ln_row(xp + i * d, yp + i * d, a, d, wp, bp, eps, rp + i * d);
    });
    *out = new at::Tensor(r);
  });
}
