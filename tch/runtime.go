package tch

// #cgo CFLAGS: -I${SRCDIR}/../csrc
// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -ltch
// #define _GNU_SOURCE
// #include <dlfcn.h>
// #include <stdlib.h>
// #include "tch/tch.h"
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
	"strings"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// LockThread wires the calling goroutine to its OS thread for good. Call it
// first in any goroutine that runs torch code (tests included).
func LockThread() { runtime.LockOSThread() }

// SetThreads sets libtorch's intra-op thread count; n <= 0 leaves it.
// kernel.SetThreads sets it together with the pool of nmt's kernels,
// which is what commands and tests want.
func SetThreads(n int) {
	if n > 0 {
		C.nmt_set_num_threads(C.int(n))
	}
}

// Threads returns libtorch's intra-op thread count.
func Threads() int { return int(C.nmt_get_num_threads()) }

// SerialTorch runs f with libtorch's own parallel loops held to one thread
// (the pool of nmt's kernels keeps its threads): for work made of small
// ops between large kernels, like a decoding step, where waking
// libtorch's sleeping threads for each op costs more than the op. f runs
// on the calling goroutine, wired to its OS thread meanwhile (the limit is
// the thread's).
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
// thread whose arena glibc trims regardless). It reports whether glibc
// took the settings. kernel.Apply calls it unless NMT_MALLOC=default.
func TuneMalloc() bool { return C.nmt_tune_malloc() == 1 }

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

// ClearGrads drops the gradients of params (PyTorch's
// zero_grad(set_to_none=True)): the next backward writes them afresh,
// which saves zeroing them and then adding to the zeros.
func ClearGrads(params []*ts.Tensor) {
	if len(params) == 0 {
		return
	}
	WithHandles(func(arr *unsafe.Pointer) error {
		C.nmt_clear_grads(arr, C.int64_t(len(params)))
		return nil
	}, params)
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
