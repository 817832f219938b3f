// pool.h: the threads of nmt's CPU kernels (pool.cpp): a C API for Go
// (package kernel, pool.go) and, for C++, pool_for, on which the kernels
// run their loops.
//
// libtorch's OpenMP threads wait for work asleep (nmt runs them with
// OMP_WAIT_POLICY=passive: spinning ones made training 6x slower on a busy
// machine), so every parallel loop first wakes them, a futex call and a
// context switch each, which a decoding step, a hundred small loops in a
// row, pays a hundred times. The pool's workers instead wait spinning for a
// short while (nmt_pool_set_spin_us; 100 microseconds unless set), yielding
// the core to any other thread that wants it, and only then sleep: back to
// back kernels find them awake, an idle process has them asleep within a
// fraction of a millisecond.
#ifndef NMT_POOL_H
#define NMT_POOL_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// nmt_pool_set_threads sets how many threads a pool loop uses, the caller
// included (n >= 1).
void nmt_pool_set_threads(int n);
// nmt_pool_set_spin_us sets how long an idle worker spins (yielding the
// core) before it sleeps, in microseconds (>= 0).
void nmt_pool_set_spin_us(long us);
// nmt_pool_threads_used runs a loop on the pool and returns how many
// threads took part.
int nmt_pool_threads_used(void);
// nmt_pool_rethrows reports (1) whether an exception thrown in one task of
// a pool loop reaches its caller after the other tasks ran.
int nmt_pool_rethrows(void);
// nmt_kernel_threads runs an at::parallel_for compiled as nmt's kernels
// are and returns how many threads took part: 1 when they were built
// without OpenMP (the loss and Adam kernels run on such loops).
int nmt_kernel_threads(void);

#ifdef __cplusplus
}

#include <algorithm>
#include <cstdint>

namespace nmt {

// pool_threads is how many threads a pool_for uses, the caller included;
// set_pool_threads changes it (n >= 1; package kernel's SetThreads sets it
// beside libtorch's count).
int pool_threads();
void set_pool_threads(int n);

// pool_run calls fn(ctx, i) for each i in [0, n), spread over the pool's
// threads with the caller taking part, and returns when all calls have
// returned, rethrowing the first exception one threw. Inside a task, inside
// an OpenMP region, with one thread, or while another thread runs a job, it
// runs the tasks in the caller. Tasks run with OpenMP held to one thread
// (oneDNN's sgemm and libtorch's loops then stay in their task's thread).
void pool_run(int64_t n, void (*fn)(void *, int64_t), void *ctx);

// pool_for calls f(b, e) over [begin, end) split into at most
// pool_threads() ranges of nearly equal size, each at least grain long
// (the whole range in one call when it is shorter).
template <class F>
void pool_for(int64_t begin, int64_t end, int64_t grain, const F &f) {
  const int64_t len = end - begin;
  if (len <= 0) return;
  const int64_t parts = std::max<int64_t>(
      1, std::min<int64_t>(pool_threads(), len / std::max<int64_t>(grain, 1)));
  if (parts == 1) {
    f(begin, end);
    return;
  }
  struct Ctx {
    const F &f;
    int64_t begin, len, parts;
  } c{f, begin, len, parts};
  pool_run(
      parts,
      [](void *p, int64_t i) {
        const Ctx &c = *static_cast<const Ctx *>(p);
        c.f(c.begin + c.len * i / c.parts, c.begin + c.len * (i + 1) / c.parts);
      },
      &c);
}

}  // namespace nmt

#endif  // __cplusplus

#endif
