package tch

// #cgo CFLAGS: -I${SRCDIR}/../csrc
// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -ltch
// #define _GNU_SOURCE
// #include <dlfcn.h>
// #include <stdlib.h>
// #include "nmt_api.h"
//
// // OpenBLAS names the kernels it picked; other BLAS libraries lack the call.
// static const char *nmt_openblas_corename(void) {
// 	char *(*f)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
// 	return f ? f() : NULL;
// }
import "C"

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// LockThread wires the calling goroutine to its OS thread for good. Call it
// first in any goroutine that runs torch code (tests included).
func LockThread() { runtime.LockOSThread() }

// SetThreads sets libtorch's intra-op thread count and that of nmt's own
// kernels' pool (csrc/nmt_pool.h); n <= 0 leaves them.
func SetThreads(n int) {
	if n > 0 {
		C.nmt_set_num_threads(C.int(n))
	}
}

// DefaultThreads returns $NMT_THREADS when set to a positive number, else
// the number of CPUs. libtorch starts with one thread on some machines.
func DefaultThreads() int {
	if v, err := strconv.Atoi(os.Getenv("NMT_THREADS")); err == nil && v > 0 {
		return v
	}
	return runtime.NumCPU()
}

// Threads returns libtorch's intra-op thread count.
func Threads() int { return int(C.nmt_get_num_threads()) }

// KernelThreads returns how many threads one parallel loop of nmt's own
// CPU kernels (csrc/) uses: Threads() when they were built with OpenMP, as
// setup builds them where libtorch loads libgomp, else 1.
func KernelThreads() int { return int(C.nmt_kernel_threads()) }

// PoolThreads returns how many threads one parallel loop on the pool of
// nmt's kernels (the linear layers, attention and search kernels) uses.
func PoolThreads() int { return int(C.nmt_pool_threads_used()) }

// poolRethrows reports whether an exception in one task of a pool loop
// reaches the loop's caller (for tests).
func poolRethrows() bool { return C.nmt_pool_rethrows() == 1 }

// SerialTorch runs f with libtorch's own parallel loops held to one thread
// while nmt's kernels keep their pool: for work made of small ops between
// large kernels, like a decoding step, where waking libtorch's sleeping
// threads for each op costs more than the op. f runs on the calling
// goroutine, wired to its OS thread meanwhile (the limit is the thread's).
func SerialTorch(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prev := C.nmt_set_torch_local_threads(1)
	defer C.nmt_set_torch_local_threads(prev)
	f()
}

// HeaderVersion returns the version libtorch's headers declare.
func HeaderVersion() string { return C.GoString(C.nmt_torch_version()) }

// BuildConfig returns libtorch's build configuration (torch::show_config).
func BuildConfig() string {
	p := C.nmt_config()
	defer C.free(unsafe.Pointer(p))
	return C.GoString(p)
}

// CUDADevices returns the names of the visible CUDA devices; none when
// libtorch has no CUDA or no device is present.
func CUDADevices() []string {
	n := int(C.nmt_cuda_device_count())
	out := make([]string, n)
	for i := range out {
		p := C.nmt_cuda_device_name(C.int(i))
		out[i] = "cuda:" + itoa(i)
		if p != nil {
			out[i] += " " + C.GoString(p)
			C.free(unsafe.Pointer(p))
		}
	}
	return out
}

// TuneMalloc stops glibc malloc from unmapping and trimming the large
// blocks libtorch frees and reallocates every step (about 90k page faults
// per training step of the small model otherwise). It is what
// MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=<large> does from the
// environment, with MALLOC_ARENA_MAX=1 too (torch code may run on a
// thread whose arena glibc trims regardless). NMT_MALLOC=default leaves
// malloc alone.
//
// It also puts CPU tensors of 1 MiB and more on nmt's caching allocator
// (csrc/nmt_cpu_cache.cpp; EnableCPUCache), since glibc still returns
// memory to the kernel in this pattern often enough to cost a large and
// erratic share of a step in page faults.
func TuneMalloc() bool {
	if os.Getenv("NMT_MALLOC") == "default" {
		return false
	}
	EnableCPUCache()
	return C.nmt_tune_malloc() == 1
}

// EnableCPUCache makes libtorch allocate CPU tensors of 1 MiB and more
// through nmt's caching allocator, which keeps up to NMT_CPU_CACHE_MB MiB
// of freed blocks for reuse, like libtorch's CUDA caching allocator (by
// default 4096 MiB, or a quarter of the machine's memory if that is
// less). NMT_CPU_CACHE=0 leaves libtorch's allocator alone. It reports
// whether the cache is in use.
func EnableCPUCache() bool {
	if os.Getenv("NMT_CPU_CACHE") == "0" {
		return false
	}
	mb := int64(4096)
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		mb = min(mb, int64(si.Totalram)*int64(si.Unit)/4>>20)
	}
	if v, err := strconv.ParseInt(os.Getenv("NMT_CPU_CACHE_MB"), 10, 64); err == nil && v >= 0 {
		mb = v
	}
	return C.nmt_cpu_cache_enable(C.longlong(mb<<20)) == 1
}

// CPUCacheStats returns the bytes the CPU cache holds free and how many
// allocations it served from the cache (hits) and from malloc (misses).
func CPUCacheStats() (cached, hits, misses int64) {
	var c, h, m C.longlong
	C.nmt_cpu_cache_stats(&c, &h, &m)
	return int64(c), int64(h), int64(m)
}

// BuiltWithCUDA reports whether the glue library links a CUDA libtorch.
func BuiltWithCUDA() bool { return C.nmt_built_with_cuda() != 0 }

// BLASCore returns the name of the kernels OpenBLAS picked for this CPU
// (e.g. "Haswell", "SkylakeX"; OPENBLAS_CORETYPE overrides its choice), or
// "" when the BLAS in use is not OpenBLAS.
func BLASCore() string {
	if p := C.nmt_openblas_corename(); p != nil {
		return strings.TrimSpace(C.GoString(p))
	}
	return ""
}

// LoadedLibraries returns the resolved paths of the shared libraries
// mapped into this process whose base names contain one of the given
// substrings, e.g. "blas", "torch".
func LoadedLibraries(substr ...string) []string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasPrefix(fields[5], "/") {
			continue
		}
		path := fields[5]
		base := filepath.Base(path)
		for _, s := range substr {
			if strings.Contains(base, s) && !seen[path] {
				seen[path] = true
				out = append(out, path)
			}
		}
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
