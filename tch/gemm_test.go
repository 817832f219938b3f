package tch_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// withGEMM runs f with the named engine and restores the engine in use
// before.
func withGEMM(t *testing.T, engine string, f func()) {
	t.Helper()
	before, _ := tch.GEMM()
	defer tch.ConfigureGEMM(before)
	if got, err := tch.ConfigureGEMM(engine); err != nil {
		t.Skip(err)
	} else if got != engine {
		t.Fatalf("ConfigureGEMM(%q) chose %q", engine, got)
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

func closeTo(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-4*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, libtorch %v", what, i, got[i], want[i])
		}
	}
}

// Linear's output and gradients (input, weight, bias) against libtorch's
// linear, with both engines: 2-D and 3-D inputs, with and without bias, a
// weight that is a row slice of a bigger one (as attention's key/value
// projection is) and one that is a transposed view; an in-place op on the
// output, as the FFN's activation; products split across threads.
func TestLinearMatchesLibtorch(t *testing.T) {
	tch.LockThread()
	defer tch.SetThreads(tch.Threads())
	tch.SetThreads(3) // the split across threads, whatever the machine
	for _, engine := range []string{tch.GEMMLibtorch, tch.GEMMOneDNN} {
		withGEMM(t, engine, func() {
			for _, tc := range []struct {
				name  string
				x     []int64
				n     int64
				bias  bool
				slice bool
				trans bool
			}{
				{"2-D", []int64{5, 7}, 3, true, false, false},
				{"3-D", []int64{2, 9, 16}, 40, true, false, false},
				{"no bias", []int64{4, 3, 8}, 24, false, false, false},
				{"row slice", []int64{6, 32}, 32, true, true, false},
				{"transposed", []int64{3, 12}, 10, false, false, true},
				// Big enough for the split across threads: along C's columns, then rows.
				{"split by columns", []int64{100, 256}, 520, true, false, false},
				{"split by rows", []int64{2, 300, 64}, 40, true, true, false},
			} {
				s := ts.NewScope()
				rng := rand.New(rand.NewPCG(uint64(tc.n), 7))
				k := tc.x[len(tc.x)-1]
				x := randTensor(rng, tc.x...).MustSetRequiresGrad(true, true)
				var w, wFull, b *ts.Tensor
				switch {
				case tc.slice:
					wFull = randTensor(rng, 3*tc.n, k).MustSetRequiresGrad(true, true)
					w = wFull.MustNarrow(0, tc.n, tc.n, false)
				case tc.trans:
					wFull = randTensor(rng, k, tc.n).MustSetRequiresGrad(true, true)
					w = wFull.MustT(false)
				default:
					wFull = randTensor(rng, tc.n, k).MustSetRequiresGrad(true, true)
					w = wFull
				}
				if tc.bias {
					b = randTensor(rng, tc.n).MustSetRequiresGrad(true, true)
				}
				params := []*ts.Tensor{x, wFull}
				if b != nil {
					params = append(params, b)
				}
				up := randTensor(rng, append(append([]int64{}, tc.x[:len(tc.x)-1]...), tc.n)...)
				run := func(lin func() *ts.Tensor) (out []float64, grads [][]float64) {
					tch.ClearGrads(params)
					y := lin()
					y.MustRelu_() // in place, as the FFN's activation
					out = y.Float64Values()
					y.MustMul(up, false).MustSum(gotch.Float, true).MustBackward()
					for _, p := range params {
						grads = append(grads, p.MustGrad(false).Float64Values())
					}
					return out, grads
				}
				got, gotG := run(func() *ts.Tensor { return tch.MustLinear(x, w, b) })
				want, wantG := run(func() *ts.Tensor { return ts.MustLinear(x, w, b) })
				closeTo(t, engine+" "+tc.name+" output", got, want)
				for i := range wantG {
					closeTo(t, engine+" "+tc.name+" gradient "+[]string{"x", "w", "b"}[i], gotG[i], wantG[i])
				}
				// Without gradients (decoding) the same output.
				ts.NoGrad(func() {
					closeTo(t, engine+" "+tc.name+" output without grad", tch.MustLinear(x, w, b).MustRelu(true).Float64Values(), want)
				})
				s.Close()
			}
		})
	}
}

