package transformer

import (
	"math"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// TestDropoutMask: the CPU masks drop a fraction p (within 4 standard
// deviations), scale the rest by 1/(1-p), repeat under the same seed and
// differ under another, and the gradient is the mask.
func TestDropoutMask(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	const n, p = 1 << 18, 0.3
	mask := func(seed int64) []float32 {
		seedDropout(seed)
		m := make([]float32, n+1) // odd length: the tail element too
		fillMask(m, p)
		return m
	}
	a, b, c := mask(1), mask(1), mask(2)
	zeros, same, differ := 0, true, false
	for i := range a {
		switch a[i] {
		case 0:
			zeros++
		case float32(1 / (1 - p)):
		default:
			t.Fatalf("mask[%d] = %v", i, a[i])
		}
		same = same && a[i] == b[i]
		differ = differ || a[i] != c[i]
	}
	sd := math.Sqrt(float64(len(a)) * p * (1 - p))
	if d := math.Abs(float64(zeros) - p*float64(len(a))); d > 4*sd {
		t.Errorf("%d of %d dropped, want %.0f ± %.0f", zeros, len(a), p*float64(len(a)), 4*sd)
	}
	if !same || !differ {
		t.Errorf("same seed same mask %v, other seed other mask %v", same, differ)
	}

	x := ts.MustOnes([]int64{64, 33}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, false)
	ManualSeed(7)
	y := dropout(x.MustShallowClone(), p, true) // dropout frees its input handle
	y.MustSum(gotch.Float, false).MustBackward()
	got, want := float32s(x.MustGrad(false)), float32s(y)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("grad[%d] = %v, mask %v", i, got[i], want[i])
		}
	}
	if dropout(x, p, false) != x || dropout(x, 0, true) != x { // returned as is, not freed
		t.Error("dropout off should return its input")
	}
}

func float32s(t *ts.Tensor) []float32 {
	v := make([]float32, t.Numel())
	t.MustContiguous(false).MustCopyData(v, uint(len(v)))
	return v
}

// BenchmarkFillMask: nanoseconds per mask element (libtorch's CPU
// bernoulli_ takes about 10).
func BenchmarkFillMask(b *testing.B) {
	m := make([]float32, 64*32*256)
	b.SetBytes(int64(4 * len(m)))
	for i := 0; i < b.N; i++ {
		fillMask(m, 0.3)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(m)), "ns/element")
}
