package transformer_test

import (
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// combos is every valid norm/init pair.
var combos = []struct{ norm, init string }{
	{"post", "default"}, {"pre", "default"}, {"none", "default"},
	{"none", "fixup"}, {"none", "t-fixup"}, {"post", "deepnorm"}, {"none", "rezero"},
}

// tiny returns a small config for tests.
func tiny(norm, init string) transformer.Config {
	c := transformer.DefaultConfig()
	c.EncoderLayers, c.DecoderLayers = 2, 3
	c.Dim, c.FFNDim, c.Heads = 16, 24, 4
	c.Dropout = 0.1
	c.SrcVocab, c.TgtVocab = 30, 25
	c.MaxPositions = 64
	c.Norm, c.Init = norm, init
	return c
}

func build(t testing.TB, c transformer.Config, seed int64) (*nn.VarStore, *transformer.Model) {
	t.Helper()
	tch.LockThread() // subtests run on their own goroutines
	vs := nn.NewVarStore(gotch.CPU)
	transformer.ManualSeed(seed)
	m, err := fixup.New(vs.Root(), c)
	if err != nil {
		t.Fatal(err)
	}
	return vs, m
}

// perturb adds N(0, 0.05^2) noise to every parameter (in name order, so
// a seed gives the same model), which puts zero-initialised branches, rezero
// gates and fixup scalars away from their inits so that equalities are not
// trivial.
func perturb(vs *nn.VarStore, seed int64) {
	transformer.ManualSeed(seed)
	vars := vs.Variables()
	ts.NoGrad(func() {
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			v := vars[k] // a copy of the handle: write through it with Copy_ only
			n := ts.MustRandn(v.MustSize(), gotch.Float, gotch.CPU).MustMulScalar(ts.FloatScalar(0.05), true)
			x := v.MustAdd(n, false)
			v.Copy_(x)
			n.MustDrop()
			x.MustDrop()
		}
	})
}

// tol is 1e-5 relative to the size of the values compared (at least 1e-5
// absolute): unnormalised models have log-probabilities in the hundreds.
func tol(want *ts.Tensor) float64 {
	m := want.MustAbs(false).MustMax(true)
	defer m.MustDrop()
	return 1e-5 * math.Max(1, m.Float64Values()[0])
}

func ids(rows [][]int64) *ts.Tensor {
	var flat []int64
	for _, r := range rows {
		flat = append(flat, r...)
	}
	return ts.MustOfSlice(flat).MustView([]int64{int64(len(rows)), int64(len(rows[0]))}, true)
}

func maxAbsDiff(a, b *ts.Tensor) float64 {
	d := a.MustSub(b, false).MustAbs(true).MustMax(true)
	v := d.Float64Values()[0]
	d.MustDrop()
	return v
}

func values(t *ts.Tensor) []float64 { return t.Float64Values() }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
