package kernel

// #include "alloc/alloc.h"
import "C"

// enableCPUCache makes libtorch allocate CPU tensors of 1 MiB and more
// through nmt's caching allocator (csrc/alloc), which keeps up to limit
// bytes of freed blocks for reuse, like libtorch's CUDA caching allocator.
// It reports whether the cache is in use (it is built for libtorch's
// allocator interface before 2.3). Apply calls it as Settings say.
func enableCPUCache(limit int64) bool { return C.nmt_cpu_cache_enable(C.longlong(limit)) == 1 }

// CPUCacheStats returns the bytes the CPU cache holds free and how many
// allocations it served from the cache (hits) and from malloc (misses).
func CPUCacheStats() (cached, hits, misses int64) {
	var c, h, m C.longlong
	C.nmt_cpu_cache_stats(&c, &h, &m)
	return int64(c), int64(h), int64(m)
}
