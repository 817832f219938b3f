// gemm.cpp: the model's linear layers through oneDNN's sgemm (see
// gemm.h).
//
// libtorch's CPU linear calls the BLAS it was built with (OpenBLAS on
// Debian), whose kernels are chosen once, when it loads, from the CPU or
// from OPENBLAS_CORETYPE, and which splits small products poorly across
// threads. oneDNN, which Debian's libtorch links as well, picks its own
// kernels for the CPU it runs on; split here across threads, its products
// ran 1.1-1.8 times as fast as OpenBLAS's AVX-512 kernels on the
// development machine and about twice as fast as its AVX2 ones
// (docs/foundation.md). Which engine runs is set from Go (kernel.ConfigureGEMM);
// oneDNN is looked up by name at run time, so libtorch builds without an
// exported dnnl_sgemm keep their own path.
#include "gemm/gemm.h"

#include <dlfcn.h>

#include <torch/types.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "bf16/mode.h"
#include "common/guard.h"
#include "pool/pool.h"

namespace {

// oneDNN's row-major C = alpha*op(A)*op(B) + beta*C (dnnl_sgemm, oneDNN
// 1.x-3.x); 0 is success.
using sgemm_fn = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k,
                         float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                         float beta, float *c, int64_t ldc);

sgemm_fn onednn_sgemm() {
  static const sgemm_fn f = reinterpret_cast<sgemm_fn>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
  return f;
}

std::atomic<int> use_onednn{0};

// fill_bias sets rows m0..m1-1, columns n0..n1-1 of C [*, n] to bias[n0:n1]:
// a product then added with beta 1 gives the biased output, in the thread
// that computes that part.
void fill_bias(float *c, int64_t n, const float *bias, int64_t m0, int64_t m1, int64_t n0,
               int64_t n1) {
  for (int64_t r = m0; r < m1; r++) std::memcpy(c + r * n + n0, bias + n0, (n1 - n0) * sizeof(float));
}

// split_gemm is C[m, n] = op(A) op(B) (+ bias[n] on every row when bias
// is not null), row-major, through call, a oneDNN gemm of A's and B's
// element type T; it returns the first non-zero status. With several
// threads it splits C itself, along its longer side, one part per thread,
// each a single-threaded oneDNN call: oneDNN's own split of the decoder's
// products (100 or 500 rows by K 256-1024) used the two cores of the
// development machine at 1.0-1.5x one core's speed, the split at 1.5-2x
// (docs/foundation.md).
template <class T, class Call>
int split_gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const T *ap, const T *bp,
               float *cp, const float *bias, Call call) {
  const int64_t lda = ta == 'N' ? k : m, ldb = tb == 'N' ? n : k;
  const float beta = bias != nullptr ? 1.0f : 0.0f;
  // part computes C[m0:m1, n0:n1], its rows first set to the bias, in the
  // thread that then adds the product to them.
  auto part = [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    if (bias != nullptr) fill_bias(cp, n, bias, m0, m1, n0, n1);
    return call(ta, tb, m1 - m0, n1 - n0, k, 1.0f, ap + (ta == 'N' ? m0 * lda : m0), lda,
                bp + (tb == 'N' ? n0 : n0 * ldb), ldb, beta, cp + m0 * n + n0, n);
  };
  const int64_t threads = nmt::pool_threads();
  std::atomic<int> status{0};
  const bool rows = m >= n;
  const int64_t len = rows ? m : n, align = rows ? 8 : 16;
  const int64_t per = ((len + threads - 1) / threads + align - 1) / align * align;
  if (threads <= 1 || len < 2 * align || m * n * k < (int64_t{1} << 18)) {
    status = part(0, m, 0, n);
  } else {
    nmt::pool_for(0, (len + per - 1) / per, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) {
        const int64_t s = i * per, e = std::min(len, s + per);
        const int st = rows ? part(s, e, 0, n) : part(0, m, s, e);
        if (st != 0) status = st;
      }
    });
  }
  return status.load();
}

