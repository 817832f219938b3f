package train_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/cgotest"
	"github.com/fixup-nmt/nmt/train"
)

// TestAllVarsUnderGC reads the tensors AllVars returns after their
// VarStore is unreachable, while the collector and the finalizers run back
// to back: the tensors are copies of the store's (gotch's Variables), and
// the store's own carry the finalizers that free the C tensors, so
// without AllVars keeping the store alive as long as its copies, a read
// uses a freed tensor (nmt model's summary and a test's checkpoint writer
// did that). In a child process, since such a failure kills it.
func TestAllVarsUnderGC(t *testing.T) {
	if !cgotest.UnderGC(t) {
		return
	}
	var i int
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); i++ {
		ps := storeVars(i)
		for _, p := range ps {
			if err := cgotest.WantSum(p.T, float64(i)*64); err != nil {
				t.Fatalf("round %d, %s: %v", i, p.Name, err)
			}
		}
	}
	t.Logf("%d stores read through AllVars after they were unreachable", i)
}

// storeVars builds a VarStore of 32 variables of 64 values, each value v,
// and returns AllVars of it: nothing else holds the store.
func storeVars(v int) []train.Param {
	vs := nn.NewVarStore(gotch.CPU)
	for j := 0; j < 32; j++ {
		vs.Root().MustOnesNoTrain(fmt.Sprintf("w%d", j), []int64{64})
	}
	ts.NoGrad(func() {
		for _, p := range train.AllVars(vs) {
			p.T.MustFill_(ts.FloatScalar(float64(v)))
		}
	})
	return train.AllVars(vs)
}
