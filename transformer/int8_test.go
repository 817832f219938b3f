package transformer_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// TestInt8EveryNormInit: for every norm and init (Fixup's scalars and
// multipliers, rezero's gates, pre-norm's final norms), a model whose
// products run in int8 gives the float32 model's log-probabilities within
// 3% of their range (20% without norm under default init, the unstable
// baseline whose logits span hundreds), teacher-forced and incrementally;
// int8 incremental decoding (with a reorder into beams) equals int8 full
// passes within 1% of the range (inputs are quantized by rows, so a row's
// result does not depend on the others', but a difference of 1e-6 in an
// input can move it to the next step); the float32 storage of
// the quantized weights is gone, the embedding's is kept; and the model
// cannot be put back into training.
func TestInt8EveryNormInit(t *testing.T) {
	tch.LockThread()
	for _, c := range combos {
		for _, share := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/%s/shared=%v", c.norm, c.init, share), func(t *testing.T) {
				outer := ts.NewScope()
				defer outer.Close()
				cfg := tiny(c.norm, c.init)
				cfg.Dim, cfg.FFNDim = 128, 160 // head size 32: the attention kernel
				cfg.ShareDecoderInputOutput = share
				m, m8, vs8 := twins(t, cfg)
				if err := m8.QuantizeInt8(nil); err != nil {
					t.Fatal(err)
				}
				if !m8.Int8() || m.Int8() {
					t.Fatalf("Int8() = %v, %v", m8.Int8(), m.Int8())
				}
				src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
				prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
				var want, got *ts.Tensor
				ts.NoGrad(func() {
					want = m.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true)
					got = m8.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true)
				})
				scale := rangeOf(want)
				d := maxAbsDiff(got, want)
				limit := 0.03
				if c.norm == "none" && c.init == "default" {
					limit = 0.2
				}
				if d > limit*scale || d == 0 {
					t.Fatalf("|int8 - float32| = %g, range of the log-probabilities %g", d, scale)
				}
				t.Logf("|int8 - float32| = %.3g of a range of %.3g", d, scale)
				incremental(t, m8, src, prev, got, 0.01*scale)
				vars := vs8.Variables()
				fc1 := vars["decoder.layers.0.fc1.weight"]
				emb := vars["decoder.embed_tokens.weight"]
				if fc1.Numel() != 0 || emb.Numel() != uint(cfg.TgtVocab*cfg.Dim) {
					t.Errorf("after UseInt8: fc1 holds %d values, the target embedding %d", fc1.Numel(), emb.Numel())
				}
				func() {
					defer func() {
						if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "cannot train") {
							t.Errorf("SetTraining(true) on an int8 model: %v", r)
						}
					}()
					m8.SetTraining(true)
				}()
			})
		}
	}
}

// twins builds two models of cfg with the same perturbed weights, in
// evaluation mode: m to stay float32, m8 (with its store) to quantize.
func twins(t *testing.T, cfg transformer.Config) (m, m8 *transformer.Model, vs8 *nn.VarStore) {
	t.Helper()
	vs, m := build(t, cfg, 3)
	perturb(vs, 4)
	vs8, m8 = build(t, cfg, 3)
	perturb(vs8, 4)
	m.SetTraining(false)
	m8.SetTraining(false)
	return m, m8, vs8
}

// incremental checks m's steps (with a reorder into beams of 2) against
// its full pass want [B, T, V] within tol.
func incremental(t *testing.T, m *transformer.Model, src, prev, want *ts.Tensor, tol float64) {
	t.Helper()
	var enc *transformer.EncoderOut
	ts.NoGrad(func() { enc = m.Encode(src) }) // int8 products take no gradients
	st := m.NewState(enc, 16)
	defer st.Free()
	enc.Free()
	for i := int64(0); i < prev.MustSize()[1]; i++ {
		step := ts.NewScope()
		got := m.Step(prev.MustSelect(1, i, false), st)
		if d := maxAbsDiff(got, want.MustSelect(1, i, false)); d > tol {
			t.Fatalf("int8 step %d: |incremental - full| = %g > %g", i, d, tol)
		}
		step.Close()
	}
	st.Reorder([]int64{0, 0, 1, 1})
	step := ts.NewScope()
	defer step.Close()
	got := m.Step(ts.MustOfSlice([]int64{4, 5, 6, 7}), st)
	var full *ts.Tensor
	ts.NoGrad(func() {
		s := src.MustIndexSelect(0, ts.MustOfSlice([]int64{0, 0, 1, 1}), false)
		p := ts.MustCat([]*ts.Tensor{prev.MustIndexSelect(0, ts.MustOfSlice([]int64{0, 0, 1, 1}), false),
			ts.MustOfSlice([]int64{4, 5, 6, 7}).MustView([]int64{4, 1}, true)}, 1)
		full = m.Forward(s, p).MustLogSoftmax(-1, gotch.Float, true).MustSelect(1, 6, true)
	})
	if d := maxAbsDiff(got, full); d > tol {
		t.Fatalf("int8 after a reorder: |incremental - full| = %g > %g", d, tol)
	}
}

