package kernel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/kerneltest"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// rounded is t's values rounded to bf16, as float64 (the exact inputs of
// a bf16 product).
func rounded(t *ts.Tensor) *ts.Tensor {
	return t.MustDetach(false).MustTotype(gotch.BFloat16, true).MustTotype(gotch.Double, true)
}

func f64(t *ts.Tensor) *ts.Tensor { return t.MustDetach(false).MustTotype(gotch.Double, true) }

// relErr is |got - want| / |want| over all entries (Euclidean norms).
func relErr(got, want []float64) float64 {
	var d, n float64
	for i := range want {
		d += (got[i] - want[i]) * (got[i] - want[i])
		n += want[i] * want[i]
	}
	return math.Sqrt(d / n)
}

var bf16Engines = []string{kernel.BF16Emulate, kernel.BF16OneDNN}

// Linear in bf16, output and gradients, against products of the operands
// rounded to bf16 computed in float64 (what a bf16 product with float32
// accumulation computes, up to float32's sums), and against float32
// within bf16's tolerance; the gradient is rounded before its products,
// the bias gradient is not. Each engine that runs here; products large
// enough to be split across threads.
func TestBF16LinearMatchesRoundedProducts(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3)
	for _, engine := range bf16Engines {
		t.Run(engine, func(t *testing.T) {
			kerneltest.WithBF16Engine(t, engine, func() {
				for _, tc := range []struct {
					name string
					x    []int64
					n    int64
					bias bool
				}{
					{"2-D", []int64{5, 7}, 3, true},
					{"3-D no bias", []int64{2, 9, 16}, 40, false},
					{"split by columns", []int64{100, 256}, 520, true},
					{"split by rows", []int64{2, 300, 64}, 40, true},
				} {
					s := ts.NewScope()
					rng := rand.New(rand.NewPCG(uint64(tc.n), 11))
					k := tc.x[len(tc.x)-1]
					x := randTensor(rng, tc.x...).MustSetRequiresGrad(true, true)
					w := randTensor(rng, tc.n, k).MustSetRequiresGrad(true, true)
					var b *ts.Tensor
					params := []*ts.Tensor{x, w}
					if tc.bias {
						b = randTensor(rng, tc.n).MustSetRequiresGrad(true, true)
						params = append(params, b)
					}
					up := randTensor(rng, append(append([]int64{}, tc.x[:len(tc.x)-1]...), tc.n)...)
					run := func(bf16 bool) (out []float64, grads [][]float64) {
						tch.ClearGrads(params)
						var y *ts.Tensor
						if bf16 {
							kernel.WithBF16(gotch.CPU, func() { y = kernel.MustLinear(x, w, b) })
						} else {
							y = kernel.MustLinear(x, w, b)
						}
						if y.DType() != gotch.Float {
							t.Fatalf("%s: output %v, want float32", tc.name, y.DType())
						}
						out = y.Float64Values()
						y.MustMul(up, false).MustSum(gotch.Float, true).MustBackward()
						for _, p := range params {
							g := p.MustGrad(false)
							if g.DType() != gotch.Float {
								t.Fatalf("%s: gradient %v, want float32", tc.name, g.DType())
							}
							grads = append(grads, g.Float64Values())
						}
						return out, grads
					}
					got, gotG := run(true)
					f32, f32G := run(false)
					// Reference in float64 from the rounded operands.
					x2, u2 := rounded(x).MustView([]int64{-1, k}, true), rounded(up).MustView([]int64{-1, tc.n}, true)
					ref := x2.MustMatmul(rounded(w).MustT(true), false)
					if b != nil {
						ref = ref.MustAdd(f64(b), true)
					}
					refG := [][]float64{
						u2.MustMatmul(rounded(w), false).Float64Values(),      // dx
						u2.MustT(false).MustMatmul(x2, false).Float64Values(), // dw
					}
					if b != nil {
						refG = append(refG, f64(up).MustView([]int64{-1, tc.n}, true).MustSumDimIntlist([]int64{0}, false, gotch.Double, true).Float64Values())
					}
					closeTo(t, engine+" "+tc.name+" output", got, ref.Float64Values())
					for i := range refG {
						closeTo(t, engine+" "+tc.name+" gradient "+string(rune('0'+i)), gotG[i], refG[i])
					}
					// Against float32: bf16's error, not more, and not none
					// (the products did run in bf16).
					for i, pair := range [][2][]float64{{got, f32}, {gotG[0], f32G[0]}, {gotG[1], f32G[1]}} {
						e := relErr(pair[0], pair[1])
						if e > 1e-2 || e < 1e-5 {
							t.Errorf("%s %s: value %d: relative difference %.2e from float32, want bf16's (1e-5 to 1e-2)", engine, tc.name, i, e)
						}
					}
					s.Close()
				}
			})
		})
	}
}

