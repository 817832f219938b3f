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

// lossRef is fairseq's label-smoothed cross-entropy in float64 over
// logits x [N, V] (row-major) and targets t [N]: the summed loss and nll
// and the gradient of outGrad*loss with respect to x. With p = softmax(row),
// a = 1 - eps - eps/(V-1) and e = eps/(V-1), a row's gradient is
// a*(p - onehot(t)) + e*(V*p - 1), zero for padding rows.
func lossRef(x []float64, t []int64, v int, eps float64, pad int64, outGrad float64) (loss, nll float64, grad []float64) {
	e := eps / float64(v-1)
	a := 1 - eps - e
	grad = make([]float64, len(x))
	for r := range t {
		if t[r] == pad {
			continue
		}
		row := x[r*v : (r+1)*v]
		m := math.Inf(-1)
		for _, xi := range row {
			m = math.Max(m, xi)
		}
		var se, sum float64
		for _, xi := range row {
			se += math.Exp(xi - m)
			sum += xi
		}
		lse := m + math.Log(se)
		n := lse - row[t[r]]
		nll += n
		loss += a*n + e*(float64(v)*lse-sum)
		for j, xi := range row {
			p := math.Exp(xi - lse)
			g := a*p + e*(float64(v)*p-1)
			if int64(j) == t[r] {
				g -= a
			}
			grad[r*v+j] = outGrad * g
		}
	}
	return loss, nll, grad
}

// LabelSmoothedCE's loss, nll and logits' gradient against lossRef:
// padding rows, large logits (where a naive exp overflows), label
// smoothing on and off, an output gradient other than 1, rows enough to
// be split across threads; a target outside the vocabulary is an error.
func TestLabelSmoothedCE(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3)
	const b, tl, v, pad = 3, 70, 37, 1
	rng := rand.New(rand.NewPCG(5, 5))
	base := randTensor(rng, b, tl, v)
	target := make([]int64, b*tl)
	for i := range target {
		target[i] = int64((i*13 + 3) % v)
		if i%5 == 4 {
			target[i] = pad
		}
	}
	for _, tc := range []struct {
		name       string
		scale, eps float64
		outGrad    float64
	}{
		{"plain", 1, 0.1, 1},
		{"no smoothing", 3, 0, 1},
		{"large logits", 400, 0.1, 1},
		{"output gradient 2.5", 2, 0.1, 2.5},
	} {
		s := ts.NewScope()
		x := base.MustMulScalar(ts.FloatScalar(tc.scale), false).MustSetRequiresGrad(true, true)
		tt := ts.MustOfSlice(target).MustView([]int64{b, tl}, true)
		l, n, err := kernel.LabelSmoothedCE(x, tt, tc.eps, pad)
		if err != nil {
			t.Fatal(err)
		}
		l.MustMulScalar(ts.FloatScalar(tc.outGrad), false).MustBackward()
		wl, wn, wg := lossRef(x.MustDetach(false).Float64Values(), target, v, tc.eps, pad, tc.outGrad)
		gl, _ := l.Float64Value(nil)
		gn, _ := n.Float64Value(nil)
		within(t, tc.name+": loss, nll", []float64{gl, gn}, []float64{wl, wn}, 1e-5)
		within(t, tc.name+": gradient", x.MustGrad(false).Float64Values(), wg, 1e-5)
		s.Close()
	}
	s := ts.NewScope()
	defer s.Close()
	x := ts.MustZeros([]int64{2, 5}, gotch.Float, gotch.CPU)
	_, _, err := kernel.LabelSmoothedCE(x, ts.MustOfSlice([]int64{1, 5}), 0.1, 0)
	if err == nil || !strings.Contains(err.Error(), "target 5 at row 1 is outside the vocabulary of 5") {
		t.Errorf("a target outside the vocabulary: err = %v", err)
	}
	_, _, err = kernel.LabelSmoothedCE(x, ts.MustOfSlice([]int64{1, 2, 3}), 0.1, 0)
	if err == nil || !strings.Contains(err.Error(), "3 targets for 2 rows") {
		t.Errorf("3 targets for 2 rows: err = %v", err)
	}
}
