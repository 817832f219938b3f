package kernel_test

import (
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/cgotest"
	"github.com/fixup-nmt/nmt/kernel"
)

// TestKernelTemporariesUnderGC runs a kernel on temporaries (values no Go
// variable holds after the call starts) while the collector and the
// finalizers run back to back, as package tch's TestTemporariesUnderGC
// does for gotch's ops: without runtime.KeepAlive in the kernel's Go
// function, a temporary's finalizer frees its C tensor while the kernel
// still reads it, and the tensors are large enough for glibc to unmap
// each one when freed, so the read is a segmentation fault. In a child
// process, since such a failure kills it.
func TestKernelTemporariesUnderGC(t *testing.T) {
	if !cgotest.UnderGC(t) {
		return
	}
	xw := ts.MustOnes([]int64{4, 3 << 20}, gotch.Float, gotch.CPU)
	var i int
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); i++ {
		z, err := kernel.Linear(xw, ts.MustOnes([]int64{2, 3 << 20}, gotch.Float, gotch.CPU), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := cgotest.WantSum(z, 4*2*(3<<20)); err != nil {
			t.Fatalf("iteration %d, Linear: %v", i, err)
		}
		z.MustDrop()
	}
	t.Logf("%d products of temporaries under a running collector", i)
}
