// dist.cpp: see dist.h. Built by scripts/setup.sh into
// build/lib/libnmtdist.so with -DUSE_C10D_GLOO (libgloo-dev) and, when the
// libtorch has CUDA, -DUSE_C10D_NCCL; without gloo's headers (PyTorch's
// wheels ship none) a CUDA libtorch gets an NCCL-only shim.
#include "dist/dist.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/distributed/c10d/Backend.hpp>
#endif
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

// Since libtorch 2.0 ProcessGroupGloo and ProcessGroupNCCL are c10d
// Backends (a ProcessGroup dispatches to them); before, they were
// ProcessGroups themselves. Both bases have the collectives used here.
#if TORCH_VERSION_MAJOR >= 2
using nmt_backend = c10d::Backend;
#else
using nmt_backend = c10d::ProcessGroup;
#endif

struct nmt_pg {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<nmt_backend> pg;
  std::string backend;
  int rank = 0, world = 1;
};

static char *err_str(const std::string &s) { return strdup(s.c_str()); }

#define NMT_TRY(ctx, body)                                                  \
  try {                                                                      \
    body                                                                     \
  } catch (const std::exception &e) {                                        \
    return err_str(std::string(ctx) + ": " + e.what());                      \
  } catch (...) {                                                            \
    return err_str(std::string(ctx) + ": unknown C++ exception");            \
  }                                                                          \
  return nullptr;

extern "C" const char *nmt_dist_backends(void) {
#if defined(USE_C10D_GLOO) && defined(USE_C10D_NCCL)
  return "gloo,nccl";
#elif defined(USE_C10D_NCCL)
  return "nccl";
#else
  return "gloo";
#endif
}

extern "C" char *nmt_dist_new(const char *backend, const char *addr, int port,
                              int rank, int world, int64_t timeout_ms,
                              nmt_pg **out) {
  *out = nullptr;
  std::string be(backend ? backend : "gloo");
  if (world < 1 || rank < 0 || rank >= world)
    return err_str("rank " + std::to_string(rank) + " outside world of size " +
                   std::to_string(world));
  if (port <= 0 || port > 65535)
    return err_str("port " + std::to_string(port) + " out of range");
  std::string where = std::string("rendezvous at ") + addr + ":" +
                      std::to_string(port) + " as rank " +
                      std::to_string(rank) + "/" + std::to_string(world);
  NMT_TRY(where, {
    auto timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(port);
    so.isServer = rank == 0;
    so.numWorkers = static_cast<std::size_t>(world);
    so.waitWorkers = true;
    so.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(std::string(addr), so);
    auto store = c10::make_intrusive<c10d::PrefixStore>("nmt/" + be, tcp);
    auto p = std::make_unique<nmt_pg>();
    p->store = tcp;
    p->backend = be;
    p->rank = rank;
    p->world = world;
    if (be == "gloo") {
#ifdef USE_C10D_GLOO
      auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
      // Loopback for a single machine, else the address the host name
      // resolves to (GLOO_SOCKET_IFNAME picks an interface).
      const char *ifname = std::getenv("GLOO_SOCKET_IFNAME");
      std::string a(addr);
      if (ifname && *ifname)
        opts->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (a == "127.0.0.1" || a == "localhost")
        opts->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        opts->devices.push_back(
            c10d::ProcessGroupGloo::createDefaultDevice());
      opts->threads = 2;
      p->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world,
                                                          opts);
#else
      return err_str("backend gloo: this build of libnmtdist has no Gloo "
                     "(its libtorch ships no gloo headers); use "
                     "--dist-backend nccl on CUDA devices");
#endif
    } else if (be == "nccl") {
#ifdef USE_C10D_NCCL
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = timeout;
      p->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world,
                                                          opts);
#else
      return err_str("backend nccl: this build of libnmtdist has no NCCL "
                     "(it needs a CUDA libtorch built with NCCL; rerun "
                     "scripts/setup.sh with LIBTORCH=/path/to/cuda/libtorch)");
#endif
    } else {
      return err_str("unknown backend " + be + " (want gloo or nccl)");
    }
    *out = p.release();
  })
}

extern "C" void nmt_dist_free(nmt_pg *pg) {
  try {
    delete pg;
  } catch (...) {
  }
}