// gemm is C[m, n] = op(A) op(B) (+ bias[n] on every row when bias is not
// null), row-major, C float32: oneDNN's sgemm for float A and B, its
// gemm_bf16bf16f32 for bf16 ones (split_gemm). Where the process has no
// dnnl_sgemm (the bf16 emulation on another libtorch) float products run
// on at::mm.
void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const torch::Tensor &a,
          const torch::Tensor &b, torch::Tensor &c, const float *bias) {
  float *cp = c.data_ptr<float>();
  int status;
  const char *what;
  if (a.scalar_type() == at::kBFloat16) {
    auto p = [](const torch::Tensor &t) {
      return reinterpret_cast<const uint16_t *>(t.data_ptr<at::BFloat16>());
    };
    TORCH_CHECK(nmt::onednn_bf16_gemm() != nullptr, "this process has no oneDNN gemm_bf16bf16f32");
    status = split_gemm(ta, tb, m, n, k, p(a), p(b), cp, bias, nmt::onednn_bf16_gemm());
    what = "oneDNN gemm_bf16bf16f32";
  } else if (onednn_sgemm() != nullptr) {
    status = split_gemm(ta, tb, m, n, k, a.data_ptr<float>(), b.data_ptr<float>(), cp, bias,
                        onednn_sgemm());
    what = "oneDNN sgemm";
  } else {
    const torch::Tensor A = ta == 'N' ? a.view({m, k}) : a.view({k, m}).t();
    const torch::Tensor B = tb == 'N' ? b.view({k, n}) : b.view({n, k}).t();
    torch::Tensor cv = c.view({m, n});
    at::mm_out(cv, A, B);
    if (bias != nullptr) cv.add_(at::from_blob(const_cast<float *>(bias), {n}, c.options()));
    return;
  }
  TORCH_CHECK(status == 0, what, " failed with status ", status, " (", m, "x", k, " by ", k, "x",
              n, ")");
}

// oneDNN's pack API (dnnl::impl::cpu, exported by libdnnl 2.x but not in
// its public headers; column-major, as BLAS): the weight is packed once
// into the layout its kernels read, and each product then skips that
// step, 10-25% of a 100-500 row product's time on the development
// machine (docs/decode.md). Looked up by their mangled names; where they
// are missing, nothing is packed.
//
// oneDNN has the same pair for bf16 (gemm_bf16bf16f32_pack_get_size,
// _pack, _compute): in bf16 mode on its engine the weight is rounded to
// bf16 and packed by it, elsewhere only rounded.
template <class T>
struct PackAPI {
  using size_fn = int (*)(const char *, const char *, const char *, const int64_t *,
                          const int64_t *, const int64_t *, const int64_t *, const int64_t *,
                          size_t *, bool *);
  using pack_fn = int (*)(const char *, const char *, const char *, const int64_t *,
                          const int64_t *, const int64_t *, const int64_t *, const int64_t *,
                          const T *, T *);
  using compute_fn = int (*)(const char *, const char *, const int64_t *, const int64_t *,
                             const int64_t *, const T *, const int64_t *, const T *,
                             const int64_t *, const float *, float *, const int64_t *);
  size_fn size = nullptr;
  pack_fn pack = nullptr;
  compute_fn compute = nullptr;
  const char *name = "";
  bool ok() const { return size != nullptr && pack != nullptr && compute != nullptr; }
};

template <class T>
PackAPI<T> find_pack_api(const char *name, const char *size, const char *pack,
                         const char *compute) {
  PackAPI<T> a;
  a.name = name;
  a.size = reinterpret_cast<typename PackAPI<T>::size_fn>(dlsym(RTLD_DEFAULT, size));
  a.pack = reinterpret_cast<typename PackAPI<T>::pack_fn>(dlsym(RTLD_DEFAULT, pack));
  a.compute = reinterpret_cast<typename PackAPI<T>::compute_fn>(dlsym(RTLD_DEFAULT, compute));
  return a;
}

