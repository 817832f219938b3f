// alloc.cpp: a caching allocator for libtorch's CPU tensors (see alloc.h).
//
// A training or decoding step frees and reallocates the same large
// activation and gradient buffers every step. Through glibc each large
// block that comes back from the kernel costs a page fault per 4 KiB page
// on first touch, and on this kind of VM (measured: 1.2 to 4.8 million
// faults in the same 5-step iwslt benchmark, tok/s falling with them)
// that is a large and erratic share of the step. Like libtorch's CUDA
// caching allocator, this one keeps freed blocks of 1 MiB and more in
// per-size free lists and hands them out again, so a steady loop touches
// no fresh memory after its first steps. Sizes are rounded up to one of 8
// classes per power of two (at most 12.5% slack), blocks are 64-byte
// aligned like c10's, and the cache holds at most the limit it is given
// of free blocks (kernel.Settings: NMT_CPU_CACHE_MB, by default 4096
// MiB or a quarter of the memory); beyond that a freed block goes back to
// malloc. NMT_CPU_CACHE=0 leaves libtorch's allocator alone.
#include "alloc/alloc.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

// The allocator interface grew pure virtual members in libtorch 2.3
// (copy_data) whose signature has changed since; the cache is built for
// the libtorch 1.x/2.0-2.2 interface it was written and tested against
// (Debian's 1.13.1) and reports itself unavailable elsewhere.
#if TORCH_VERSION_MAJOR < 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR < 3)
#define NMT_CPU_CACHE 1
#endif

#ifdef NMT_CPU_CACHE

namespace {

constexpr size_t kAlign = 64;            // c10's gAlignment
constexpr size_t kHeader = kAlign;       // holds the block's class size
constexpr size_t kMinCached = 1 << 20;   // smaller blocks: plain malloc

size_t size_class(size_t n) {
  size_t p = 1;
  while (p * 2 <= n) p *= 2;             // p <= n < 2p
  size_t step = p / 8;
  return (n + step - 1) / step * step;
}

struct Cache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free;  // class -> blocks
  size_t cached = 0, limit = 0;
  size_t hits = 0, misses = 0;
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: tensors outlive statics
  return *c;
}

void release(void* block) {
  size_t cls = *static_cast<size_t*>(block);
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> g(c.mu);
    if (c.cached + cls <= c.limit) {
      c.free[cls].push_back(block);
      c.cached += cls;
      return;
    }
  }
  std::free(block);
}

void release_small(void* p) { std::free(p); }

struct CachingCPUAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n < kMinCached) {
      void* p = nullptr;
      if (posix_memalign(&p, kAlign, n ? n : 1) != 0) throw std::bad_alloc();
      return {p, p, &release_small, cpu};
    }
    size_t cls = size_class(n);
    Cache& c = cache();
    void* block = nullptr;
    {
      std::lock_guard<std::mutex> g(c.mu);
      auto it = c.free.find(cls);
      if (it != c.free.end() && !it->second.empty()) {
        block = it->second.back();
        it->second.pop_back();
        c.cached -= cls;
        c.hits++;
      } else {
        c.misses++;
      }
    }
    if (block == nullptr) {
      if (posix_memalign(&block, kAlign, kHeader + cls) != 0) throw std::bad_alloc();
      *static_cast<size_t*>(block) = cls;
    }
    return {static_cast<char*>(block) + kHeader, block, &release, cpu};
  }
  c10::DeleterFnPtr raw_deleter() const override { return nullptr; }
};

CachingCPUAllocator allocator;

}  // namespace

extern "C" int nmt_cpu_cache_enable(long long limit_bytes) {
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> g(c.mu);
    c.limit = limit_bytes > 0 ? (size_t)limit_bytes : 0;
  }
  c10::SetCPUAllocator(&allocator, /*priority=*/100);
  return c10::GetCPUAllocator() == &allocator;
}

extern "C" void nmt_cpu_cache_stats(long long* cached, long long* hits, long long* misses) {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  *cached = (long long)c.cached;
  *hits = (long long)c.hits;
  *misses = (long long)c.misses;
}

#else  // libtorch >= 2.3: no cache

extern "C" int nmt_cpu_cache_enable(long long) { return 0; }

extern "C" void nmt_cpu_cache_stats(long long* cached, long long* hits, long long* misses) {
  *cached = *hits = *misses = 0;
}

#endif