func TestLinearBadShapes(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, engine := range []string{tch.GEMMLibtorch, tch.GEMMOneDNN} {
		withGEMM(t, engine, func() {
			x := ts.MustZeros([]int64{2, 4}, gotch.Float, gotch.CPU)
			w := ts.MustZeros([]int64{3, 5}, gotch.Float, gotch.CPU)
			if _, err := tch.Linear(x, w, nil); err == nil {
				t.Errorf("%s: x [2,4] by w [3,5]: no error", engine)
			}
			w = ts.MustZeros([]int64{3, 4}, gotch.Float, gotch.CPU)
			b := ts.MustZeros([]int64{2}, gotch.Float, gotch.CPU)
			if _, err := tch.Linear(x, w, b); err == nil {
				t.Errorf("%s: bias [2] for 3 outputs: no error", engine)
			}
		})
	}
}

func TestConfigureGEMM(t *testing.T) {
	before, _ := tch.GEMM()
	defer tch.ConfigureGEMM(before)
	if _, err := tch.ConfigureGEMM("mkl"); err == nil || !strings.Contains(err.Error(), "want auto, libtorch or onednn") {
		t.Errorf("NMT_GEMM=mkl: err = %v", err)
	}
	got, err := tch.ConfigureGEMM("auto")
	if err != nil {
		t.Fatal(err)
	}
	_, why := tch.GEMM()
	if _, err := tch.ConfigureGEMM("libtorch"); err != nil {
		t.Fatal(err)
	}
	if e, _ := tch.GEMM(); e != tch.GEMMLibtorch {
		t.Errorf("NMT_GEMM=libtorch: engine %q", e)
	}
	t.Logf("auto: %s (%s)", got, why)
}

// nmt's kernels run their loops on libtorch's threads: setup builds them
// with OpenMP (at::parallel_for is a header template, serial without it).
func TestKernelsUseThreads(t *testing.T) {
	tch.LockThread()
	defer tch.SetThreads(tch.Threads())
	tch.SetThreads(2)
	if got := tch.KernelThreads(); got != 2 {
		t.Fatalf("a parallel loop of nmt's kernels ran on %d threads with 2 set", got)
	}
}

// The pool of nmt's kernels follows SetThreads, keeps its threads while
// libtorch's own loops are held to one (SerialTorch), and hands a task's
// exception to the loop's caller.
func TestPoolThreads(t *testing.T) {
	tch.LockThread()
	defer tch.SetThreads(tch.Threads())
	for _, n := range []int{3, 1, 2} {
		tch.SetThreads(n)
		if got := tch.PoolThreads(); got != n {
			t.Errorf("SetThreads(%d): a pool loop ran on %d threads", n, got)
		}
	}
	tch.SerialTorch(func() {
		if got := tch.Threads(); got != 1 {
			t.Errorf("inside SerialTorch libtorch has %d threads, want 1", got)
		}
		if got := tch.KernelThreads(); got != 1 {
			t.Errorf("inside SerialTorch an OpenMP loop ran on %d threads, want 1", got)
		}
		if got := tch.PoolThreads(); got != 2 {
			t.Errorf("inside SerialTorch a pool loop ran on %d threads, want 2", got)
		}
	})
	if got := tch.Threads(); got != 2 {
		t.Errorf("after SerialTorch libtorch has %d threads, want 2 again", got)
	}
	if !tch.PoolRethrows() {
		t.Error("an exception in a pool task did not reach the caller after the other tasks ran")
	}
}

