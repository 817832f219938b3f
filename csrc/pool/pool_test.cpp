// pool_test.cpp: the pool of nmt's kernels (pool.h) from C++, with what
// the Go tests cannot reach: pool_for visits every index of a range once,
// in at most pool_threads() parts of at least grain, for many ranges and
// thread counts; a pool_for inside a task runs in that task's thread; an
// exception in one task reaches the caller after the others ran, and the
// pool works after it; two threads that use the pool at once both finish
// with every index visited (one of them runs its loop itself). Links
// libtch.so. Exits 1 on a failure. internal/build's TestCxx builds and
// runs it.
#include "pool/pool.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void fail(const char *what, long got, long want) {
  if (failures++ < 10) std::printf("FAIL %s: got %ld, want %ld\n", what, got, want);
}

// covers runs pool_for over [b, e) with grain and checks the visits.
void covers(int64_t b, int64_t e, int64_t grain) {
  const int64_t n = e > b ? e - b : 0;
  std::vector<std::atomic<int>> seen(n);
  std::atomic<int> parts{0};
  std::atomic<int64_t> shortest{n};
  nmt::pool_for(b, e, grain, [&](int64_t lo, int64_t hi) {
    parts++;
    int64_t len = hi - lo, s = shortest.load();
    while (len < s && !shortest.compare_exchange_weak(s, len)) {
    }
    for (int64_t i = lo; i < hi; i++) seen[i - b]++;
  });
  for (int64_t i = 0; i < n; i++)
    if (seen[i] != 1) fail("pool_for: visits of an index", seen[i], 1);
  if (parts > nmt::pool_threads()) fail("pool_for: parts", parts, nmt::pool_threads());
  if (parts > 1 && shortest < grain) fail("pool_for: a part shorter than grain", shortest, grain);
  if (n == 0 && parts != 0) fail("pool_for: calls for an empty range", parts, 0);
}

}  // namespace

int main() {
  for (int threads : {1, 2, 3, 5}) {
    nmt::set_pool_threads(threads);
    for (auto r : std::vector<std::vector<int64_t>>{
             {0, 0, 1}, {0, 1, 1}, {0, 7, 1}, {3, 103, 4}, {0, 1000, 16}, {-5, 5, 1}, {0, 3, 10}, {5, 2, 1}})
      covers(r[0], r[1], r[2]);
  }
  nmt::set_pool_threads(3);

  // A loop inside a task runs in the task's thread, whole.
  std::atomic<int> inner{0}, elsewhere{0};
  nmt::pool_for(0, 3, 1, [&](int64_t, int64_t) {
    const auto self = std::this_thread::get_id();
    nmt::pool_for(0, 100, 1, [&](int64_t lo, int64_t hi) {
      inner += static_cast<int>(hi - lo);
      if (std::this_thread::get_id() != self) elsewhere++;
    });
  });
  if (inner != 300) fail("nested pool_for: indices visited", inner, 300);
  if (elsewhere != 0) fail("nested pool_for: parts run on another thread", elsewhere, 0);

  // An exception reaches the caller after the other tasks ran.
  std::atomic<int> ran{0};
  bool caught = false;
  try {
    nmt::pool_for(0, 30, 1, [&](int64_t lo, int64_t hi) {
      ran += static_cast<int>(hi - lo);
      if (lo == 0) throw std::runtime_error("task 0 fails");
    });
  } catch (const std::runtime_error &) {
    caught = true;
  }
  if (!caught) fail("an exception in a task: caught", 0, 1);
  if (ran != 30) fail("an exception in a task: indices the others ran", ran, 30);
  covers(0, 1000, 1);  // the pool still works

  // Two threads at once.
  std::atomic<int64_t> sums[2] = {{0}, {0}};
  std::vector<std::thread> ts;
  for (int t = 0; t < 2; t++)
    ts.emplace_back([&, t] {
      for (int round = 0; round < 500; round++)
        nmt::pool_for(0, 64, 1, [&](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; i++) sums[t] += i;
        });
    });
  for (auto &t : ts) t.join();
  for (int t = 0; t < 2; t++)
    if (sums[t] != 500 * 2016) fail("two threads: sum of the indices", sums[t], 500 * 2016);

  if (failures > 0) {
    std::printf("%d failures\n", failures);
    return 1;
  }
  std::printf("PASS\n");
  return 0;
}
