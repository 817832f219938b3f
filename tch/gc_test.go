package tch_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/cgotest"
	"github.com/fixup-nmt/nmt/tch"
)

// The tests here reproduce the two defects of the Go/C boundary that
// crashed training (../shared/STYLE.md, "The Go/C boundary"). Each runs
// its work in a child process (the test binary run again), because the
// failures they guard against kill the process: a fatal error of the Go
// runtime, or a segmentation fault in libtorch.

// TestHandleArrayUnderGC fills C arrays of tensor handles (WithHandles)
// while the collector runs, with the C heap poisoned so that each array
// malloc returns holds addresses inside freed spans of the Go heap. A
// store of a pointer type into such memory runs the write barrier on the
// slot's old contents, and the runtime aborts with "fatal error: found bad
// pointer in Go heap" (golang/go#19928); WithHandles stores integers.
func TestHandleArrayUnderGC(t *testing.T) {
	if !cgotest.InChild(t) {
		cgotest.RunChild(t, "GOGC=1")
		return
	}
	// Addresses in the Go heap that are garbage: big objects, dropped,
	// collected and swept.
	var garbage []uintptr
	func() {
		objs := make([][]byte, 64)
		for i := range objs {
			objs[i] = make([]byte, 256<<10)
			garbage = append(garbage, uintptr(unsafe.Pointer(&objs[i][0]))+4096)
		}
	}()
	runtime.GC()
	runtime.GC()

	xs := make([]*ts.Tensor, 16) // arrays of 16 handles: 128-byte mallocs
	for i := range xs {
		xs[i] = ts.MustZeros([]int64{1}, gotch.Float, gotch.CPU)
	}
	stop := make(chan struct{})
	defer close(stop)
	cgotest.GCLoop(stop)
	n := 0
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); n++ {
		cgotest.PoisonCHeap(garbage, 16*8, 8)
		err := tch.WithHandles(func(arr *unsafe.Pointer) error {
			if got := unsafe.Slice(arr, len(xs))[len(xs)-1]; got != xs[len(xs)-1].Ctensor() {
				return fmt.Errorf("array holds %p, want %p", got, xs[len(xs)-1].Ctensor())
			}
			return nil
		}, xs)
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d handle arrays filled from a poisoned C heap under a running collector", n)
}

// TestTemporariesUnderGC runs ops whose arguments are temporaries (values
// no Go variable holds after the call starts) while the collector and the
// finalizers run back to back. Without runtime.KeepAlive in the op, a
// temporary's finalizer frees its C tensor while libtorch is still reading
// it: the tensors are large enough for glibc to map each one on its own and
// unmap it when freed, so a read after the free is a segmentation fault,
// not a silently stale value. The ops here are gotch's generated ones
// (Add); package kernel's TestKernelTemporariesUnderGC does the same for
// nmt's kernels.
func TestTemporariesUnderGC(t *testing.T) {
	if !cgotest.UnderGC(t) {
		return
	}
	const n = 12 << 20 // 48 MB of float32: above glibc's largest mmap threshold
	x := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU)
	var i int
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); i++ {
		y := x.MustAdd(ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU), false)
		if err := cgotest.WantSum(y, 2*n); err != nil {
			t.Fatalf("iteration %d, Add: %v", i, err)
		}
		y.MustDrop()
	}
	t.Logf("%d rounds of ops on temporaries under a running collector", i)
}
