// bf16.cpp: bf16 mixed precision (see bf16.h and mode.h).
//
// The model keeps its weights, optimizer state, activations between
// products, softmax, loss and reductions in float32; in bf16 mode the
// products (linear layers, attention's batched products, forward and
// backward) round their operands to bf16 and accumulate in float32. On
// the CPU that is nmt's own autograd ops over oneDNN's gemm_bf16bf16f32
// (AVX512-BF16 CPUs), or an emulation that rounds the operands and
// multiplies them in float32 (every bf16 x bf16 product is exact in
// float32, so only the order of the sums differs from oneDNN's) for
// studying bf16's numerics on any CPU; on CUDA it is libtorch's autocast.
#include "bf16/bf16.h"

#include <dlfcn.h>

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/version.h>

#include <atomic>

#include "bf16/mode.h"
#include "common/guard.h"
#include "pool/pool.h"

// libtorch 2.4 replaced the per-device autocast functions by ones that
// take the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NMT_AUTOCAST_BY_DEVICE 1
#endif

namespace nmt {

namespace {

std::atomic<int> engine{kBF16None};
thread_local bool mode = false;

bool autocast_enabled(c10::DeviceType d) {
#ifdef NMT_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(d);
#else
  return d == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void set_autocast(c10::DeviceType d, bool on) {
#ifdef NMT_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(d, on);
#else
  if (d == c10::DeviceType::CUDA)
    at::autocast::set_enabled(on);
  else
    at::autocast::set_cpu_enabled(on);
#endif
}

at::ScalarType autocast_dtype(c10::DeviceType d) {
#ifdef NMT_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(d);
#else
  return d == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                    : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast_dtype(c10::DeviceType d, at::ScalarType t) {
#ifdef NMT_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == c10::DeviceType::CUDA)
    at::autocast::set_autocast_gpu_dtype(t);
  else
    at::autocast::set_autocast_cpu_dtype(t);
#endif
}

// Mat is a bf16 matrix of a batch [B, R, C] as oneDNN's row-major gemm
// takes it: row-major ('N') or the transpose of a row-major one ('T').
struct Mat {
  at::Tensor t;  // keeps the data (a contiguous copy where needed)
  const uint16_t *p;
  char trans;
  int64_t ld, batch;
};

Mat as_mat(at::Tensor t) {
  const int64_t r = t.size(1), c = t.size(2);
  char trans = 'N';
  int64_t ld = t.stride(1);
  if (!(t.stride(2) == 1 && ld >= c)) {
    trans = 'T';
    ld = t.stride(2);
    if (!(t.stride(1) == 1 && ld >= r)) {
      t = t.contiguous();
      trans = 'N';
      ld = c;
    }
  }
  return Mat{t, reinterpret_cast<const uint16_t *>(t.data_ptr<at::BFloat16>()), trans, ld,
             t.size(0) == 1 ? 0 : t.stride(0)};
}

// bmm_rounded is a [B, M, K] times b [B, K, N] for operands bf16_round
// made (bf16, or float32 bf16 values), accumulated in float32: oneDNN's
// bf16 gemm per batch entry on the pool, or libtorch's float bmm.
at::Tensor bmm_rounded(const at::Tensor &a, const at::Tensor &b) {
  if (a.scalar_type() != at::kBFloat16) return at::bmm(a, b);
  const int64_t batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
  at::Tensor out = at::empty({batch, m, n}, a.options().dtype(at::kFloat));
  const Mat A = as_mat(a), B = as_mat(b);
  float *cp = out.data_ptr<float>();
  std::atomic<int> status{0};
  pool_for(0, batch, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const int st = onednn_bf16_gemm()(A.trans, B.trans, m, n, k, 1.0f, A.p + i * A.batch, A.ld,
                                         B.p + i * B.batch, B.ld, 0.0f, cp + i * m * n, n);
      if (st != 0) status = st;
    }
  });
  TORCH_CHECK(status == 0, "oneDNN gemm_bf16bf16f32 failed with status ", status.load(), " (",
              batch, " products of ", m, "x", k, " by ", k, "x", n, ")");
  return out;
}

// BMM is the batched product a [B, M, K] b [B, K, N] in bf16 with
// float32 accumulation, forward and backward: the gradient is rounded to
// bf16 before its products too, as autocast's bf16 products do.
struct BMM : public torch::autograd::Function<BMM> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext *ctx,
                                                const torch::Tensor &a, const torch::Tensor &b) {
    const at::Tensor ar = bf16_round(a), br = bf16_round(b);
    ctx->save_for_backward({ar, br});
    return {bmm_rounded(ar, br)};
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list out) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &ar = saved[0], &br = saved[1];
    const at::Tensor g = bf16_round(out[0]);
    at::Tensor da, db;
    if (ctx->needs_input_grad(0)) da = bmm_rounded(g, br.transpose(1, 2));
    if (ctx->needs_input_grad(1)) db = bmm_rounded(ar.transpose(1, 2), g);
    return {da, db};
  }
};