static std::vector<at::Tensor> gather(void **ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) {
    auto *t = static_cast<torch::Tensor *>(ts[i]);
    if (t == nullptr || !t->defined())
      throw std::runtime_error("tensor " + std::to_string(i) + " is undefined");
    if (!t->is_contiguous())
      throw std::runtime_error("tensor " + std::to_string(i) +
                               " is not contiguous");
    v.push_back(*t);
  }
  for (size_t i = 1; i < v.size(); i++) {
    if (v[i].scalar_type() != v[0].scalar_type() ||
        v[i].device() != v[0].device())
      throw std::runtime_error(
          "tensors of one call must share dtype and device (tensor " +
          std::to_string(i) + " differs from tensor 0)");
  }
  return v;
}

static void wait(const c10::intrusive_ptr<c10d::Work> &w, int64_t timeout_ms,
                 const char *what) {
  if (!w->wait(std::chrono::milliseconds(timeout_ms)))
    throw std::runtime_error(std::string(what) + " did not complete");
}

// run_bucketed flattens consecutive tensors into buckets of at most
// bucket_bytes, runs op on each flat bucket and copies the result back.
template <typename Op>
static void run_bucketed(std::vector<at::Tensor> &v, int64_t bucket_bytes,
                         Op op) {
  size_t i = 0;
  at::NoGradGuard ng;
  while (i < v.size()) {
    size_t j = i;
    int64_t bytes = 0;
    do {
      bytes += v[j].numel() * v[j].element_size();
      j++;
    } while (j < v.size() &&
             (bucket_bytes <= 0 ||
              bytes + v[j].numel() * v[j].element_size() <= bucket_bytes));
    if (j - i == 1) {
      op(v[i]);
    } else {
      std::vector<at::Tensor> flat;
      for (size_t k = i; k < j; k++) flat.push_back(v[k].reshape({-1}));
      at::Tensor bucket = at::cat(flat);
      op(bucket);
      int64_t off = 0;
      for (size_t k = i; k < j; k++) {
        int64_t n = v[k].numel();
        v[k].copy_(bucket.narrow(0, off, n).view_as(v[k]));
        off += n;
      }
    }
    i = j;
  }
}

// on_device runs op on b, except that NCCL works on CUDA tensors only: a CPU
// tensor (a counter, the resume point) goes through this rank's GPU and back.
template <typename Op>
static void on_device(const nmt_pg *pg, at::Tensor &b, Op op) {
  if (pg->backend != "nccl" || b.is_cuda()) {
    op(b);
    return;
  }
  auto n = static_cast<int>(torch::cuda::device_count());
  if (n == 0) throw std::runtime_error("nccl: no CUDA device for a CPU tensor");
  at::Tensor d = b.to(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(pg->rank % n)));
  op(d);
  b.copy_(d);
}

extern "C" char *nmt_dist_allreduce(nmt_pg *pg, void **tensors, int n,
                                    int64_t bucket_bytes, int64_t timeout_ms) {
  if (pg == nullptr) return err_str("allreduce: no process group");
  NMT_TRY("allreduce on rank " + std::to_string(pg->rank), {
    auto v = gather(tensors, n);
    run_bucketed(v, bucket_bytes, [&](at::Tensor &b) {
      on_device(pg, b, [&](at::Tensor &x) {
        std::vector<at::Tensor> one{x};
        c10d::AllreduceOptions o;
        o.reduceOp = c10d::ReduceOp::SUM;
        o.timeout = std::chrono::milliseconds(timeout_ms);
        wait(pg->pg->allreduce(one, o), timeout_ms, "allreduce");
      });
    });
  })
}

extern "C" char *nmt_dist_broadcast(nmt_pg *pg, void **tensors, int n,
                                    int root, int64_t bucket_bytes,
                                    int64_t timeout_ms) {
  if (pg == nullptr) return err_str("broadcast: no process group");
  NMT_TRY("broadcast on rank " + std::to_string(pg->rank), {
    auto v = gather(tensors, n);
    run_bucketed(v, bucket_bytes, [&](at::Tensor &b) {
      on_device(pg, b, [&](at::Tensor &x) {
        std::vector<at::Tensor> one{x};
        c10d::BroadcastOptions o;
        o.rootRank = root;
        o.rootTensor = 0;
        o.timeout = std::chrono::milliseconds(timeout_ms);
        wait(pg->pg->broadcast(one, o), timeout_ms, "broadcast");
      });
    });
  })
}

extern "C" char *nmt_dist_barrier(nmt_pg *pg, int64_t timeout_ms) {
  if (pg == nullptr) return err_str("barrier: no process group");
  NMT_TRY("barrier on rank " + std::to_string(pg->rank), {
    c10d::BarrierOptions o;
    o.timeout = std::chrono::milliseconds(timeout_ms);
    wait(pg->pg->barrier(o), timeout_ms, "barrier");
  })
}