// Matmul and Baddbmm (attention's products) in bf16 against the rounded
// products in float64: a key transposed as a view, a broadcast additive
// mask, alpha; gradients of both operands.
func TestBF16MatmulMatchesRoundedProducts(t *testing.T) {
	tch.LockThread()
	for _, engine := range bf16Engines {
		t.Run(engine, func(t *testing.T) {
			kerneltest.WithBF16Engine(t, engine, func() {
				for _, masked := range []bool{false, true} {
					s := ts.NewScope()
					rng := rand.New(rand.NewPCG(5, 3))
					const bh, m, n, dh = 6, 9, 11, 16
					q := randTensor(rng, bh, m, dh).MustSetRequiresGrad(true, true)
					k := randTensor(rng, bh, n, dh).MustSetRequiresGrad(true, true)
					up := randTensor(rng, bh, m, n)
					var mask *ts.Tensor
					if masked {
						mask = randTensor(rng, 1, m, n)
					}
					const alpha = 0.125 // a power of 2: rounding alpha*g is alpha*rounding g
					var y *ts.Tensor
					kernel.WithBF16(gotch.CPU, func() { y = kernel.MustBaddbmm(mask, q, k.MustTranspose(1, 2, false), alpha) })
					got := y.Float64Values()
					y.MustMul(up, false).MustSum(gotch.Float, true).MustBackward()
					ref := rounded(q).MustMatmul(rounded(k).MustTranspose(1, 2, true), false).MustMulScalar(ts.FloatScalar(alpha), true)
					if mask != nil {
						ref = ref.MustAdd(f64(mask), true)
					}
					name := engine + " baddbmm"
					if mask == nil {
						name = engine + " matmul*alpha"
					}
					closeTo(t, name, got, ref.Float64Values())
					g := rounded(up).MustMulScalar(ts.FloatScalar(alpha), true)
					closeTo(t, name+" dq", q.MustGrad(false).Float64Values(), g.MustMatmul(rounded(k), false).Float64Values())
					closeTo(t, name+" dk", k.MustGrad(false).Float64Values(), g.MustTranspose(1, 2, false).MustMatmul(rounded(q), false).Float64Values())

					// Matmul: probabilities times values.
					p := randTensor(rng, bh, m, n).MustSetRequiresGrad(true, true)
					v := randTensor(rng, bh, n, dh)
					var c *ts.Tensor
					kernel.WithBF16(gotch.CPU, func() { c = kernel.MustMatmul(p, v) })
					closeTo(t, engine+" matmul", c.Float64Values(), rounded(p).MustMatmul(rounded(v), false).Float64Values())
					up2 := randTensor(rng, bh, m, dh)
					c.MustMul(up2, false).MustSum(gotch.Float, true).MustBackward()
					closeTo(t, engine+" matmul dp", p.MustGrad(false).Float64Values(), rounded(up2).MustMatmul(rounded(v).MustTranspose(1, 2, true), false).Float64Values())
					s.Close()
				}
			})
		})
	}
}