func rangeOf(x *ts.Tensor) float64 {
	v := values(x)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range v {
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	return hi - lo
}

// TestInt8Weights: Int8Weights names 2-D parameters of the model (the
// output projection under its own name, also where it is the embedding),
// UseInt8 asks for exactly those, nil keeps the output projection in
// float32, and a matrix of the wrong shape or a model on CUDA is refused.
func TestInt8Weights(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, share := range []bool{false, true} {
		cfg := tiny("none", "fixup")
		cfg.ShareDecoderInputOutput = share
		vs, m := build(t, cfg, 1)
		vars := vs.Variables()
		names := cfg.Int8Weights()
		if len(names) != 4*cfg.EncoderLayers+6*cfg.DecoderLayers+1 {
			t.Fatalf("%d names", len(names))
		}
		for _, n := range names {
			v, ok := vars[n]
			if n == transformer.OutputProjection && share {
				v, ok = vars["decoder.embed_tokens.weight"]
			}
			if !ok || v.Dim() != 2 {
				t.Errorf("shared %v: %s is not a 2-D parameter", share, n)
			}
		}
		var asked []string
		err := m.UseInt8(func(name string) (*quant.Matrix, error) {
			asked = append(asked, name)
			if name == transformer.OutputProjection {
				return nil, nil
			}
			w := vars[name]
			sz := w.MustSize()
			q, err := quant.Int8(w.Vals().([]float32), int(sz[0]), int(sz[1]))
			return &q, err
		})
		if err != nil || strings.Join(asked, ",") != strings.Join(names, ",") {
			t.Fatalf("UseInt8 asked for %v (%v), want %v", asked, err, names)
		}
	}
	_, m := build(t, tiny("post", "default"), 1)
	err := m.UseInt8(func(name string) (*quant.Matrix, error) {
		q, _ := quant.Int8(make([]float32, 6), 2, 3)
		return &q, nil
	})
	if err == nil || !strings.Contains(err.Error(), "int8 weight [2, 3] for a [48, 16] parameter") {
		t.Errorf("a matrix of the wrong shape: %v", err)
	}
}

// TestQuantizeInt8KeepsFloat32: the weights QuantizeInt8 is told to keep
// (here the encoder's) stay float32: the encoder's output equals the
// float32 model's bit for bit, while the decoder, in int8, differs from
// it within the quantization's error.
func TestQuantizeInt8KeepsFloat32(t *testing.T) {
	outer := ts.NewScope()
	defer outer.Close()
	cfg := tiny("none", "fixup")
	cfg.Dim, cfg.FFNDim = 128, 160
	m, m8, vs8 := twins(t, cfg)
	var asked []string
	err := m8.QuantizeInt8(func(name string) bool {
		asked = append(asked, name)
		return strings.HasPrefix(name, "encoder.")
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != len(cfg.Int8Weights()) {
		t.Fatalf("asked about %d weights, want %d", len(asked), len(cfg.Int8Weights()))
	}
	if fc1 := vs8.Variables()["encoder.layers.0.fc1.weight"]; fc1.Numel() != uint(cfg.FFNDim*cfg.Dim) {
		t.Errorf("the kept encoder's fc1 holds %d values", fc1.Numel())
	}
	src := ids([][]int64{{1, 1, 5, 6, 7, 2}, {8, 9, 10, 11, 12, 2}})
	prev := ids([][]int64{{2, 9, 10, 11, 4, 5}, {2, 3, 4, 5, 6, 7}})
	ts.NoGrad(func() {
		e, e8 := m.Encode(src), m8.Encode(src)
		if d := maxAbsDiff(e8.Out, e.Out); d != 0 {
			t.Errorf("encoder kept in float32: |int8 model - float32| = %g, want 0", d)
		}
		want := m.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true)
		got := m8.Forward(src, prev).MustLogSoftmax(-1, gotch.Float, true)
		if d := maxAbsDiff(got, want); d == 0 || d > 0.03*rangeOf(want) {
			t.Errorf("decoder in int8: |int8 - float32| = %g of a range of %g", d, rangeOf(want))
		}
	})
}
