package kernel_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// withGEMM runs f with the named engine and restores the engine in use
// before.
func withGEMM(t *testing.T, engine string, f func()) {
	t.Helper()
	withEngine(t, kernel.GEMM, kernel.ConfigureGEMM, engine, f)
}

// Linear's output and gradients (input, weight, bias) against libtorch's
// linear, with both engines: 2-D and 3-D inputs, with and without bias, a
// weight that is a row slice of a bigger one (as attention's key/value
// projection is) and one that is a transposed view; an in-place op on the
// output, as the FFN's activation; products split across threads.
func TestLinearMatchesLibtorch(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3) // the split across threads, whatever the machine
	for _, engine := range []string{kernel.GEMMLibtorch, kernel.GEMMOneDNN} {
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
				got, gotG := run(func() *ts.Tensor { return kernel.MustLinear(x, w, b) })
				want, wantG := run(func() *ts.Tensor { return ts.MustLinear(x, w, b) })
				closeTo(t, engine+" "+tc.name+" output", got, want)
				for i := range wantG {
					closeTo(t, engine+" "+tc.name+" gradient "+[]string{"x", "w", "b"}[i], gotG[i], wantG[i])
				}
				// Without gradients (decoding) the same output.
				ts.NoGrad(func() {
					closeTo(t, engine+" "+tc.name+" output without grad", kernel.MustLinear(x, w, b).MustRelu(true).Float64Values(), want)
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
	for _, engine := range []string{kernel.GEMMLibtorch, kernel.GEMMOneDNN} {
		withGEMM(t, engine, func() {
			x := ts.MustZeros([]int64{2, 4}, gotch.Float, gotch.CPU)
			w := ts.MustZeros([]int64{3, 5}, gotch.Float, gotch.CPU)
			if _, err := kernel.Linear(x, w, nil); err == nil {
				t.Errorf("%s: x [2,4] by w [3,5]: no error", engine)
			}
			w = ts.MustZeros([]int64{3, 4}, gotch.Float, gotch.CPU)
			b := ts.MustZeros([]int64{2}, gotch.Float, gotch.CPU)
			if _, err := kernel.Linear(x, w, b); err == nil {
				t.Errorf("%s: bias [2] for 3 outputs: no error", engine)
			}
		})
	}
}

func TestConfigureGEMM(t *testing.T) {
	before, _ := kernel.GEMM()
	defer kernel.ConfigureGEMM(before)
	if _, err := kernel.ConfigureGEMM("mkl"); err == nil || !strings.Contains(err.Error(), "want auto, libtorch or onednn") {
		t.Errorf("NMT_GEMM=mkl: err = %v", err)
	}
	got, err := kernel.ConfigureGEMM("auto")
	if err != nil {
		t.Fatal(err)
	}
	_, why := kernel.GEMM()
	if _, err := kernel.ConfigureGEMM("libtorch"); err != nil {
		t.Fatal(err)
	}
	if e, _ := kernel.GEMM(); e != kernel.GEMMLibtorch {
		t.Errorf("NMT_GEMM=libtorch: engine %q", e)
	}
	t.Logf("auto: %s (%s)", got, why)
}

// LinearPacked gives Linear's output for a packed weight (a row slice of a
// bigger one among them), rows split across threads or not; a weight
// changed after packing, or a product that wants gradients, runs
// unpacked and still gives Linear's result.
func TestLinearPacked(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	withGEMM(t, kernel.GEMMOneDNN, func() {
		for _, threads := range []int{1, 3} {
			kernel.SetThreads(threads)
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
				p, err := kernel.Pack(w)
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
					want := kernel.MustLinear(x, w, b).Float64Values()
					got, err := kernel.LinearPacked(x, p, b)
					if err != nil {
						t.Fatal(err)
					}
					closeTo(t, name(what), got.Float64Values(), want)
				}
				check("packed")
				if p.Stale() {
					t.Fatal("a weight unchanged since packing is stale")
				}
				if _, err := kernel.LinearPacked(randTensor(rng, 2, k+1), p, b); err == nil {
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
				if _, err := kernel.LinearPacked(x, p, b); err == nil {
					t.Error("a freed packed weight: no error")
				}
				s.Close()
			}
		}
	})
}