// Outside WithBF16 Matmul and Baddbmm are libtorch's float32 ops, bit for
// bit: float32 training keeps its trajectory.
func TestMatmulFloat32IsLibtorch(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	rng := rand.New(rand.NewPCG(2, 2))
	q, k, mask := randTensor(rng, 4, 5, 8), randTensor(rng, 4, 8, 6), randTensor(rng, 4, 5, 6)
	same := func(what string, got, want *ts.Tensor) {
		g, w := got.Float64Values(), want.Float64Values()
		for i := range w {
			if g[i] != w[i] {
				t.Fatalf("%s[%d] = %v, libtorch %v", what, i, g[i], w[i])
			}
		}
	}
	same("baddbmm", kernel.MustBaddbmm(mask, q, k, 0.3), mask.MustBaddbmm(q, k, ts.FloatScalar(1), ts.FloatScalar(0.3), false))
	same("matmul*alpha", kernel.MustBaddbmm(nil, q, k, 0.3), q.MustMatmul(k, false).MustMulScalar(ts.FloatScalar(0.3), true))
	same("matmul", kernel.MustMatmul(q, k), q.MustMatmul(k, false))
}

// A weight packed inside WithBF16 is rounded once (and on oneDNN's
// engine packed by its bf16 pack API); LinearPacked then gives Linear's
// bf16 output (bit for bit where only rounded; within float32's sums on
// oneDNN). Outside WithBF16 the packed weight is stale and Linear runs
// instead.
func TestBF16LinearPacked(t *testing.T) {
	tch.LockThread()
	for _, engine := range bf16Engines {
		t.Run(engine, func(t *testing.T) { bf16LinearPacked(t, engine) })
	}
}

func bf16LinearPacked(t *testing.T, engine string) {
	kerneltest.WithBF16Engine(t, engine, func() {
		s := ts.NewScope()
		defer s.Close()
		rng := rand.New(rand.NewPCG(9, 9))
		x, w, b := randTensor(rng, 30, 64), randTensor(rng, 48, 64), randTensor(rng, 48)
		var p *kernel.Packed
		var got, want *ts.Tensor
		ts.NoGrad(func() {
			kernel.WithBF16(gotch.CPU, func() {
				var err error
				if p, err = kernel.Pack(w); err != nil || p == nil {
					t.Fatalf("Pack in bf16: %v, %v", p, err)
				}
				if p.Stale() {
					t.Fatal("a weight packed for bf16 is stale in bf16")
				}
				got, _ = kernel.LinearPacked(x, p, b)
				want = kernel.MustLinear(x, w, b)
			})
		})
		defer p.Free()
		g, wv := got.Float64Values(), want.Float64Values()
		if engine == kernel.BF16OneDNN {
			closeTo(t, "packed", g, wv)
		} else {
			for i := range wv {
				if g[i] != wv[i] {
					t.Fatalf("packed [%d] = %v, Linear %v", i, g[i], wv[i])
				}
			}
		}
		if !p.Stale() {
			t.Error("a weight packed for bf16 is not stale in float32")
		}
		f32, _ := kernel.LinearPacked(x, p, b)
		closeTo(t, "stale packed weight in float32", f32.Float64Values(), kernel.MustLinear(x, w, b).Float64Values())
	})
}

// WithBF16 restores the thread's state when f returns or panics, nested or
// not.
func TestWithBF16RestoresState(t *testing.T) {
	tch.LockThread()
	kerneltest.WithBF16Engine(t, kernel.BF16Emulate, func() {
		kernel.WithBF16(gotch.CPU, func() {
			kernel.WithBF16(gotch.CPU, func() {})
			if !kernel.BF16Active() {
				t.Error("nested WithBF16 left bf16 on return")
			}
		})
		if kernel.BF16Active() {
			t.Error("bf16 still on after WithBF16")
		}
		func() {
			defer func() { recover() }()
			kernel.WithBF16(gotch.CPU, func() { panic("boom") })
		}()
		if kernel.BF16Active() {
			t.Error("bf16 still on after a panic in WithBF16")
		}
	})
}

