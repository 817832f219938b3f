package kernel_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sugarme/gotch/ts"
)

// withEngine runs f with engine set by configure (ConfigureGEMM,
// ConfigureInt8), restoring the one current (GEMM, Int8Engine) gave
// before; it skips where the engine cannot run here.
func withEngine(t *testing.T, current func() (string, string), configure func(string) (string, error), engine string, f func()) {
	t.Helper()
	before, _ := current()
	defer configure(before)
	if got, err := configure(engine); err != nil {
		t.Skip(err)
	} else if got != engine {
		t.Fatalf("configuring engine %q chose %q", engine, got)
	}
	f()
}

func randTensor(rng *rand.Rand, sizes ...int64) *ts.Tensor {
	n := int64(1)
	for _, s := range sizes {
		n *= s
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return ts.MustOfSlice(data).MustView(sizes, true)
}

// closeTo fails t unless got is want within 1e-4, relative to values
// above 1.
func closeTo(t *testing.T, what string, got, want []float64) { within(t, what, got, want, 1e-4) }

// within fails t unless got is want within tol, relative to values above
// 1.
func within(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}