const PackAPI<float> &pack_api() {
  static const PackAPI<float> api = find_pack_api<float>(
      "sgemm", "_ZN4dnnl4impl3cpu19sgemm_pack_get_sizeEPKcS3_S3_PKlS5_S5_S5_S5_PmPb",
      "_ZN4dnnl4impl3cpu10sgemm_packEPKcS3_S3_PKlS5_S5_S5_S5_PKfPf",
      "_ZN4dnnl4impl3cpu13sgemm_computeEPKcS3_PKlS5_S5_PKfS5_S7_S5_S7_PfS5_");
  return api;
}

const PackAPI<uint16_t> &bf16_pack_api() {
  static const PackAPI<uint16_t> api = find_pack_api<uint16_t>(
      "gemm_bf16bf16f32",
      "_ZN4dnnl4impl3cpu30gemm_bf16bf16f32_pack_get_sizeEPKcS3_S3_PKlS5_S5_S5_S5_PmPb",
      "_ZN4dnnl4impl3cpu21gemm_bf16bf16f32_packEPKcS3_S3_PKlS5_S5_S5_S5_PKNS0_10bfloat16_tEPS6_",
      "_ZN4dnnl4impl3cpu24gemm_bf16bf16f32_computeEPKcS3_PKlS5_S5_PKNS0_10bfloat16_tES5_S8_S5_"
      "PKfPfS5_");
  return api;
}

// elems is t's data as T (float, or bf16's bits).
template <class T>
const T *elems(const torch::Tensor &t) {
  if constexpr (std::is_same_v<T, float>) return t.data_ptr<float>();
  return reinterpret_cast<const T *>(t.data_ptr<at::BFloat16>());
}

// Packed is a weight [N, K] packed in column parts [n0[p], n0[p+1]), one
// per thread when it was packed (float32, or in bf16 mode on oneDNN's
// engine bf16), or in bf16 mode elsewhere only rounded to bf16 once
// (rounded, parts empty). weight keeps the original (and its storage
// alive): a product whose weight has changed since (its version counter
// moved), or in another precision or bf16 engine than it was packed for,
// runs unpacked.
struct Packed {
  at::Tensor weight;
  int64_t version, n, k;
  std::vector<int64_t> n0;
  std::vector<at::Tensor> parts;  // bytes in oneDNN's packed layout
  at::Tensor rounded;             // bf16 mode: nmt::bf16_round(weight)
  int engine = nmt::kBF16None;    // bf16 mode: the engine rounded is for
  bool bf16() const { return rounded.defined(); }
  bool stale() const {
    return weight._version() != version || bf16() != nmt::bf16_on() ||
           (bf16() && engine != nmt::bf16_engine());
  }
};

// In column-major terms the output C^T [N, M] is W [N, K] (A, transposed
// from its column-major [K, N]) times x^T [K, M] (B): the weight is A.
const char kTransA = 'T', kTransB = 'N', kPackA = 'A', kPacked = 'P';

// pack_parts packs wc [N, K] (contiguous, of T) into p's column parts.
template <class T>
void pack_parts(Packed &p, const torch::Tensor &wc, const PackAPI<T> &api) {
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(nmt::pool_threads(), p.n / 16));
  for (int64_t i = 0; i <= parts; i++) p.n0.push_back(p.n * i / parts / 16 * 16);
  p.n0.back() = p.n;
  p.parts.resize(parts);
  nmt::pool_for(0, parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const int64_t m = p.n0[i + 1] - p.n0[i], cols = 256, k = p.k;
      size_t bytes = 0;
      bool worth = false;
      int st = api.size(&kPackA, &kTransA, &kTransB, &m, &cols, &k, &k, &k, &bytes, &worth);
      TORCH_CHECK(st == 0, "pack: oneDNN's ", api.name, "_pack_get_size failed with status ", st);
      p.parts[i] = at::empty({static_cast<int64_t>(bytes) + 64}, wc.options().dtype(at::kByte));
      st = api.pack(&kPackA, &kTransA, &kTransB, &m, &cols, &k, &k, &k,
                    elems<T>(wc) + p.n0[i] * k, reinterpret_cast<T *>(p.parts[i].data_ptr<uint8_t>()));
      TORCH_CHECK(st == 0, "pack: oneDNN's ", api.name, "_pack failed with status ", st);
    }
  });
}

