package kernel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/tch"
)

// withInt8 runs f with the named int8 engine and restores the engine in
// use before.
func withInt8(t *testing.T, engine string, f func()) {
	t.Helper()
	withEngine(t, kernel.Int8Engine, kernel.ConfigureInt8, engine, f)
}

// packTensor quantizes w [N, K] (any view) by rows and packs it.
func packTensor(t *testing.T, w *ts.Tensor) (*kernel.Packed, quant.Matrix) {
	t.Helper()
	sz := w.MustSize()
	m, err := quant.Int8(f32(w), int(sz[0]), int(sz[1]))
	if err != nil {
		t.Fatal(err)
	}
	p, err := kernel.PackInt8(m.Q, m.Scale, m.Rows, m.Cols)
	if err != nil {
		t.Fatal(err)
	}
	return p, m
}

// int8Bound is what an int8 product may be off by at output (row r,
// column c): the inputs' step is the kernel's, (max(0, max x) - min(0,
// min x)) / levels per row, the weights' the quantized matrix's, plus
// float32 rounding.
func int8Bound(x []float32, w []float32, m quant.Matrix, k, r, c, levels int) float64 {
	var lo, hi, sx, sw, sxw float64
	for j := 0; j < k; j++ {
		v := float64(x[r*k+j])
		lo, hi = min(lo, v), max(hi, v)
		sx += math.Abs(v)
		sw += math.Abs(float64(w[c*k+j]))
		sxw += math.Abs(v * float64(w[c*k+j]))
	}
	return quant.ProductBound(sx, (hi-lo)/float64(levels), sw, float64(m.Scale[c]), k) + 1e-5*(sxw+1)
}

// TestLinearInt8MatchesFloat: int8 products against float64 products of
// the same float32 inputs and weights, within the quantization bound at
// every output, for each engine: one row, sizes that are not multiples of
// 16, more rows than a task takes (128), more columns than a packed part
// (512), 3-D inputs, with and without bias, a weight that is a transposed
// view, rows of zeros; and the error is a real one (far from zero and from
// the bound's slack), so the test would see a wrong scale or zero point.
func TestLinearInt8MatchesFloat(t *testing.T) {
	tch.LockThread()
	for _, engine := range []string{kernel.Int8OneDNN, kernel.Int8Portable} {
		t.Run(engine, func(t *testing.T) {
			withInt8(t, engine, func() {
				for _, tc := range []struct {
					rows     []int64 // the input's leading sizes
					k, n     int64
					bias, tw bool
					zeroRow  bool
				}{
					{rows: []int64{1}, k: 512, n: 512, bias: true},
					{rows: []int64{1}, k: 1, n: 1},
					{rows: []int64{3}, k: 17, n: 5, bias: true},
					{rows: []int64{37}, k: 300, n: 200},
					{rows: []int64{2, 5}, k: 64, n: 48, bias: true},
					{rows: []int64{129}, k: 33, n: 1040, bias: true},
					{rows: []int64{100}, k: 512, n: 1536, bias: true},
					{rows: []int64{7}, k: 40, n: 24, tw: true, bias: true},
					{rows: []int64{6}, k: 16, n: 16, zeroRow: true},
				} {
					name := fmt.Sprintf("%vx%dx%d", tc.rows, tc.k, tc.n)
					if tc.tw {
						name += "/transposed"
					}
					t.Run(name, func(t *testing.T) { checkInt8Linear(t, tc.rows, tc.k, tc.n, tc.bias, tc.tw, tc.zeroRow) })
				}
			})
		})
	}
}

