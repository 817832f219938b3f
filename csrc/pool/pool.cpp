// pool.cpp: the thread pool of nmt's CPU kernels (see pool.h).
//
// Each worker has a slot. The caller of pool_run puts the job in the slots
// of the workers it needs, wakes those asleep, runs tasks itself, and waits
// until every one of those workers has emptied its slot. Tasks are taken
// from a shared counter, so a worker that wakes late finds fewer left.
#include "pool/pool.h"

#include <ATen/Parallel.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>


namespace nmt {
namespace {

struct Job {
  void (*fn)(void *, int64_t);
  void *ctx;
  int64_t n;
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr err;  // written once, by whoever set failed first
};

struct alignas(64) Worker {
  std::atomic<Job *> job{nullptr};  // set by the caller, emptied when done
  std::atomic<uint32_t> wake{0};    // futex word, bumped with every job
  std::atomic<bool> sleeping{false};
};

thread_local bool in_task = false;

// OmpOne holds OpenMP's thread count for this thread at one while alive.
struct OmpOne {
#ifdef _OPENMP
  int prev = omp_get_max_threads();
  OmpOne() { omp_set_num_threads(1); }
  ~OmpOne() { omp_set_num_threads(prev); }
#endif
};

void run_tasks(Job &j) {
  const bool outer = in_task;
  in_task = true;
  for (int64_t i; (i = j.next.fetch_add(1, std::memory_order_relaxed)) < j.n;) {
    try {
      j.fn(j.ctx, i);
    } catch (...) {
      if (!j.failed.exchange(true)) j.err = std::current_exception();
    }
  }
  in_task = outer;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// spin_ns is how long an idle worker spins before it sleeps
// (nmt_pool_set_spin_us).
std::atomic<long> spin_ns_{100 * 1000};
long spin_ns() { return spin_ns_.load(std::memory_order_relaxed); }

// spin_until waits for done() up to spin_ns, yielding the core every few
// microseconds to any thread that wants it; it reports whether done() came.
template <class F>
bool spin_until(const F &done) {
  using clock = std::chrono::steady_clock;
  const auto until = clock::now() + std::chrono::nanoseconds(spin_ns());
  for (int round = 0;; round++) {
    for (int i = 0; i < 64; i++) {
      if (done()) return true;
      cpu_relax();
    }
    if (clock::now() >= until) return done();
    if (round % 4 == 3) sched_yield();
  }
}

class Pool {
 public:
  int threads() const { return threads_.load(std::memory_order_relaxed); }
  void set_threads(int n) { threads_.store(std::max(1, n), std::memory_order_relaxed); }

  void run(int64_t n, void (*fn)(void *, int64_t), void *ctx) {
    const int64_t helpers = std::min<int64_t>(threads(), n) - 1;
    std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
    if (helpers <= 0 || in_task || at::in_parallel_region() || !lock.owns_lock()) {
      Job j{fn, ctx, n};
      OmpOne one;
      run_tasks(j);
      if (j.failed) std::rethrow_exception(j.err);
      return;
    }
    while (static_cast<int64_t>(workers_.size()) < helpers) {
      workers_.push_back(std::make_unique<Worker>());
      std::thread(loop, workers_.back().get()).detach();
    }
    Job j{fn, ctx, n};
    for (int64_t w = 0; w < helpers; w++) {
      Worker &wk = *workers_[w];
      wk.job.store(&j, std::memory_order_seq_cst);
      wk.wake.fetch_add(1, std::memory_order_seq_cst);
      if (wk.sleeping.load(std::memory_order_seq_cst))
        syscall(SYS_futex, &wk.wake, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
    {
      OmpOne one;
      run_tasks(j);
    }
    for (int64_t w = 0; w < helpers; w++) {
      Worker &wk = *workers_[w];
      while (wk.job.load(std::memory_order_acquire) != nullptr) {
        if (!spin_until([&] { return wk.job.load(std::memory_order_acquire) == nullptr; }))
          sched_yield();
      }
    }
    if (j.failed) std::rethrow_exception(j.err);
  }

 private:
  static void loop(Worker *w) {
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    for (;;) {
      Job *j = nullptr;
      auto got = [&] { return (j = w->job.load(std::memory_order_acquire)) != nullptr; };
      if (!spin_until(got)) {
        const uint32_t seen = w->wake.load(std::memory_order_seq_cst);
        w->sleeping.store(true, std::memory_order_seq_cst);
        if (!got()) syscall(SYS_futex, &w->wake, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
        w->sleeping.store(false, std::memory_order_relaxed);
        if (!got()) continue;
      }
      run_tasks(*j);
      w->job.store(nullptr, std::memory_order_release);
    }
  }

  std::atomic<int> threads_{std::max(1, at::get_num_threads())};
  std::mutex mu_;  // one job at a time
  std::vector<std::unique_ptr<Worker>> workers_;  // grown under mu_, never shrunk
};

// The pool lives as long as the process (its workers are detached and
// never stop), so it is never destroyed.
Pool &pool() {
  static Pool *p = new Pool;
  return *p;
}

}  // namespace

int pool_threads() { return pool().threads(); }

void set_pool_threads(int n) { pool().set_threads(n); }

void pool_run(int64_t n, void (*fn)(void *, int64_t), void *ctx) { pool().run(n, fn, ctx); }

}  // namespace nmt

extern "C" {

void nmt_pool_set_threads(int n) { nmt::set_pool_threads(n); }

void nmt_pool_set_spin_us(long us) { nmt::spin_ns_.store(std::max(0L, us) * 1000); }

int nmt_kernel_threads(void) {
  // at::parallel_for is a header template: this file's copy is what nmt's
  // kernels get, OpenMP or not.
  std::atomic<unsigned> seen{0};
  at::parallel_for(0, 64, 1, [&](int64_t, int64_t) {
    seen |= 1u << std::min(at::get_thread_num(), 31);
  });
  return __builtin_popcount(seen.load());
}

int nmt_pool_threads_used(void) {
  // Each task waits (up to a second) until every thread has taken one,
  // so that a caller quick to finish its own cannot take them all.
  const int want = nmt::pool_threads();
  std::mutex mu;
  std::set<std::thread::id> seen;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  nmt::pool_for(0, want, 1, [&](int64_t, int64_t) {
    {
      std::lock_guard<std::mutex> g(mu);
      seen.insert(std::this_thread::get_id());
    }
    for (;;) {
      {
        std::lock_guard<std::mutex> g(mu);
        if (static_cast<int>(seen.size()) >= want) return;
      }
      if (std::chrono::steady_clock::now() > until) return;
      std::this_thread::yield();
    }
  });
  return static_cast<int>(seen.size());
}

int nmt_pool_rethrows(void) {
  std::atomic<int> ran{0};
  try {
    nmt::pool_for(0, 64, 1, [&](int64_t b, int64_t e) {
      ran += static_cast<int>(e - b);
      if (b == 0) throw std::runtime_error("task 0 fails");
    });
  } catch (const std::runtime_error &) {
    return ran.load() == 64;  // the other tasks still ran
  }
  return 0;
}

}  // extern "C"