bool bf16_bmm_takes(const at::Tensor &a, const at::Tensor &b) {
  auto ok = [](const at::Tensor &t) {
    return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided &&
           t.dim() == 3;
  };
  return bf16_on() && ok(a) && ok(b) && a.size(0) == b.size(0) && a.size(2) == b.size(1);
}

}  // namespace

int bf16_engine() { return engine.load(std::memory_order_relaxed); }

bool bf16_on() {
  const int e = bf16_engine();
  return mode && (e == kBF16OneDNN || e == kBF16Emulate);
}

bool cpu_autocast_on() { return autocast_enabled(c10::DeviceType::CPU); }

at::Tensor bf16_round(const at::Tensor &t) {
  at::Tensor r = t.to(at::kBFloat16, false, false, at::MemoryFormat::Contiguous);
  if (bf16_engine() == kBF16Emulate) return r.to(at::kFloat);
  return r;
}

bf16_gemm_fn onednn_bf16_gemm() {
  static const bf16_gemm_fn f =
      reinterpret_cast<bf16_gemm_fn>(dlsym(RTLD_DEFAULT, "dnnl_gemm_bf16bf16f32"));
  return f;
}

}  // namespace nmt

extern "C" {

int nmt_cpu_features(void) {
  int f = 0;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    f |= NMT_CPU_AVX512_CORE;
  if (__builtin_cpu_supports("avx512bf16")) f |= NMT_CPU_AVX512_BF16;
#endif
  if (nmt::onednn_bf16_gemm() != nullptr) f |= NMT_CPU_ONEDNN_BF16;
  return f;
}

void nmt_set_bf16_engine(int e) { nmt::engine.store(e); }

int64_t nmt_autocast_enter(int cuda) {
  if (cuda || nmt::bf16_engine() == nmt::kBF16Autocast) {
    const c10::DeviceType d = cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
    const int64_t prev = (nmt::autocast_enabled(d) ? 1 : 0) |
                         static_cast<int64_t>(nmt::autocast_dtype(d)) << 8 | int64_t{1} << 4 |
                         (cuda ? int64_t{1} << 5 : 0);
    nmt::set_autocast(d, true);
    nmt::set_autocast_dtype(d, at::kBFloat16);
    at::autocast::increment_nesting();
    return prev;
  }
  const int64_t prev = nmt::mode ? 1 : 0;
  nmt::mode = true;
  return prev;
}

void nmt_autocast_exit(int64_t prev) {
  if (prev & (int64_t{1} << 4)) {
    const c10::DeviceType d = prev & (int64_t{1} << 5) ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    nmt::set_autocast(d, prev & 1);
    nmt::set_autocast_dtype(d, static_cast<at::ScalarType>(prev >> 8));
    return;
  }
  nmt::mode = prev & 1;
}

int nmt_bf16_active(void) { return nmt::bf16_on() || nmt::cpu_autocast_on(); }

char *nmt_matmul(void *a, void *b, void **out) {
  return nmt::guard([&] {
    const torch::Tensor &at_ = *static_cast<torch::Tensor *>(a);
    const torch::Tensor &bt = *static_cast<torch::Tensor *>(b);
    *out = new torch::Tensor(nmt::bf16_bmm_takes(at_, bt) ? nmt::BMM::apply(at_, bt)[0]
                                                           : at::matmul(at_, bt));
  });
}

char *nmt_baddbmm(void *mask, void *a, void *b, double alpha, void **out) {
  return nmt::guard([&] {
    const torch::Tensor &at_ = *static_cast<torch::Tensor *>(a);
    const torch::Tensor &bt = *static_cast<torch::Tensor *>(b);
    if (nmt::bf16_bmm_takes(at_, bt)) {
      const torch::Tensor s = nmt::BMM::apply(at_, bt)[0];
      *out = new torch::Tensor(mask == nullptr ? s.mul(alpha)
                                               : at::add(*static_cast<torch::Tensor *>(mask), s, alpha));
      return;
    }
    if (mask == nullptr) {
      *out = new torch::Tensor(at::matmul(at_, bt).mul(alpha));
      return;
    }
    *out = new torch::Tensor(at::baddbmm(*static_cast<torch::Tensor *>(mask), at_, bt, 1, alpha));
  });
}

}  // extern "C"
