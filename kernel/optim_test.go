package kernel_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// AdamStep against fairseq's update in float64 over three steps: two
// parameters, one large enough to be split across threads, one gradient
// a non-contiguous view, with weight decay; mismatched slices and a
// moment of another size are errors.
func TestAdamStep(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3)
	s := ts.NewScope()
	defer s.Close()
	const b1, b2, eps = 0.9, 0.98, 1e-8
	rng := rand.New(rand.NewPCG(3, 3))
	sizes := []int64{7, 1 << 17}
	var ps, ms, vs []*ts.Tensor
	var want, wm, wv [][]float64
	for _, n := range sizes {
		p := randTensor(rng, n)
		ps, ms, vs = append(ps, p), append(ms, ts.MustZeros([]int64{n}, gotch.Float, gotch.CPU)), append(vs, ts.MustZeros([]int64{n}, gotch.Float, gotch.CPU))
		want, wm, wv = append(want, p.Float64Values()), append(wm, make([]float64, n)), append(wv, make([]float64, n))
	}
	for step, lr := range []float64{1e-3, 5e-4, 2e-3} {
		grads := []*ts.Tensor{
			randTensor(rng, 2, sizes[0]).MustSelect(0, 1, true), // a row of a [2, n]: contiguous
			randTensor(rng, sizes[1], 2).MustSelect(1, 0, true), // a column: strided
		}
		const wd = 0.01
		k := float64(step + 1)
		stepSize := lr * math.Sqrt(1-math.Pow(b2, k)) / (1 - math.Pow(b1, k))
		decay := 1 - wd*lr
		for i, g := range grads {
			for j, gj := range g.Float64Values() {
				wm[i][j] = b1*wm[i][j] + (1-b1)*gj
				wv[i][j] = b2*wv[i][j] + (1-b2)*gj*gj
				want[i][j] = want[i][j]*decay - stepSize*wm[i][j]/(math.Sqrt(wv[i][j])+eps)
			}
		}
		if err := kernel.AdamStep(ps, grads, ms, vs, b1, b2, eps, decay, stepSize); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range ps {
		within(t, "parameter", p.Float64Values(), want[i], 1e-5)
		within(t, "first moment", ms[i].Float64Values(), wm[i], 1e-5)
		within(t, "second moment", vs[i].Float64Values(), wv[i], 1e-5)
	}
	if err := kernel.AdamStep(ps, ps[:1], ms, vs, b1, b2, eps, 1, 1); err == nil || !strings.Contains(err.Error(), "2 parameters, 1 gradients") {
		t.Errorf("1 gradient for 2 parameters: err = %v", err)
	}
	if err := kernel.AdamStep(ps[:1], ps[:1], vs[1:], ms[:1], b1, b2, eps, 1, 1); err == nil || !strings.Contains(err.Error(), "first moment 0 is not a contiguous CPU float tensor of 7 elements") {
		t.Errorf("a moment of another size: err = %v", err)
	}
}