Packed *pack_weight(const torch::Tensor &w) {
  const bool bf16 = nmt::bf16_on();
  TORCH_CHECK(pack_api().ok() || bf16, "pack: oneDNN's pack API is not available");
  auto p = std::make_unique<Packed>();
  p->weight = w;
  p->version = w._version();
  p->n = w.size(0);
  p->k = w.size(1);
  if (!bf16) {
    pack_parts(*p, w.contiguous(), pack_api());
    return p.release();
  }
  p->rounded = nmt::bf16_round(w);
  p->engine = nmt::bf16_engine();
  if (p->engine == nmt::kBF16OneDNN && bf16_pack_api().ok())
    pack_parts(*p, p->rounded, bf16_pack_api());
  return p.release();
}

// packed_forward is x2 [M, K] times the packed weight transposed, plus
// bias [N] when not null, into c [M, N]: tiles of one column part and a
// range of rows (the rows split too when there are many) on the pool.
template <class T>
void packed_forward(const Packed &p, const PackAPI<T> &api, const torch::Tensor &x2,
                    torch::Tensor &c, const float *bias) {
  const int64_t m = x2.size(0), n = p.n, k = p.k;
  const int64_t parts = static_cast<int64_t>(p.parts.size());
  const int64_t threads = nmt::pool_threads();
  const int64_t rowParts = m >= 64 * threads && parts < threads ? threads : 1;
  const T *xp = elems<T>(x2);
  float *cp = c.data_ptr<float>();
  std::atomic<int> status{0};
  nmt::pool_for(0, parts * rowParts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; t++) {
      const int64_t part = t % parts, rp = t / parts;
      const int64_t m0 = m * rp / rowParts, m1 = m * (rp + 1) / rowParts;
      const int64_t n0 = p.n0[part], rows = p.n0[part + 1] - n0, cols = m1 - m0;
      if (cols == 0) continue;
      float beta = 0;
      if (bias != nullptr) {
        fill_bias(cp, n, bias, m0, m1, n0, n0 + rows);
        beta = 1;
      }
      const int st = api.compute(&kPacked, &kTransB, &rows, &cols, &k,
                                 reinterpret_cast<const T *>(p.parts[part].data_ptr<uint8_t>()),
                                 &k, xp + m0 * k, &k,
                                        &beta, cp + m0 * n + n0, &n);
      if (st != 0) status = st;
    }
  });
  TORCH_CHECK(status == 0, "oneDNN ", api.name, "_compute failed with status ", status.load(), " (", m,
              "x", k, " by ", k, "x", n, ")");
}

// forward_out makes the output of the given sizes (M*N entries, not a
// view: in-place ops may follow it) and has product(out2, bias) write x2
// [M, K]'s product into its [M, N] view, plus bias[N] when not null.
template <class F>
torch::Tensor forward_out(const torch::Tensor &x2, int64_t n, const torch::Tensor &b,
                          at::IntArrayRef sizes, const F &product) {
  torch::Tensor out = at::empty(sizes, x2.options().dtype(at::kFloat));
  torch::Tensor out2 = out.view({x2.size(0), n});
  const torch::Tensor bc = b.defined() ? b.contiguous() : b;
  product(out2, b.defined() ? bc.data_ptr<float>() : nullptr);
  return out;
}

// forward2 is x2 [M, K] times w [N, K] transposed, plus b [N] when
// defined, written to a new float tensor of the given sizes (M*N entries,
// not a view: in-place ops may follow it); x2 and w are float32, or both
// rounded by nmt::bf16_round.
torch::Tensor forward2(const torch::Tensor &x2, const torch::Tensor &w, const torch::Tensor &b,
                       at::IntArrayRef sizes) {
  const int64_t m = x2.size(0), k = x2.size(1), n = w.size(0);
  return forward_out(x2, n, b, sizes, [&](torch::Tensor &out2, const float *bias) {
    gemm('N', 'T', m, n, k, x2, w, out2, bias);
  });
}

std::vector<int64_t> out_sizes(const torch::Tensor &x, int64_t n) {
  std::vector<int64_t> s(x.sizes().begin(), x.sizes().end());
  s.back() = n;
  return s;
}

