package kernel_test

import (
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// TestCPUCache: a freed block of 1 MiB or more is handed out again (a hit)
// for a tensor of the same size class, 64-byte aligned, with the new
// tensor's own contents; small tensors bypass the cache.
func TestCPUCache(t *testing.T) {
	tch.LockThread()
	if !kernel.EnableCPUCache() {
		v := tch.HeaderVersion()
		if !strings.HasPrefix(v, "1.") && !strings.HasPrefix(v, "2.0") && !strings.HasPrefix(v, "2.1") && !strings.HasPrefix(v, "2.2") {
			t.Skipf("no CPU cache for libtorch %s (built for the interface before 2.3)", v)
		}
		t.Fatalf("the CPU cache did not install on libtorch %s", v)
	}
	s := ts.NewScope()
	defer s.Close()
	n := int64(1 << 19) // 2 MiB of float32
	_, h0, m0 := kernel.CPUCacheStats()
	x := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU)
	p := uintptr(x.MustDataPtr())
	x.MustDrop()
	cached, h1, m1 := kernel.CPUCacheStats()
	if m1 != m0+1 || h1 != h0 || cached < 4*n {
		t.Fatalf("after one 2 MiB tensor: hits %d->%d, misses %d->%d, cached %d", h0, h1, m0, m1, cached)
	}
	y := ts.MustZeros([]int64{n - 100}, gotch.Float, gotch.CPU) // same size class
	q := uintptr(y.MustDataPtr())
	_, h2, _ := kernel.CPUCacheStats()
	if h2 != h1+1 || q != p {
		t.Fatalf("the freed block was not reused: hits %d->%d, pointer %x then %x", h1, h2, p, q)
	}
	if q%64 != 0 {
		t.Errorf("data pointer %x not 64-byte aligned", q)
	}
	if sum := y.MustSum(gotch.Float, false).Float64Values()[0]; sum != 0 {
		t.Errorf("reused block: zeros sum to %v", sum)
	}
	_, h3, m3 := kernel.CPUCacheStats()
	small := ts.MustOnes([]int64{1000}, gotch.Float, gotch.CPU)
	small.MustDrop()
	if _, h4, m4 := kernel.CPUCacheStats(); h4 != h3 || m4 != m3 {
		t.Errorf("a 4 kB tensor went through the cache: hits %d->%d, misses %d->%d", h3, h4, m3, m4)
	}
}