func checkInt8Linear(t *testing.T, lead []int64, k, n int64, bias, transposed, zeroRow bool) {
	s := ts.NewScope()
	defer s.Close()
	rng := rand.New(rand.NewPCG(uint64(k), uint64(n)))
	x := randTensor(rng, append(append([]int64{}, lead...), k)...)
	if zeroRow {
		x.MustNarrow(int64(len(lead)-1), 1, 1, false).MustFill_(ts.FloatScalar(0))
	}
	w := randTensor(rng, n, k).MustMulScalar(ts.FloatScalar(0.05), true)
	if transposed {
		w = randTensor(rng, k, n).MustMulScalar(ts.FloatScalar(0.05), true).MustT(true) // [n, k] view
	}
	var b *ts.Tensor
	if bias {
		b = randTensor(rng, n)
	}
	p, qm := packTensor(t, w)
	defer p.Free()
	y, err := kernel.LinearPacked(x, p, b)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]int64{}, lead...), n)
	if fmt.Sprint(y.MustSize()) != fmt.Sprint(want) {
		t.Fatalf("output %v, want %v", y.MustSize(), want)
	}
	xs, ws, ys := f32(x), f32(w), f32(y)
	var bs []float32
	if bias {
		bs = f32(b)
	}
	rows := len(xs) / int(k)
	var worst, errSum float64
	for r := 0; r < rows; r++ {
		for c := 0; c < int(n); c++ {
			var exact float64
			for j := 0; j < int(k); j++ {
				exact += float64(xs[r*int(k)+j]) * float64(ws[c*int(k)+j])
			}
			if bias {
				exact += float64(bs[c])
			}
			e := math.Abs(float64(ys[r*int(n)+c]) - exact)
			bound := int8Bound(xs, ws, qm, int(k), r, c, p.InputLevels())
			if !(e <= bound) {
				t.Fatalf("output (%d, %d) = %v, exact %v: error %g > bound %g", r, c, ys[r*int(n)+c], exact, e, bound)
			}
			worst, errSum = max(worst, e/bound), errSum+e
		}
	}
	if k >= 16 && !zeroRow && errSum == 0 {
		t.Errorf("no quantization error at all: are the products int8?")
	}
	if k*n >= 4096 && worst < 0.005 {
		t.Errorf("largest error %.3g of the bound: the bound is loose or not what the kernel does", worst)
	}
}

// TestLinearInt8Inputs: a row with NaN or infinity gives a row of NaN
// (the others unchanged); a gradient, another width, a bias of the wrong
// size or a CUDA input are errors that say so.
func TestLinearInt8Inputs(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	p, _ := packTensor(t, randTensor(rng, 8, 16))
	defer p.Free()
	x := randTensor(rng, 3, 16)
	clean, err := kernel.LinearPacked(x, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		xb := x.MustMulScalar(ts.FloatScalar(1), false) // a copy
		xb.MustNarrow(0, 1, 1, false).MustNarrow(1, 3, 1, false).MustFill_(ts.FloatScalar(bad))
		y, err := kernel.LinearPacked(xb, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, c := f32(y), f32(clean)
		for i := range v {
			row1 := i/8 == 1
			if row1 != math.IsNaN(float64(v[i])) || (!row1 && v[i] != c[i]) {
				t.Fatalf("input %v in row 1: output %d is %v (clean %v)", bad, i, v[i], c[i])
			}
		}
	}
	grad := randTensor(rng, 2, 16)
	grad.MustRequiresGrad_(true)
	for _, tc := range []struct {
		name string
		x, b *ts.Tensor
		want string
	}{
		{"grad", grad, nil, "no gradient flows"},
		{"width", randTensor(rng, 2, 15), nil, "input of 15 features for a weight of 16"},
		{"bias", randTensor(rng, 2, 16), randTensor(rng, 7), "bias of 8"},
		{"int", ts.MustOnes([]int64{2, 16}, gotch.Int64, gotch.CPU), nil, "want a CPU float32 input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := kernel.LinearPacked(tc.x, p, tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := kernel.PackInt8([]int8{1, 2, 3}, []float32{1}, 2, 2); err == nil {
		t.Error("PackInt8 took 3 values for [2, 2]")
	}
	if _, err := kernel.PackInt8([]int8{1, -128}, []float32{1}, 1, 2); err == nil || !strings.Contains(err.Error(), "-128") {
		t.Errorf("PackInt8 of -128: %v", err)
	}
}

// TestInt8EngineLevels: the engine in use says how inputs are quantized,
// and oneDNN's kernels take 8-bit inputs only where they do not saturate
// (the probe in csrc/nmt_int8.cpp); the portable loops always do.
func TestInt8EngineLevels(t *testing.T) {
	withInt8(t, kernel.Int8Portable, func() {
		if l := kernel.Int8Levels(); l != 255 {
			t.Errorf("portable: inputs to %d, want 255", l)
		}
	})
	withInt8(t, kernel.Int8OneDNN, func() {
		l := kernel.Int8Levels()
		_, d := kernel.Int8Engine()
		if l != 127 && l != 255 {
			t.Fatalf("oneDNN: inputs to %d", l)
		}
		if !strings.Contains(d, fmt.Sprintf("inputs in %d bits", map[int]int{127: 7, 255: 8}[l])) {
			t.Errorf("levels %d, described as %q", l, d)
		}
		t.Logf("%s", d)
	})
	if _, err := kernel.ConfigureInt8("vnni"); err == nil {
		t.Error("NMT_INT8=vnni accepted")
	}
}

// f32 is a float32 tensor's values in logical order (a view's too).
func f32(t *ts.Tensor) []float32 { return t.Vals().([]float32) }
