// int8.cpp: int8 linear layers for decoding (see int8.h). Built
// into libtch.so beside gotch's glue.
//
// oneDNN, which Debian's libtorch links, exports its int8 GEMM with a pack
// API outside its public headers (dnnl::impl::cpu::gemm_s8u8s32_pack /
// _compute, libdnnl 2.x), as it does for sgemm (nmt_gemm.cpp): the weight
// is packed once and each product skips that step. oneDNN picks its
// kernels for the CPU: VNNI's vpdpbusd where the CPU has it, else
// vpmaddubsw, which adds pairs of u8*s8 products in 16 bits and saturates
// when both operands use their full range; the probe below finds which,
// and inputs are then quantized to 7 bits (0..127), which never
// saturates. Where the pack API is missing, a portable loop computes the
// same sums exactly.
#include "int8/int8.h"

#include <dlfcn.h>

#include <torch/types.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "common/guard.h"
#include "pool/pool.h"
#include "common/simd.h"

namespace {

// oneDNN's column-major int8 API: C[M, N] = op(A)[M, K] op(B)[K, N] in
// int32, A int8 (here the weight, packed), B uint8 (the input).
using pack_size_fn = int (*)(const char *, const char *, const char *, const int64_t *,
                             const int64_t *, const int64_t *, const int64_t *, const int64_t *,
                             size_t *, bool *);
using pack_fn = int (*)(const char *, const char *, const char *, const int64_t *,
                        const int64_t *, const int64_t *, const int64_t *, const int64_t *,
                        const void *, void *);
using compute_fn = int (*)(const char *, const char *, const char *, const int64_t *,
                           const int64_t *, const int64_t *, const int8_t *, const int64_t *,
                           const uint8_t *, const int64_t *, const float *, int32_t *,
                           const int64_t *, const int32_t *);

// OneThread holds OpenMP at one thread in this thread while alive.
// oneDNN's packed layout depends on the threads it may use: packing and
// every product run with one (the pool splits the work itself), or the
// products read the packed weight wrongly.
struct OneThread {
#ifdef _OPENMP
  int prev = omp_get_max_threads();
  OneThread() { omp_set_num_threads(1); }
  ~OneThread() { omp_set_num_threads(prev); }
#endif
};

struct API {
  pack_size_fn size = nullptr;
  pack_fn pack = nullptr;
  compute_fn compute = nullptr;
  bool ok() const { return size != nullptr && pack != nullptr && compute != nullptr; }
};

const API &api() {
  static const API a = [] {
    API a;
    a.size = reinterpret_cast<pack_size_fn>(dlsym(
        RTLD_DEFAULT, "_ZN4dnnl4impl3cpu26gemm_s8u8s32_pack_get_sizeEPKcS3_S3_PKlS5_S5_S5_S5_PmPb"));
    a.pack = reinterpret_cast<pack_fn>(
        dlsym(RTLD_DEFAULT, "_ZN4dnnl4impl3cpu17gemm_s8u8s32_packEPKcS3_S3_PKlS5_S5_S5_S5_PKvPv"));
    a.compute = reinterpret_cast<compute_fn>(dlsym(
        RTLD_DEFAULT,
        "_ZN4dnnl4impl3cpu20gemm_s8u8s32_computeEPKcS3_S3_PKlS5_S5_PKaS5_PKhS5_PKfPiS5_PKi"));
    return a;
  }();
  return a;
}

// In column-major terms the output C^T [N, M] is W [N, K] (A, transposed
// from its column-major [K, N]) times x^T [K, M] (B): the weight is A.
const char kPackA = 'A', kTransA = 'T', kTransB = 'N', kPacked = 'P', kFixed = 'F';
const int32_t kNoOffset = 0;

// Columns of the output per packed part, and at most rows of the input
// per task: a task's int32 block (128 x 512) stays in the core's L2 until
// it is turned into floats.
const int64_t kPartCols = 512, kRowBlock = 128;

// Buffer is bytes aligned to 64, as oneDNN's packed layouts want.
struct Buffer {
  std::unique_ptr<int8_t[]> raw;
  int8_t *data = nullptr;
  explicit Buffer(size_t bytes) : raw(new int8_t[bytes + 64]) {
    const auto a = reinterpret_cast<uintptr_t>(raw.get());
    data = raw.get() + ((64 - a % 64) % 64);
  }
};

struct Packed {
  int engine, levels;
  int64_t n, k;
  std::vector<float> scale;   // [n]
  std::vector<int32_t> wsum;  // [n]: each row's sum of q, for the input's zero point
  std::vector<int64_t> n0;    // part p is columns n0[p]..n0[p+1]-1
  std::vector<Buffer> parts;  // oneDNN's layout, or rows of q (portable)
};

std::atomic<int> engine{-1}, levels{255};

// probe multiplies extreme values (inputs q, weights alternating +-127)
// through oneDNN and reports whether the int32 sums are exact.
bool probe(uint8_t q) {
  OneThread one;
  const int64_t n = 32, m = 4, k = 64;
  std::vector<int8_t> w(n * k);
  for (int64_t i = 0; i < n * k; i++) w[i] = (i / k) % 2 ? -127 : 127;
  std::vector<uint8_t> x(m * k, q);
  size_t bytes = 0;
  bool worth = false;
  if (api().size(&kPackA, &kTransA, &kTransB, &n, &m, &k, &k, &k, &bytes, &worth) != 0) return false;
  std::vector<int8_t> buf(bytes + 64);
  if (api().pack(&kPackA, &kTransA, &kTransB, &n, &m, &k, &k, &k, w.data(), buf.data()) != 0)
    return false;
  std::vector<int32_t> c(n * m);
  const float beta = 0;
  if (api().compute(&kPacked, &kTransB, &kFixed, &n, &m, &k, buf.data(), &k, x.data(), &k, &beta,
                    c.data(), &n, &kNoOffset) != 0)
    return false;
  for (int64_t j = 0; j < m; j++)
    for (int64_t i = 0; i < n; i++)
      if (c[j * n + i] != (i % 2 ? -1 : 1) * 127 * int32_t{q} * k) return false;
  return true;
}

int configure(int want) {
  if (want == NMT_INT8_AUTO) want = api().ok() ? NMT_INT8_ONEDNN : NMT_INT8_PORTABLE;
  if (want == NMT_INT8_ONEDNN) {
    if (!api().ok()) return -1;
    static const int onednn_levels = probe(255) ? 255 : probe(127) ? 127 : 0;
    if (onednn_levels == 0) want = NMT_INT8_PORTABLE;  // oneDNN's sums are wrong: never use them
    else levels = onednn_levels;
  }
  if (want == NMT_INT8_PORTABLE) levels = 255;
  engine = want;
  return want;
}

int current_engine() {
  if (engine.load() < 0) configure(NMT_INT8_AUTO);
  return engine.load();
}

Packed *pack(const int8_t *q, const float *scale, int64_t n, int64_t k) {
  TORCH_CHECK(n > 0 && k > 0, "int8 pack: a weight of ", n, "x", k);
  auto p = std::make_unique<Packed>();
  p->engine = current_engine();
  p->levels = levels.load();
  p->n = n;
  p->k = k;
  p->scale.assign(scale, scale + n);
  p->wsum.resize(n);
  for (int64_t i = 0; i < n; i++) {
    int32_t s = 0;
    for (int64_t j = 0; j < k; j++) {
      TORCH_CHECK(q[i * k + j] >= -127, "int8 pack: row ", i, " holds -128 (want -127..127)");
      s += q[i * k + j];
    }
    p->wsum[i] = s;
  }
  const int64_t parts = std::max<int64_t>(1, (n + kPartCols - 1) / kPartCols);
  for (int64_t i = 0; i <= parts; i++) p->n0.push_back(n * i / parts / 16 * 16);
  p->n0.back() = n;
  p->parts.reserve(parts);
  for (int64_t i = 0; i < parts; i++) {
    const int64_t rows = p->n0[i + 1] - p->n0[i];
    const int8_t *src = q + p->n0[i] * k;
    if (p->engine == NMT_INT8_PORTABLE) {
      p->parts.emplace_back(rows * k);
      std::memcpy(p->parts[i].data, src, rows * k);
      continue;
    }
    const int64_t cols = kRowBlock;
    OneThread one;
    size_t bytes = 0;
    bool worth = false;
    int st = api().size(&kPackA, &kTransA, &kTransB, &rows, &cols, &k, &k, &k, &bytes, &worth);
    TORCH_CHECK(st == 0, "int8 pack: oneDNN's gemm_s8u8s32_pack_get_size failed with status ", st);
    p->parts.emplace_back(bytes);
    st = api().pack(&kPackA, &kTransA, &kTransB, &rows, &cols, &k, &k, &k, src, p->parts[i].data);
    TORCH_CHECK(st == 0, "int8 pack: oneDNN's gemm_s8u8s32_pack failed with status ", st);
  }
  return p.release();
}

// quantize_rows writes rows m0..m1-1 of x [*, k] to q (0..levels) with
// each row's step sx and zero point zp: x ~ sx * (q - zp). The range
// covers 0, so zeros (padding, ReLU) stay exact; a row that is not finite
// gets step NaN. Eight columns at a time (simd.h), the rest one by one.
NMT_CLONES void quantize_rows(const float *x, int64_t k, int64_t m0, int64_t m1, int levels,
                              uint8_t *q, float *sx, int32_t *zp) {
  using nmt::v8f;
  typedef uint8_t v8u8 __attribute__((vector_size(8)));
  const int64_t k8 = k / 8 * 8;
  for (int64_t m = m0; m < m1; m++) {
    const float *r = x + m * k;
    // NaN in bad for a NaN or an infinity, which min and max skip.
    v8f lo8 = nmt::splat8(0), hi8 = lo8, bad8 = lo8;
    for (int64_t j = 0; j < k8; j += 8) {
      const v8f v = nmt::load8(r + j);
      lo8 = nmt::min8(v, lo8);
      hi8 = nmt::max8(v, hi8);
      bad8 += v * 0.0f;
    }
    float lo = 0, hi = 0, bad = 0;
    for (int l = 0; l < 8; l++) {
      lo = std::min(lo, lo8[l]);
      hi = std::max(hi, hi8[l]);
      bad += bad8[l];
    }
    for (int64_t j = k8; j < k; j++) {
      lo = std::min(lo, r[j]);
      hi = std::max(hi, r[j]);
      bad += r[j] * 0.0f;
    }
    float s = (hi - lo) / levels;
    if (bad != 0 || !std::isfinite(s)) {
      sx[m] = std::numeric_limits<float>::quiet_NaN();
      zp[m] = 0;
      std::memset(q + m * k, 0, k);
      continue;
    }
    if (s == 0) s = 1;  // a row of zeros
    const float inv = 1 / s;
    const int32_t z = static_cast<int32_t>(std::nearbyint(-lo * inv));
    sx[m] = s;
    zp[m] = z;
    // r*inv + z lies in [-0.5, levels + 0.5]; +0.5, clamping and
    // truncation round it.
    const float top = static_cast<float>(levels), zf = static_cast<float>(z) + 0.5f;
    const v8f inv8 = nmt::splat8(inv), zf8 = nmt::splat8(zf), top8 = nmt::splat8(top),
              zero8 = nmt::splat8(0);
    uint8_t *o = q + m * k;
    for (int64_t j = 0; j < k8; j += 8) {
      const v8f v = nmt::min8(top8, nmt::max8(zero8, nmt::load8(r + j) * inv8 + zf8));
      const v8u8 b = __builtin_convertvector(__builtin_convertvector(v, nmt::v8i), v8u8);
      std::memcpy(o + j, &b, 8);
    }
    for (int64_t j = k8; j < k; j++) {
      const float v = std::min(top, std::max(0.0f, r[j] * inv + zf));
      o[j] = static_cast<uint8_t>(static_cast<int32_t>(v));
    }
  }
}

// dot_rows is the portable product: c[m][j] = sum_t xq[m, t] * w[j, t]
// for rows m0..m1-1 of xq and the part's cols rows of w.
NMT_CLONES void dot_rows(const uint8_t *xq, const int8_t *w, int64_t k, int64_t m0, int64_t m1,
                         int64_t cols, int32_t *c) {
  for (int64_t m = m0; m < m1; m++) {
    const uint8_t *a = xq + m * k;
    for (int64_t j = 0; j < cols; j++) {
      const int8_t *b = w + j * k;
      int32_t s = 0;
      for (int64_t t = 0; t < k; t++) s += int32_t{a[t]} * int32_t{b[t]};
      c[(m - m0) * cols + j] = s;
    }
  }
}

// dequantize writes out[m][j] = sx[m] * scale[j] * (c[m][j] - zp[m] *
// wsum[j]) + bias[j] for rows m0..m1-1 of a part of cols columns (out,
// scale, wsum and bias start at the part's first column; ldo is out's row
// length), eight columns at a time.
NMT_CLONES void dequantize(const int32_t *c, int64_t m0, int64_t m1, int64_t cols,
                           const float *sx, const int32_t *zp, const float *scale,
                           const int32_t *wsum, const float *bias, float *out, int64_t ldo) {
  using nmt::v8f;
  using nmt::v8i;
  const int64_t c8 = cols / 8 * 8;
  for (int64_t m = m0; m < m1; m++) {
    const int32_t *cr = c + (m - m0) * cols;
    float *o = out + m * ldo;
    const float a = sx[m];
    const int32_t z = zp[m];
    const v8f a8 = nmt::splat8(a);
    const v8i z8 = v8i{z, z, z, z, z, z, z, z};
    for (int64_t j = 0; j < c8; j += 8) {
      v8f v = __builtin_convertvector(nmt::load8i(cr + j) - z8 * nmt::load8i(wsum + j), v8f) *
              (a8 * nmt::load8(scale + j));
      if (bias != nullptr) v += nmt::load8(bias + j);
      nmt::store8(o + j, v);
    }
    for (int64_t j = c8; j < cols; j++) {
      const float v = static_cast<float>(cr[j] - z * wsum[j]) * (a * scale[j]);
      o[j] = bias != nullptr ? v + bias[j] : v;
    }
  }
}

// product writes x2 [m, k] times the packed weight (plus bias) into out
// [m, n]: the rows quantized on the pool, then one task per part and block
// of rows, each an int32 product into a buffer of its thread and its
// conversion to floats.
void product(const Packed &p, const float *x, int64_t m, const float *bias, float *out) {
  const int64_t k = p.k, n = p.n;
  std::vector<uint8_t> q(m * k);
  std::vector<float> sx(m);
  std::vector<int32_t> zp(m);
  nmt::pool_for(0, m, std::max<int64_t>(1, 16384 / k), [&](int64_t b, int64_t e) {
    quantize_rows(x, k, b, e, p.levels, q.data(), sx.data(), zp.data());
  });
  const int64_t parts = static_cast<int64_t>(p.parts.size());
  // Blocks of rows: at most kRowBlock rows each, and enough tasks for
  // every thread where there are rows enough.
  const int64_t blocks = std::min(
      m, std::max((m + kRowBlock - 1) / kRowBlock, (nmt::pool_threads() + parts - 1) / parts));
  const int64_t rb = (m + blocks - 1) / blocks;
  struct Ctx {
    const Packed &p;
    const uint8_t *q;
    const float *sx;
    const int32_t *zp;
    const float *bias;
    float *out;
    int64_t m, parts, rb;
    std::atomic<int> status{0};
  } ctx{p, q.data(), sx.data(), zp.data(), bias, out, m, parts, rb};
  auto task = [](void *cp, int64_t t) {
    Ctx &c = *static_cast<Ctx *>(cp);
    const Packed &p = c.p;
    const int64_t part = t % c.parts, m0 = t / c.parts * c.rb;
    const int64_t m1 = std::min(c.m, m0 + c.rb), rows = m1 - m0;
    if (rows <= 0) return;
    const int64_t j0 = p.n0[part], cols = p.n0[part + 1] - j0, k = p.k;
    thread_local std::vector<int32_t> acc;
    acc.resize(rows * cols);
    if (p.engine == NMT_INT8_PORTABLE) {
      dot_rows(c.q, p.parts[part].data, k, m0, m1, cols, acc.data());
    } else {
      OneThread one;
      const float beta = 0;
      const int st = api().compute(&kPacked, &kTransB, &kFixed, &cols, &rows, &k,
                                   p.parts[part].data, &k, c.q + m0 * k, &k, &beta, acc.data(),
                                   &cols, &kNoOffset);
      if (st != 0) c.status = st;
    }
    dequantize(acc.data(), m0, m1, cols, c.sx, c.zp, p.scale.data() + j0, p.wsum.data() + j0,
               c.bias != nullptr ? c.bias + j0 : nullptr, c.out + j0, p.n);
  };
  nmt::pool_run(parts * ((m + rb - 1) / rb), task, &ctx);
  TORCH_CHECK(ctx.status == 0, "oneDNN gemm_s8u8s32_compute failed with status ",
              ctx.status.load(), " (", m, "x", k, " by ", k, "x", n, ")");
}

torch::Tensor linear(const torch::Tensor &x, const Packed &p, const torch::Tensor &b) {
  const bool cpu_float = [](const torch::Tensor &t) {
    return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided;
  }(x);
  TORCH_CHECK(cpu_float && x.dim() >= 1, "int8 linear: want a CPU float32 input, got ",
              x.toString(), " of ", x.dim(), " dimensions");
  TORCH_CHECK(!(at::GradMode::is_enabled() && x.requires_grad()),
              "int8 linear: int8 weights are for inference; no gradient flows through them");
  TORCH_CHECK(x.size(-1) == p.k, "int8 linear: input of ", x.size(-1),
              " features for a weight of ", p.k);
  TORCH_CHECK(!b.defined() || (b.device().is_cpu() && b.scalar_type() == at::kFloat &&
                               b.dim() == 1 && b.size(0) == p.n),
              "int8 linear: want a CPU float32 bias of ", p.n, ", got ",
              b.defined() ? b.toString() : "none");
  std::vector<int64_t> sizes(x.sizes().begin(), x.sizes().end());
  sizes.back() = p.n;
  torch::Tensor out = at::empty(sizes, x.options());
  const torch::Tensor x2 = x.reshape({-1, p.k}).contiguous();
  const torch::Tensor bc = b.defined() ? b.contiguous() : b;
  if (x2.size(0) > 0)
    product(p, x2.data_ptr<float>(), x2.size(0), b.defined() ? bc.data_ptr<float>() : nullptr,
            out.data_ptr<float>());
  return out;
}

}  // namespace

extern "C" {

int nmt_int8_configure(int e) { return configure(e); }

int nmt_int8_levels(void) {
  current_engine();
  return levels.load();
}

int nmt_cpu_has_vnni(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vnni") || __builtin_cpu_supports("avxvnni");
#else
  return 0;
#endif
}

char *nmt_int8_pack(const int8_t *q, const float *scale, int64_t n, int64_t k, void **out) {
  return nmt::guard([&] { *out = pack(q, scale, n, k); });
}

void nmt_int8_free(void *p) { delete static_cast<Packed *>(p); }

int nmt_int8_packed_levels(void *p) { return static_cast<Packed *>(p)->levels; }

char *nmt_int8_linear(void *x, void *packed, void *b, void **out) {
  return nmt::guard([&] {
    const torch::Tensor bt = b == nullptr ? torch::Tensor() : *static_cast<torch::Tensor *>(b);
    *out = new torch::Tensor(
        linear(*static_cast<torch::Tensor *>(x), *static_cast<Packed *>(packed), bt));
  });
}

}  // extern "C"