struct LinearGrads {
  torch::Tensor dx, dw, db;
};

// operand is t as a product takes it: contiguous, and in bf16 mode
// rounded to bf16 (nmt::bf16_round).
torch::Tensor operand(const torch::Tensor &t, bool bf16) {
  return bf16 ? nmt::bf16_round(t) : t.contiguous();
}

torch::autograd::variable_list linear_forward(torch::autograd::AutogradContext *ctx,
                                              const torch::Tensor &x, const torch::Tensor &w,
                                              const torch::Tensor &b) {
  const bool bf16 = nmt::bf16_on();
  const torch::Tensor x2 = operand(x.reshape({-1, x.size(-1)}), bf16);
  const torch::Tensor wc = operand(w, bf16);
  ctx->save_for_backward({x2, wc});
  ctx->saved_data["sizes"] = x.sizes();
  ctx->saved_data["bf16"] = bf16;
  return {forward2(x2, wc, b, out_sizes(x, w.size(0)))};
}

LinearGrads linear_backward(torch::autograd::AutogradContext *ctx, const torch::Tensor &grad,
                            bool bias) {
  const torch::autograd::variable_list saved = ctx->get_saved_variables();
  const torch::Tensor &x2 = saved[0], &w = saved[1];
  const int64_t m = x2.size(0), k = x2.size(1), n = w.size(0);
  const torch::Tensor g = grad.reshape({m, n}).contiguous();
  // In bf16 the gradient is rounded before its products too, as
  // autocast's bf16 products do; the bias gradient sums it in float32.
  const torch::Tensor gq = ctx->saved_data["bf16"].toBool() ? nmt::bf16_round(g) : g;
  LinearGrads r;
  if (ctx->needs_input_grad(0)) {
    r.dx = at::empty(ctx->saved_data["sizes"].toIntVector(), g.options());
    torch::Tensor dx2 = r.dx.view({m, k});
    gemm('N', 'N', m, k, n, gq, w, dx2, nullptr);  // g [M, N] w [N, K]
  }
  if (ctx->needs_input_grad(1)) {
    r.dw = at::empty({n, k}, g.options());
    gemm('T', 'N', n, k, m, gq, x2, r.dw, nullptr);  // g^T [N, M] x2 [M, K]
  }
  if (bias && ctx->needs_input_grad(2)) r.db = g.sum(0);
  return r;
}

// Linear and LinearNoBias are the autograd op; the bias is an input only
// where it exists (autograd's inputs must be defined tensors).
struct Linear : public torch::autograd::Function<Linear> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext *ctx,
                                                const torch::Tensor &x, const torch::Tensor &w,
                                                const torch::Tensor &b) {
    return linear_forward(ctx, x, w, b);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list out) {
    LinearGrads r = linear_backward(ctx, out[0], true);
    return {r.dx, r.dw, r.db};
  }
};

struct LinearNoBias : public torch::autograd::Function<LinearNoBias> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext *ctx,
                                                const torch::Tensor &x, const torch::Tensor &w) {
    return linear_forward(ctx, x, w, torch::Tensor());
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list out) {
    LinearGrads r = linear_backward(ctx, out[0], false);
    return {r.dx, r.dw};
  }
};

bool takes(const torch::Tensor &t) {
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided;
}

// takes_input reports whether nmt's products take input x and bias b (or
// none): with the thread in bf16 mode or the oneDNN engine on, and
// libtorch's CPU autocast off.
bool takes_input(const torch::Tensor &x, const torch::Tensor &b) {
  return (nmt::bf16_on() || use_onednn.load(std::memory_order_relaxed)) &&
         !nmt::cpu_autocast_on() && x.dim() >= 1 && x.numel() > 0 && takes(x) &&
         (!b.defined() || (takes(b) && b.dim() == 1));
}

bool wants_grad(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b) {
  return at::GradMode::is_enabled() &&
         (x.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad()));
}