// WithBF16 holds its goroutine on one thread while f runs: the bf16 mode
// is the thread's, so f sees it after it sleeps or yields (when the
// runtime may move an unlocked goroutine to another thread), and
// goroutines outside WithBF16 never see it, however they share threads.
// The goroutines here, as t.Run's, are not locked to their threads.
func TestWithBF16HoldsThread(t *testing.T) {
	kerneltest.WithBF16Engine(t, kernel.BF16Emulate, func() {
		const workers, rounds = 6, 40
		var wg sync.WaitGroup
		errs := make(chan string, 2*workers*rounds)
		for i := 0; i < 2*workers; i++ {
			inBF16 := i%2 == 0
			wg.Add(1)
			go func() {
				defer wg.Done()
				check := func() {
					for r := 0; r < rounds; r++ {
						time.Sleep(50 * time.Microsecond)
						runtime.Gosched()
						if kernel.BF16Active() != inBF16 {
							errs <- fmt.Sprintf("round %d: BF16Active %v in a goroutine %s WithBF16", r, !inBF16, map[bool]string{true: "inside", false: "outside"}[inBF16])
							return
						}
					}
				}
				if inBF16 {
					kernel.WithBF16(gotch.CPU, check)
				} else {
					check()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})
}

// Under the autocast engine (libtorch's CPU autocast, the mechanism CUDA
// uses) Linear and Matmul are libtorch's bf16 ops: bf16 outputs near
// float32's.
func TestBF16AutocastEngine(t *testing.T) {
	tch.LockThread()
	kerneltest.WithBF16Engine(t, kernel.BF16Autocast, func() {
		s := ts.NewScope()
		defer s.Close()
		rng := rand.New(rand.NewPCG(4, 4))
		x, w, b := randTensor(rng, 7, 32), randTensor(rng, 12, 32), randTensor(rng, 12)
		var y, m *ts.Tensor
		kernel.WithBF16(gotch.CPU, func() {
			y = kernel.MustLinear(x, w, b)
			m = kernel.MustMatmul(x.MustView([]int64{1, 7, 32}, false), w.MustT(false).MustView([]int64{1, 32, 12}, false))
		})
		if y.DType() != gotch.BFloat16 || m.DType() != gotch.BFloat16 {
			t.Fatalf("autocast outputs %v and %v, want bfloat16", y.DType(), m.DType())
		}
		if e := relErr(y.MustTotype(gotch.Double, false).Float64Values(), kernel.MustLinear(x, w, b).Float64Values()); e > 1e-2 || e == 0 {
			t.Errorf("autocast linear: relative difference %.2e from float32", e)
		}
		if kernel.BF16Active() {
			t.Error("CPU autocast still on after WithBF16")
		}
	})
}

// Settings and devices that cannot run bf16 are errors that say what is
// missing.
func TestBF16Errors(t *testing.T) {
	if _, err := kernel.ConfigureBF16("fp8"); err == nil || !strings.Contains(err.Error(), "want auto, onednn, emulate, autocast or none") {
		t.Errorf("NMT_BF16=fp8: %v", err)
	}
	kerneltest.WithBF16Engine(t, kernel.BF16None, func() {
		err := kernel.CheckBF16(gotch.CPU)
		if err == nil || !strings.Contains(err.Error(), "NMT_BF16=none") {
			t.Errorf("NMT_BF16=none: %v", err)
		}
		if kernel.CheckBF16(gotch.CudaIfAvailable()) == nil && !gotch.CudaIfAvailable().IsCuda() {
			t.Error("bf16 allowed on the CPU with no engine")
		}
	})
	for _, tc := range []struct {
		core, bf16, onednn bool
		want               string
	}{
		{false, false, true, "needs AVX512-BF16 (the avx512_bf16 CPU flag)"},
		{true, false, true, "needs AVX512-BF16"},
		{false, true, true, "needs AVX-512 (avx512f, avx512bw, avx512vl, avx512dq)"},
		{true, true, false, "dnnl_gemm_bf16bf16f32, which this libtorch does not export"},
	} {
		if err := kernel.BF16Missing(tc.core, tc.bf16, tc.onednn); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("core %v bf16 %v onednn %v: %v, want %q", tc.core, tc.bf16, tc.onednn, err, tc.want)
		}
	}
	engine, why := kernel.BF16Engine()
	t.Logf("bf16 engine here: %s (%s)", engine, why)
}
