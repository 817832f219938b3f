package kernel

// #include "pool/pool.h"
import "C"

import "github.com/fixup-nmt/nmt/tch"

// SetThreads sets libtorch's intra-op thread count and that of the pool
// of nmt's kernels (csrc/pool); n <= 0 leaves them.
func SetThreads(n int) {
	if n > 0 {
		tch.SetThreads(n)
		C.nmt_pool_set_threads(C.int(n))
	}
}

// PoolThreads returns how many threads one parallel loop on the pool of
// nmt's kernels (the linear layers, attention, search and norm kernels)
// uses.
func PoolThreads() int { return int(C.nmt_pool_threads_used()) }

// OpenMPThreads returns how many threads one parallel loop of the kernels
// that run on libtorch's OpenMP loops (loss, Adam) uses: tch.Threads()
// when they were built with OpenMP, as setup builds them where libtorch
// loads libgomp, else 1.
func OpenMPThreads() int { return int(C.nmt_kernel_threads()) }

// setPoolSpin sets how long an idle pool worker spins before it sleeps
// (Settings.PoolSpinUS).
func setPoolSpin(us int) { C.nmt_pool_set_spin_us(C.long(us)) }

// poolRethrows reports whether an exception in one task of a pool loop
// reaches the loop's caller after the other tasks ran (for tests).
func poolRethrows() bool { return C.nmt_pool_rethrows() == 1 }