// linear is nmt_linear: nmt's products (bf16 in bf16 mode, oneDNN's
// sgemm otherwise) where they take the tensors, with autograd where a
// gradient is wanted; at::linear otherwise.
torch::Tensor linear(const torch::Tensor &xt, const torch::Tensor &wt, const torch::Tensor &bt) {
  const bool mine = takes_input(xt, bt) && wt.dim() == 2 && takes(wt) &&
                    xt.size(-1) == wt.size(1) && wt.numel() > 0;
  if (!mine)
    return at::linear(xt, wt, bt.defined() ? c10::optional<at::Tensor>(bt) : c10::nullopt);
  TORCH_CHECK(!bt.defined() || bt.size(0) == wt.size(0), "linear: bias of ", bt.size(0), " for ",
              wt.size(0), " outputs");
  if (!wants_grad(xt, wt, bt)) {
    const bool bf16 = nmt::bf16_on();
    const torch::Tensor x2 = operand(xt.reshape({-1, xt.size(-1)}), bf16);
    return forward2(x2, operand(wt, bf16), bt, out_sizes(xt, wt.size(0)));
  }
  return bt.defined() ? Linear::apply(xt, wt, bt)[0] : LinearNoBias::apply(xt, wt)[0];
}

}  // namespace

extern "C" {

int nmt_gemm_onednn_available(void) { return onednn_sgemm() != nullptr; }

int nmt_cpu_has_avx512(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return 0;
#endif
}

int nmt_set_gemm_onednn(int on) {
  if (on && onednn_sgemm() == nullptr) return 0;
  use_onednn.store(on ? 1 : 0);
  return 1;
}

char *nmt_linear(void *x, void *w, void *b, void **out) {
  return nmt::guard([&] {
    const torch::Tensor bt = b == nullptr ? torch::Tensor() : *static_cast<torch::Tensor *>(b);
    *out = new torch::Tensor(
        linear(*static_cast<torch::Tensor *>(x), *static_cast<torch::Tensor *>(w), bt));
  });
}

int nmt_pack_available(void) {
  return (use_onednn.load() && pack_api().ok()) || nmt::bf16_on();
}

char *nmt_pack_weight(void *w, void **out) {
  return nmt::guard([&] {
    const torch::Tensor &wt = *static_cast<torch::Tensor *>(w);
    TORCH_CHECK(takes(wt) && wt.dim() == 2 && wt.numel() > 0,
                "pack: want a 2-D CPU float weight, got ", wt.toString(), " of ", wt.dim(),
                " dimensions");
    *out = pack_weight(wt);
  });
}

void nmt_pack_free(void *p) { delete static_cast<Packed *>(p); }

int nmt_pack_stale(void *p) { return static_cast<Packed *>(p)->stale(); }

char *nmt_linear_packed(void *x, void *packed, void *b, void **out) {
  return nmt::guard([&] {
    const Packed &p = *static_cast<Packed *>(packed);
    const torch::Tensor &xt = *static_cast<torch::Tensor *>(x);
    const torch::Tensor bt = b == nullptr ? torch::Tensor() : *static_cast<torch::Tensor *>(b);
    if (wants_grad(xt, p.weight, bt) || p.stale() || !takes_input(xt, bt)) {
      *out = new torch::Tensor(linear(xt, p.weight, bt));
      return;
    }
    TORCH_CHECK(xt.size(-1) == p.k, "linear: input of ", xt.size(-1), " features for a weight of ",
                p.k);
    TORCH_CHECK(!bt.defined() || bt.size(0) == p.n, "linear: bias of ", bt.size(0), " for ", p.n,
                " outputs");
    const torch::Tensor x2 = operand(xt.reshape({-1, p.k}), p.bf16());
    *out = new torch::Tensor(forward_out(x2, p.n, bt, out_sizes(xt, p.n),
                                         [&](torch::Tensor &out2, const float *bias) {
                                           if (!p.bf16())
                                             packed_forward(p, pack_api(), x2, out2, bias);
                                           else if (!p.parts.empty())
                                             packed_forward(p, bf16_pack_api(), x2, out2, bias);
                                           else
                                             gemm('N', 'T', x2.size(0), p.n, p.k, x2, p.rounded,
                                                  out2, bias);
                                         }));
  });
}

}  // extern "C"
