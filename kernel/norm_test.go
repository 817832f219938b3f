package kernel_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// AddLayerNorm against libtorch's LayerNorm(alpha*x + y), with and without
// alpha, rows enough to be split across threads; with gradients wanted it
// gives libtorch's gradients too; bad shapes are errors.
func TestAddLayerNorm(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3)
	s := ts.NewScope()
	defer s.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	for _, tc := range []struct {
		sizes []int64
		alpha float64
	}{{[]int64{3, 16}, 1}, {[]int64{2, 50, 64}, 1}, {[]int64{500, 512}, 2.5}} {
		d := tc.sizes[len(tc.sizes)-1]
		x, y := randTensor(rng, tc.sizes...), randTensor(rng, tc.sizes...)
		w, b := randTensor(rng, d), randTensor(rng, d)
		want := ts.MustLayerNorm(x.MustMulScalar(ts.FloatScalar(tc.alpha), false).MustAdd(y, true), []int64{d}, w, b, 1e-5, false)
		got, err := kernel.AddLayerNorm(x, y, tc.alpha, w, b, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, fmt.Sprint("add layer norm ", tc.sizes), got.Float64Values(), want.Float64Values())
	}
	// With a gradient wanted: libtorch's ops, so the same gradients.
	x := randTensor(rng, 4, 8).MustSetRequiresGrad(true, true)
	y, w, b := randTensor(rng, 4, 8), randTensor(rng, 8), randTensor(rng, 8)
	got, err := kernel.AddLayerNorm(x, y, 1, w, b, 1e-5)
	if err != nil {
		t.Fatal(err)
	}
	got.MustSum(gotch.Float, true).MustBackward()
	g1 := x.MustGrad(false).Float64Values()
	tch.ClearGrads([]*ts.Tensor{x})
	ts.MustLayerNorm(x.MustAdd(y, false), []int64{8}, w, b, 1e-5, false).MustSum(gotch.Float, true).MustBackward()
	closeTo(t, "add layer norm, gradient", g1, x.MustGrad(false).Float64Values())
	for _, bad := range [][2][]int64{{{3, 12}, {3, 12}}, {{3, 16}, {3, 8}}} {
		d := bad[0][1]
		if _, err := kernel.AddLayerNorm(randTensor(rng, bad[0]...), randTensor(rng, bad[1]...), 1, randTensor(rng, d), randTensor(rng, d), 1e-5); err == nil {
			t.Errorf("x %v, y %v: no error", bad[0], bad[1])
		}
	}
}