// LinearPacked gives Linear's output for a packed weight (a row slice of a
// bigger one among them), rows split across threads or not; a weight
// changed after packing, or a product that wants gradients, runs
// unpacked and still gives Linear's result.
func TestLinearPacked(t *testing.T) {
	tch.LockThread()
	defer tch.SetThreads(tch.Threads())
	withGEMM(t, tch.GEMMOneDNN, func() {
		for _, threads := range []int{1, 3} {
			tch.SetThreads(threads)
			for _, tc := range []struct {
				x     []int64
				n     int64
				bias  bool
				slice bool
			}{
				{[]int64{5, 7}, 3, true, false},
				{[]int64{2, 9, 16}, 40, false, false},
				{[]int64{100, 256}, 520, true, true},
				{[]int64{500, 64}, 100, true, false},
				{[]int64{1, 32}, 1000, false, true},
			} {
				s := ts.NewScope()
				rng := rand.New(rand.NewPCG(uint64(tc.n), 9))
				k := tc.x[len(tc.x)-1]
				x := randTensor(rng, tc.x...)
				w := randTensor(rng, tc.n, k)
				if tc.slice {
					w = randTensor(rng, 3*tc.n, k).MustNarrow(0, tc.n, tc.n, false)
				}
				var b *ts.Tensor
				if tc.bias {
					b = randTensor(rng, tc.n)
				}
				p, err := tch.Pack(w)
				if err != nil {
					t.Fatal(err)
				}
				if p == nil {
					t.Skip("oneDNN's pack API is not available")
				}
				name := func(what string) string {
					return fmt.Sprint(what, " ", threads, " threads ", x.MustSize(), w.MustSize())
				}
				check := func(what string) {
					want := tch.MustLinear(x, w, b).Float64Values()
					got, err := tch.LinearPacked(x, p, b)
					if err != nil {
						t.Fatal(err)
					}
					closeTo(t, name(what), got.Float64Values(), want)
				}
				check("packed")
				if p.Stale() {
					t.Fatal("a weight unchanged since packing is stale")
				}
				if _, err := tch.LinearPacked(randTensor(rng, 2, k+1), p, b); err == nil {
					t.Error("an input of the wrong width: no error")
				}
				w.MustMulScalar_(ts.FloatScalar(-2)) // in place: the pack is now stale
				if !p.Stale() {
					t.Fatal("a weight changed in place is not stale")
				}
				check("stale")
				x = x.MustSetRequiresGrad(true, false)
				check("gradient")
				x = x.MustSetRequiresGrad(false, false)
				p.Free()
				if _, err := tch.LinearPacked(x, p, b); err == nil {
					t.Error("a freed packed weight: no error")
				}
				s.Close()
			}
		}
	})
}

// AddLayerNorm against libtorch's LayerNorm(alpha*x + y), with and without
// alpha, rows enough to be split across threads; with gradients wanted it
// gives libtorch's gradients too; bad shapes are errors.
func TestAddLayerNorm(t *testing.T) {
	tch.LockThread()
	defer tch.SetThreads(tch.Threads())
	tch.SetThreads(3)
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
		got, err := tch.AddLayerNorm(x, y, tc.alpha, w, b, 1e-5)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, fmt.Sprint("add layer norm ", tc.sizes), got.Float64Values(), want.Float64Values())
	}
	// With a gradient wanted: libtorch's ops, so the same gradients.
	x := randTensor(rng, 4, 8).MustSetRequiresGrad(true, true)
	y, w, b := randTensor(rng, 4, 8), randTensor(rng, 8), randTensor(rng, 8)
	got, err := tch.AddLayerNorm(x, y, 1, w, b, 1e-5)
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
		if _, err := tch.AddLayerNorm(randTensor(rng, bad[0]...), randTensor(rng, bad[1]...), 1, randTensor(rng, d), randTensor(rng, d), 1e-5); err == nil {
			t.Errorf("x %v, y %v: no error", bad[0], bad[1])
		}
	}
}
