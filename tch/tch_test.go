package tch_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

func TestTensorOp(t *testing.T) {
	tch.LockThread()
	a := ts.MustOfSlice([]float32{1, 2, 3, 4}).MustView([]int64{2, 2}, true)
	b := ts.MustOfSlice([]float32{5, 6, 7, 8}).MustView([]int64{2, 2}, true)
	c := a.MustMatmul(b, false)
	got := c.Float64Values()
	want := []float64{19, 22, 43, 50}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("matmul = %v, want %v", got, want)
		}
	}
}

func TestAutogradBackward(t *testing.T) {
	tch.LockThread()
	x := ts.MustOfSlice([]float64{1, 2, 3}).MustSetRequiresGrad(true, false)
	// y = sum(x^2) => dy/dx = 2x
	y := x.MustMul(x, false).MustSum(gotch.Double, true)
	y.MustBackward()
	g := x.MustGrad(false).Float64Values()
	for i, v := range []float64{2, 4, 6} {
		if math.Abs(g[i]-v) > 1e-12 {
			t.Fatalf("grad = %v, want [2 4 6]", g)
		}
	}
}

func TestOptimizerStepLowersLoss(t *testing.T) {
	tch.LockThread()
	vs := nn.NewVarStore(gotch.CPU)
	w := vs.Root().MustZeros("w", []int64{3})
	target := ts.MustOfSlice([]float32{1, -2, 0.5})
	opt, err := nn.DefaultAdamConfig().Build(vs, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	loss := func() *ts.Tensor {
		return w.MustSub(target, false).MustSquare(true).MustSum(gotch.Float, true)
	}
	first := loss().Float64Values()[0]
	for i := 0; i < 20; i++ {
		s := ts.NewScope()
		opt.MustZeroGrad()
		l := loss()
		l.MustBackward()
		opt.MustStep()
		s.Close()
	}
	last := loss().Float64Values()[0]
	if !(last < first/2) {
		t.Fatalf("loss %g -> %g after 20 Adam steps, want it at least halved", first, last)
	}
}

func TestVarStoreSaveLoad(t *testing.T) {
	tch.LockThread()
	path := filepath.Join(t.TempDir(), "vs.ot")
	a := nn.NewVarStore(gotch.CPU)
	a.Root().MustNewVar("w", []int64{4, 5}, nn.NewRandnInit(0, 1))
	a.Root().Sub("sub").MustNewVar("b", []int64{5}, nn.NewRandnInit(0, 1))
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	b := nn.NewVarStore(gotch.CPU)
	b.Root().MustZeros("w", []int64{4, 5})
	b.Root().Sub("sub").MustZeros("b", []int64{5})
	if err := b.Load(path); err != nil {
		t.Fatal(err)
	}
	av, bv := a.Variables(), b.Variables()
	if len(av) != 2 || len(bv) != 2 {
		t.Fatalf("variables: %d and %d, want 2", len(av), len(bv))
	}
	for name, x := range av {
		y := bv[name]
		if !x.MustEqual(&y, false) {
			t.Errorf("%s differs after save and load", name)
		}
	}
}

// An op that this libtorch lacks was replaced by a stub at setup: calling it
// must give an error naming it, not crash the process.
func TestStubbedOpReturnsError(t *testing.T) {
	tch.LockThread()
	stubs, err := os.ReadFile("../build/stubbed-ops.txt")
	if err != nil || !strings.Contains(string(stubs), "atg_scaled_dot_product_attention\n") {
		t.Skip("this libtorch has scaled_dot_product_attention: nothing stubbed to test")
	}
	q := ts.MustOnes([]int64{1, 2, 4}, gotch.Float, gotch.CPU)
	_, err = ts.ScaledDotProductAttention(q, q, q, nil, 0, false, nil)
	if err == nil || !strings.Contains(err.Error(), "not available in this libtorch") {
		t.Fatalf("err = %v, want a 'not available in this libtorch' error", err)
	}
	// And through a Must* call: a panic that Catch turns into an error.
	err = tch.Catch(func() error {
		ts.MustScaledDotProductAttention(q, q, q, nil, 0, false, nil)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "atg_scaled_dot_product_attention: not available") {
		t.Fatalf("Catch err = %v", err)
	}
}

func TestNoGradRestoresState(t *testing.T) {
	tch.LockThread()
	prev := ts.MustGradSetEnabled(false)
	defer ts.MustGradSetEnabled(prev)
	ts.NoGrad(func() {})
	if now := ts.MustGradSetEnabled(false); now {
		t.Fatal("NoGrad switched gradients on when they were off before it")
	}
}

func TestScopeFreesTensors(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	a := ts.MustOnes([]int64{3}, gotch.Float, gotch.CPU)
	b := a.MustAdd(a, false)
	keep := s.Keep(b.MustMul(b, false))
	s.Close()
	if got := keep.Float64Values(); got[0] != 4 {
		t.Fatalf("kept tensor = %v, want 4s", got)
	}
}

func TestParseDevice(t *testing.T) {
	for _, bad := range []string{"gpu", "cuda:x", "cuda:-1"} {
		if _, err := tch.ParseDevice(bad); err == nil {
			t.Errorf("ParseDevice(%q): want error", bad)
		}
	}
	if d, err := tch.ParseDevice("cpu"); err != nil || d != gotch.CPU {
		t.Errorf("ParseDevice(cpu) = %v, %v", d, err)
	}
	if len(tch.CUDADevices()) == 0 {
		if _, err := tch.ParseDevice("cuda"); err == nil {
			t.Error("ParseDevice(cuda) with no GPU: want error")
		}
		if d, _ := tch.ParseDevice("auto"); d != gotch.CPU {
			t.Errorf("auto without GPU = %v, want cpu", d)
		}
	}
}

func TestBLASCore(t *testing.T) {
	core := tch.BLASCore()
	if len(tch.LoadedLibraries("openblas")) == 0 {
		if core != "" {
			t.Fatalf("tch.BLASCore() = %q without OpenBLAS loaded", core)
		}
		t.Skip("OpenBLAS not loaded")
	}
	if core == "" {
		t.Fatal("OpenBLAS is loaded but tch.BLASCore() is empty")
	}
	if want := os.Getenv("OPENBLAS_CORETYPE"); want != "" && !strings.EqualFold(core, want) {
		t.Errorf("tch.BLASCore() = %q, OPENBLAS_CORETYPE=%q", core, want)
	}
}

func TestClearGrads(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	x := ts.MustOfSlice([]float32{1, 2, 3}).MustSetRequiresGrad(true, true)
	for i := 0; i < 2; i++ {
		x.MustMulScalar(ts.FloatScalar(2), false).MustSum(gotch.Float, true).MustBackward()
	}
	if g := x.MustGrad(false).Float64Values(); g[0] != 4 {
		t.Fatalf("accumulated gradient %v, want 4s", g)
	}
	tch.ClearGrads([]*ts.Tensor{x})
	if x.MustGrad(false).MustDefined() {
		t.Fatal("gradient still defined after ClearGrads")
	}
	x.MustMulScalar(ts.FloatScalar(3), false).MustSum(gotch.Float, true).MustBackward()
	if g := x.MustGrad(false).Float64Values(); g[0] != 3 || g[2] != 3 {
		t.Fatalf("gradient after ClearGrads %v, want 3s", g)
	}
}
