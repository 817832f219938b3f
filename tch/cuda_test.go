package tch_test

import (
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// TestCUDATrainStep runs forward, backward and Adam steps of a small model
// on the first GPU. It skips where no CUDA device is visible (run it on a
// GPU machine against a CUDA build of the glue; see docs/foundation.md).
func TestCUDATrainStep(t *testing.T) {
	tch.LockThread()
	if len(tch.CUDADevices()) == 0 {
		t.Skip("no CUDA device")
	}
	dev, err := tch.ParseDevice("auto")
	if err != nil || dev == gotch.CPU {
		t.Fatalf("ParseDevice(auto) = %v, %v; want a CUDA device", dev, err)
	}
	m := newMLPOn(t, dev)
	first := m.step()
	var last float64
	for i := 0; i < 50; i++ {
		last = m.step()
	}
	if !(last < first) {
		t.Fatalf("loss on %v: %g -> %g, want it to fall", dev, first, last)
	}
	if d := m.w1.MustDevice(); d != dev {
		t.Fatalf("parameter on %v, want %v", d, dev)
	}
	t.Logf("devices %v; loss on %v %g -> %g", tch.CUDADevices(), dev, first, last)
	_ = ts.None
}
