package transformer_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name, norm, init, want string
	}{
		{"fixup with layernorm", "post", "fixup", "valid: "},
		{"deepnorm without norm", "none", "deepnorm", "deepnorm with post"},
		{"unknown init", "none", "xavier", `unknown init "xavier"`},
		{"unknown norm", "layer", "default", `unknown norm "layer"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tiny(tt.norm, tt.init).Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "fixup with none") && !strings.Contains(err.Error(), "unknown norm") && !strings.Contains(err.Error(), "unknown init") {
				t.Errorf("error %q does not list the valid combinations", err)
			}
		})
	}
	for _, c := range combos {
		if err := tiny(c.norm, c.init).Validate(); err != nil {
			t.Errorf("%s/%s: %v", c.norm, c.init, err)
		}
	}
	c := tiny("post", "default")
	c.Heads = 5
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "not divisible") {
		t.Errorf("Dim 16 Heads 5: %v", err)
	}
	for _, p := range transformer.Presets() {
		c, err := transformer.Preset(p)
		if err != nil || c.Validate() != nil {
			t.Errorf("preset %s: %v %v", p, err, c.Validate())
		}
	}
	if c, _ := transformer.Preset("iwslt"); c.Dim != 512 || c.FFNDim != 1024 || c.Heads != 4 || c.EncoderLayers != 6 {
		t.Errorf("iwslt preset %+v", c)
	}
}

// Padding never changes the outputs of real tokens: extra left padding of
// the source and extra right padding of the target leave the logits of the
// real target positions unchanged.
func TestPaddingMasks(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, c := range combos {
		t.Run(c.norm+"/"+c.init, func(t *testing.T) {
			vs, m := build(t, tiny(c.norm, c.init), 1)
			perturb(vs, 2)
			m.SetTraining(false)
			P, E := int64(1), int64(2)
			short := m.Forward(ids([][]int64{{5, 6, 7, 8, E}}), ids([][]int64{{E, 9, 10}}))
			long := m.Forward(ids([][]int64{{P, P, P, 5, 6, 7, 8, E}}), ids([][]int64{{E, 9, 10, P, P}}))
			long3 := long.MustNarrow(1, 0, 3, false)
			if d := maxAbsDiff(short, long3); d > tol(short) {
				t.Errorf("padding changed real outputs by %g", d)
			}
			// a batch: row 0 padded, row 1 not; row 0 must equal its unpadded self
			batch := m.Forward(ids([][]int64{{P, P, 5, 6, 7, 8, E}, {11, 12, 13, 14, 15, 16, E}}), ids([][]int64{{E, 9, 10, P}, {E, 3, 4, 5}}))
			row := batch.MustSelect(0, 0, false).MustNarrow(0, 0, 3, true).MustUnsqueeze(0, true)
			if d := maxAbsDiff(short, row); d > tol(short) {
				t.Errorf("batching with padding changed row 0 by %g", d)
			}
		})
	}
}

// No position sees the future: changing target token j changes no logits
// before position j.
func TestCausalMask(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, c := range combos {
		t.Run(c.norm+"/"+c.init, func(t *testing.T) {
			vs, m := build(t, tiny(c.norm, c.init), 1)
			perturb(vs, 2)
			m.SetTraining(false)
			src := ids([][]int64{{5, 6, 7, 2}})
			a := m.Forward(src, ids([][]int64{{2, 9, 10, 11, 12}}))
			b := m.Forward(src, ids([][]int64{{2, 9, 10, 20, 21}}))
			if d := maxAbsDiff(a.MustNarrow(1, 0, 3, false), b.MustNarrow(1, 0, 3, false)); d != 0 {
				t.Errorf("positions 0..2 changed by %g when tokens 3, 4 changed", d)
			}
			if d := maxAbsDiff(a.MustNarrow(1, 3, 2, false), b.MustNarrow(1, 3, 2, false)); d == 0 {
				t.Errorf("positions 3, 4 did not change")
			}
		})
	}
}

// Incremental decoding (with per-step scopes and a beam-style reorder)
// gives the full forward pass's log-probabilities within 1e-5, for every
// norm and init.
func TestIncrementalMatchesForward(t *testing.T) {
	tch.LockThread()
	// Head size 4 takes libtorch's ops; 32 the CPU attention kernels, and
	// (pack) the decoder's weights packed for oneDNN where it runs.
	for _, dh := range []int{4, 32} {
		for _, c := range combos {
			pack := dh == 32
			t.Run(fmt.Sprintf("%s/%s/dh%d", c.norm, c.init, dh), func(t *testing.T) {
				outer := ts.NewScope()
				defer outer.Close()
				cfg := tiny(c.norm, c.init)
				cfg.Dim = cfg.Heads * dh
				vs, m := build(t, cfg, 3)
				transformer.SetInitialCap(m, 4) // the caches grow at steps 4 and 8
				transformer.SetPackWeights(m, pack)
				perturb(vs, 4)
				m.SetTraining(false)
				src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
				prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
				T := int64(6)
				var want *ts.Tensor
				ts.NoGrad(func() {
					want = m.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true)
				})
				enc := m.Encode(src)
				st := m.NewState(enc, 16)
				defer st.Free()
				enc.Free()
				for i := int64(0); i < T; i++ {
					step := ts.NewScope()
					tok := prev.MustSelect(1, i, false)
					got := m.Step(tok, st)
					w := want.MustSelect(1, i, false)
					if d := maxAbsDiff(got, w); d > tol(w) {
						t.Fatalf("step %d: |incremental - full| = %g", i, d)
					}
					step.Close()
				}
				// Reorders, each followed by a step compared with a full pass
				// over the reordered batch: rows not in equal groups (one encoder
				// entry per row), replication into beams of 2 (no encoder move),
				// a reorder within the beams, whole entries leaving, and back to
				// unequal groups.
				srcRows := [][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}}
				hist := [][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}}
				next := int64(13)
				for _, idx := range [][]int64{{1, 0, 1}, {0, 0, 1, 1, 2, 2}, {1, 0, 3, 2, 5, 4}, {2, 3, 4, 5}, {0, 2}, {1, 1, 1, 0}} {
					st.Reorder(idx)
					var src2, hist2 [][]int64
					var toks []int64
					for _, r := range idx {
						src2 = append(src2, srcRows[r])
						toks = append(toks, next%20+4)
						hist2 = append(hist2, append(append([]int64(nil), hist[r]...), next%20+4))
						next++
					}
					srcRows, hist = src2, hist2
					var want2 *ts.Tensor
					n := int64(len(hist[0]))
					ts.NoGrad(func() {
						want2 = m.Forward(ids(srcRows), ids(hist)).MustLogSoftmax(-1, gotch.Float, true).MustSelect(1, n-1, true)
					})
					step := ts.NewScope()
					got := m.Step(ts.MustOfSlice(toks), st)
					if d := maxAbsDiff(got, want2); d > tol(want2) {
						t.Fatalf("after reorder %v: |incremental - full| = %g", idx, d)
					}
					step.Close()
					if st.Rows() != len(idx) || st.Len() != int(n) {
						t.Fatalf("state rows %d len %d, want %d %d", st.Rows(), st.Len(), len(idx), n)
					}
				}
			})
		}
	}
}

// TestFirstCap: the caches start at about the source length (S + S/4 + 8,
// at least 16, at most maxLen).
func TestFirstCap(t *testing.T) {
	for _, c := range []struct{ src, maxLen, want int64 }{
		{6, 200, 16}, {32, 43, 43}, {32, 200, 48}, {100, 1024, 133}, {100, 50, 50},
	} {
		if got := transformer.FirstCap(c.src, c.maxLen); got != c.want {
			t.Errorf("FirstCap(%d, %d) = %d, want %d", c.src, c.maxLen, got, c.want)
		}
	}
}

// Save and load: a model loaded into a differently seeded twin gives the
// same outputs; the same seed gives identical parameters.
func TestSaveLoadAndSeed(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, c := range combos {
		t.Run(c.norm+"/"+c.init, func(t *testing.T) {
			cfg := tiny(c.norm, c.init)
			vs, m := build(t, cfg, 5)
			perturb(vs, 6)
			m.SetTraining(false)
			path := filepath.Join(t.TempDir(), "m.ckpt")
			if err := transformer.Save(path, vs, cfg); err != nil {
				t.Fatal(err)
			}
			vs2 := nn.NewVarStore(gotch.CPU)
			m2, err := transformer.Load(path, vs2)
			if err != nil {
				t.Fatal(err)
			}
			m2.SetTraining(false)
			src, prev := ids([][]int64{{1, 5, 6, 2}}), ids([][]int64{{2, 7, 8}})
			if d := maxAbsDiff(m.Forward(src, prev), m2.Forward(src, prev)); d != 0 {
				t.Errorf("loaded model differs by %g", d)
			}
			if m2.Config() != m.Config() {
				t.Errorf("config %+v != %+v", m2.Config(), m.Config())
			}
			// same seed, same parameters; another seed, others
			va, _ := build(t, cfg, 7)
			vb, _ := build(t, cfg, 7)
			vc, _ := build(t, cfg, 8)
			same, differ := true, false
			for name, x := range va.Variables() {
				y, z := vb.Variables()[name], vc.Variables()[name]
				if !x.MustEqual(&y, false) {
					same = false
				}
				if !x.MustEqual(&z, false) {
					differ = true
				}
			}
			if !same || !differ {
				t.Errorf("same seed identical: %v; other seed differs: %v", same, differ)
			}
		})
	}
	_ = os.Remove
}

// Dropout is active in training mode and off in evaluation mode.
func TestTrainingMode(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	_, m := build(t, tiny("post", "default"), 1)
	src, prev := ids([][]int64{{5, 6, 7, 2}}), ids([][]int64{{2, 9, 10}})
	m.SetTraining(false)
	if d := maxAbsDiff(m.Forward(src, prev), m.Forward(src, prev)); d != 0 {
		t.Errorf("eval mode not deterministic: %g", d)
	}
	m.SetTraining(true)
	if d := maxAbsDiff(m.Forward(src, prev), m.Forward(src, prev)); d == 0 {
		t.Errorf("training mode has no dropout")
	}
}

// TestFoldedScaleMatches: in training the branch multipliers (fixup's
// scales, rezero's gates) are folded into the branch's last weight and
// fixup's bias before the ReLU into fc1's bias; with dropout off the
// training-mode forward pass equals the eval-mode one, which multiplies
// the branch output, within 1e-5.
func TestFoldedScaleMatches(t *testing.T) {
	for _, init := range []string{"fixup", "rezero"} {
		t.Run(init, func(t *testing.T) {
			outer := ts.NewScope()
			defer outer.Close()
			c := tiny("none", init)
			c.Dropout, c.AttentionDropout, c.ActivationDropout = 0, 0, 0
			vs, m := build(t, c, 5)
			perturb(vs, 6)
			src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
			prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
			var folded, plain *ts.Tensor
			ts.NoGrad(func() {
				m.SetTraining(true)
				folded = m.Forward(src, prev)
				m.SetTraining(false)
				plain = m.Forward(src, prev)
			})
			if d := maxAbsDiff(folded, plain); d > tol(plain) {
				t.Fatalf("training-mode (folded) and eval-mode outputs differ by %g", d)
			}
		})
	}
}

// ForwardRows gives Forward's logits at the chosen positions, and the
// same gradients for a loss over them, for every norm/init pair (pre-LN's
// final LayerNorm applies per row).
func TestForwardRowsMatchesForward(t *testing.T) {
	for _, c := range combos {
		t.Run(c.norm+"/"+c.init, func(t *testing.T) {
			outer := ts.NewScope()
			defer outer.Close()
			cfg := tiny(c.norm, c.init)
			cfg.Dropout, cfg.AttentionDropout, cfg.ActivationDropout = 0, 0, 0
			vs, m := build(t, cfg, 7)
			perturb(vs, 8)
			m.SetTraining(false)
			src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
			prev := ids([][]int64{{2, 9, 10, 1, 1}, {2, 3, 4, 5, 6}})
			rows := []int64{0, 1, 2, 5, 6, 7, 8, 9} // row 0's padding left out
			idx := ts.MustOfSlice(rows)
			weights := ts.MustRandn([]int64{int64(len(rows)), int64(cfg.TgtVocab)}, gotch.Float, gotch.CPU)
			grads := func(loss *ts.Tensor) map[string][]float64 {
				for _, v := range vs.Variables() {
					if g := v.MustGrad(false); g.MustDefined() {
						g.MustZero_()
					}
				}
				loss.MustBackward()
				out := map[string][]float64{}
				for k, v := range vs.Variables() {
					out[k] = v.MustGrad(false).Float64Values()
				}
				return out
			}
			full := m.Forward(src, prev).MustView([]int64{-1, int64(cfg.TgtVocab)}, true).MustIndexSelect(0, idx, true)
			part := m.ForwardRows(src, prev, idx)
			if d := maxAbsDiff(full, part); d > tol(full) {
				t.Fatalf("ForwardRows differs from Forward's rows by %g", d)
			}
			gFull := grads(full.MustMul(weights, false).MustSum(gotch.Float, true))
			gPart := grads(part.MustMul(weights, false).MustSum(gotch.Float, true))
			for k, want := range gFull {
				scale := 1.0 // float32 sums in another order: 1e-5 of the largest entry
				for _, w := range want {
					scale = math.Max(scale, math.Abs(w))
				}
				for i := range want {
					if math.Abs(gPart[k][i]-want[i]) > 1e-5*scale {
						t.Fatalf("%s[%d]: gradient %g through ForwardRows, %g through Forward", k, i, gPart[k][i], want[i])
					}
				}
			}
		})
	}
}

func BenchmarkAttendOne(b *testing.B) {
	tch.LockThread()
	kernel.SetThreads(2)
	s := ts.NewScope()
	defer s.Close()
	const rows, h, c, n, dh = 500, 4, 64, 43, 64
	kc := ts.MustRandn([]int64{rows, h, c, dh}, gotch.Float, gotch.CPU)
	vc := ts.MustRandn([]int64{rows, h, c, dh}, gotch.Float, gotch.CPU)
	keys, vals := kc.MustNarrow(2, 0, n, false), vc.MustNarrow(2, 0, n, false)
	q := ts.MustRandn([]int64{rows, h, 1, dh}, gotch.Float, gotch.CPU)
	for _, fused := range []bool{true, false} {
		b.Run(map[bool]string{true: "kernel", false: "mulsum"}[fused], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				x := transformer.AttendOne(q, keys, vals, nil, fused)
				x.MustDrop()
			}
		})
	}
}
