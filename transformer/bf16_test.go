package transformer_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/kerneltest"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// relDiff is |a - b| / |b| (Euclidean norms over all entries).
func relDiff(a, b []float64) float64 {
	var d, n float64
	for i := range b {
		d += (a[i] - b[i]) * (a[i] - b[i])
		n += b[i] * b[i]
	}
	return math.Sqrt(d / n)
}

// The whole model's forward and backward in bf16 against float32, for
// post-LN and for Fixup without LayerNorm, with head size 32 (the CPU
// kernels' size): logits and every parameter's gradient within bf16's
// error of float32's (and not equal: the products ran in bf16), every
// parameter and gradient float32. The autocast engine is libtorch's
// autocast, the mechanism CUDA uses: the model's code takes its mixed
// dtypes.
func TestBF16ModelMatchesFloat32(t *testing.T) {
	for _, engine := range []string{kernel.BF16Emulate, kernel.BF16OneDNN, kernel.BF16Autocast} {
		for _, c := range []struct{ norm, init string }{{"post", "default"}, {"none", "fixup"}} {
			t.Run(fmt.Sprintf("%s/%s/%s", engine, c.norm, c.init), func(t *testing.T) {
				kerneltest.WithBF16Engine(t, engine, func() {
					outer := ts.NewScope()
					defer outer.Close()
					cfg := tiny(c.norm, c.init)
					cfg.Dim, cfg.FFNDim = 4*32, 160
					cfg.Dropout = 0
					vs, m := build(t, cfg, 3)
					perturb(vs, 4)
					src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
					prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
					params := vs.TrainableVariables()
					run := func(bf16 bool) (logits []float64, grads []float64) {
						tch.ClearGrads(params)
						s := ts.NewScope()
						defer s.Close()
						var out *ts.Tensor
						if bf16 {
							kernel.WithBF16(gotch.CPU, func() { out = m.Forward(src, prev) })
						} else {
							out = m.Forward(src, prev)
						}
						out = out.MustTotype(gotch.Float, true) // autocast's logits are bf16
						logits = out.Float64Values()
						out.MustLogSoftmax(-1, gotch.Float, false).MustSelect(2, 7, true).
							MustSum(gotch.Float, true).MustBackward()
						for _, p := range params {
							if p.DType() != gotch.Float {
								t.Fatalf("parameter %v, want float32", p.DType())
							}
							g := p.MustGrad(false)
							if g.DType() != gotch.Float {
								t.Fatalf("gradient %v, want float32", g.DType())
							}
							grads = append(grads, g.Float64Values()...)
						}
						return logits, grads
					}
					l16, g16 := run(true)
					l32, g32 := run(false)
					dl, dg := relDiff(l16, l32), relDiff(g16, g32)
					t.Logf("relative difference from float32: logits %.2e, gradients %.2e", dl, dg)
					if !(dl > 1e-5 && dl < 2e-2) || !(dg > 1e-5 && dg < 5e-2) {
						t.Errorf("logits %.2e, gradients %.2e from float32: want bf16's error (1e-5 to 2e-2 and 5e-2)", dl, dg)
					}
				})
			})
		}
	}
}

// Decoding in bf16: the incremental steps (the decoder's weights rounded
// once, the attention kernel in float32) give the full bf16 pass's
// log-probabilities within bf16's error, and float32's steps too.
func TestBF16IncrementalDecoding(t *testing.T) {
	tch.LockThread()
	kerneltest.WithBF16Engine(t, kernel.BF16Emulate, func() {
		outer := ts.NewScope()
		defer outer.Close()
		cfg := tiny("none", "fixup")
		cfg.Dim = cfg.Heads * 32
		vs, m := build(t, cfg, 3)
		perturb(vs, 4)
		m.SetTraining(false)
		src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
		prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
		steps := func(bf16 bool) (full, inc []float64) {
			run := func() {
				ts.NoGrad(func() {
					full = m.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true).Float64Values()
				})
				enc := m.Encode(src)
				st := m.NewState(enc, 16)
				defer st.Free()
				enc.Free()
				for i := int64(0); i < 6; i++ {
					step := ts.NewScope()
					inc = append(inc, m.Step(prev.MustSelect(1, i, false), st).Float64Values()...)
					step.Close()
				}
			}
			if bf16 {
				kernel.WithBF16(gotch.CPU, run)
			} else {
				run()
			}
			// full is [B, T, V], inc T steps of [B, V]: reorder inc as full.
			b, v := 2, len(inc)/12
			out := make([]float64, len(inc))
			for i := 0; i < 6; i++ {
				for r := 0; r < b; r++ {
					copy(out[(r*6+i)*v:(r*6+i+1)*v], inc[(i*b+r)*v:(i*b+r+1)*v])
				}
			}
			return full, out
		}
		full16, inc16 := steps(true)
		_, inc32 := steps(false)
		if d := relDiff(inc16, full16); d > 1e-2 {
			t.Errorf("bf16 steps against the bf16 full pass: relative difference %.2e", d)
		}
		if d := relDiff(inc16, inc32); !(d > 1e-6 && d < 1e-2) {
			t.Errorf("bf16 steps against float32 steps: relative difference %.2e, want bf16's (1e-6 to 1e-2)", d)
		}
	})
}
