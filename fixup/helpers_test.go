package fixup_test

import (
	"math"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

func cfg(enc, dec, dim int, norm, init string) transformer.Config {
	c := transformer.DefaultConfig()
	c.EncoderLayers, c.DecoderLayers = enc, dec
	c.Dim, c.FFNDim, c.Heads = dim, 2*dim, 4
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

// scaledBy reports whether got == s*base elementwise (float32 rounding).
func scaledBy(got, base *ts.Tensor, s float64) bool {
	want := base.MustMulScalar(ts.FloatScalar(s), false)
	defer want.MustDrop()
	return got.MustAllclose(want, 1e-6, 1e-9, false, false)
}

func allEqual(t *ts.Tensor, v float64) bool {
	for _, x := range t.Float64Values() {
		if x != v {
			return false
		}
	}
	return true
}

func maxAbs(t *ts.Tensor) float64 {
	m := 0.0
	for _, x := range t.Float64Values() {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func std(t *ts.Tensor) float64 {
	v := t.Float64Values()
	var s, s2 float64
	for _, x := range v {
		s += x
		s2 += x * x
	}
	n := float64(len(v))
	return math.Sqrt(s2/n - (s/n)*(s/n))
}
