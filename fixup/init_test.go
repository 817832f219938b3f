package fixup_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

var depths = [][2]int{{1, 1}, {2, 3}, {6, 6}, {12, 4}}

// branches visits every attention and FFN with its side ("enc"/"dec").
func branches(m *transformer.Model, attn func(side string, a *transformer.Attention), ffn func(side string, f *transformer.FFN)) {
	for _, l := range m.Encoder.Layers {
		attn("enc", l.SelfAttn)
		ffn("enc", l.FFN)
	}
	for _, l := range m.Decoder.Layers {
		attn("dec", l.SelfAttn)
		attn("dec", l.CrossAttn)
		ffn("dec", l.FFN)
	}
}

func residuals(m *transformer.Model) []*transformer.Residual {
	var r []*transformer.Residual
	for _, l := range m.Encoder.Layers {
		r = append(r, l.SelfRes, l.FFNRes)
	}
	for _, l := range m.Decoder.Layers {
		r = append(r, l.SelfRes, l.CrossRes, l.FFNRes)
	}
	return r
}

func countNames(m map[string]ts.Tensor, sub string) int {
	n := 0
	for k := range m {
		if strings.Contains(k, sub) {
			n++
		}
	}
	return n
}

// The default init is plain Xavier: the stacked q/k/v within the
// Xavier-uniform bound of a [3D, D] matrix (= per-slice gain 1/sqrt 2) and
// reaching it, biases zero, LayerNorms at (1, 0).
func TestDefaultInit(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, d := range depths {
		c := cfg(d[0], d[1], 32, "post", "default")
		vs, m := build(t, c, 1)
		b := transformer.XavierUniformBound(3*c.Dim, c.Dim, 1)
		if b2 := transformer.XavierUniformBound(c.Dim, c.Dim, 1/math.Sqrt2); math.Abs(b-b2) > 1e-12 {
			t.Fatalf("stacked bound %g != per-slice gain 1/sqrt2 bound %g", b, b2)
		}
		branches(m, func(_ string, a *transformer.Attention) {
			if mx := maxAbs(a.InProj); mx > b || mx < 0.95*b {
				t.Errorf("q/k/v max %g, bound %g", mx, b)
			}
			if !allEqual(a.InBias, 0) || !allEqual(a.OutBias, 0) {
				t.Errorf("attention biases not zero")
			}
		}, func(_ string, f *transformer.FFN) {
			if !allEqual(f.FC1Bias, 0) || !allEqual(f.FC2Bias, 0) {
				t.Errorf("FFN biases not zero")
			}
			if mx := maxAbs(f.FC1); mx > transformer.XavierUniformBound(c.FFNDim, c.Dim, 1) {
				t.Errorf("fc1 beyond Xavier bound")
			}
		})
		for _, r := range residuals(m) {
			if r.Norm == nil || !allEqual(r.Norm.Weight, 1) || !allEqual(r.Norm.Bias, 0) || r.Bias != nil || r.Scale != nil || r.Alpha != 1 {
				t.Errorf("default residual %+v", r)
			}
		}
		emb := m.Encoder.Embed
		if !allEqual(emb.MustSelect(0, int64(c.Pad), false), 0) {
			t.Errorf("padding embedding not zero")
		}
		if sd := std(emb); math.Abs(sd-math.Pow(float64(c.Dim), -0.5)) > 0.1*math.Pow(float64(c.Dim), -0.5) {
			t.Errorf("embedding std %g, want ~%g", sd, math.Pow(float64(c.Dim), -0.5))
		}
		if n := countNames(vs.Variables(), "layer_norm"); n != 2*(2*d[0]+3*d[1]) {
			t.Errorf("%d LayerNorm tensors, want %d", n, 2*(2*d[0]+3*d[1]))
		}
	}
}

// Fixup's facts against the default (plain Xavier) init under the same
// seed: q/k/v exactly L^(-1/6) times, fc1 exactly L^(-1/2) times, the
// output layers zero, no biases inside branches, scalars at 0 and 1.
func TestFixupInit(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, d := range depths {
		t.Run(fmt.Sprintf("%d+%d", d[0], d[1]), func(t *testing.T) {
			c := cfg(d[0], d[1], 16, "none", "fixup")
			_, base := build(t, cfg(d[0], d[1], 16, "none", "default"), 9)
			vs, m := build(t, c, 9)
			L := float64(2*d[0] + 3*d[1])
			if fixup.L(c) != int(L) {
				t.Fatalf("L = %d", fixup.L(c))
			}
			qs, fs := fixup.Scales(c)
			if math.Abs(qs-math.Pow(L, -1.0/6)) > 1e-15 || math.Abs(fs-math.Pow(L, -0.5)) > 1e-15 {
				t.Fatalf("scales %g %g", qs, fs)
			}
			var ba []*transformer.Attention
			var bf []*transformer.FFN
			branches(base, func(_ string, a *transformer.Attention) { ba = append(ba, a) }, func(_ string, f *transformer.FFN) { bf = append(bf, f) })
			i, j := 0, 0
			branches(m, func(_ string, a *transformer.Attention) {
				if !scaledBy(a.InProj, ba[i].InProj, qs) {
					t.Errorf("attention %d: q/k/v not L^-1/6 x Xavier", i)
				}
				if !allEqual(a.OutProj, 0) || a.InBias != nil || a.OutBias != nil {
					t.Errorf("attention %d: out_proj not zero or biases present", i)
				}
				i++
			}, func(_ string, f *transformer.FFN) {
				if !scaledBy(f.FC1, bf[j].FC1, fs) {
					t.Errorf("ffn %d: fc1 not L^-1/2 x Xavier", j)
				}
				if !allEqual(f.FC2, 0) || f.FC1Bias != nil || f.FC2Bias != nil {
					t.Errorf("ffn %d: fc2 not zero or biases present", j)
				}
				if !allEqual(f.Bias2, 0) || !allEqual(f.Bias3, 0) {
					t.Errorf("ffn %d: scalar biases not 0", j)
				}
				j++
			})
			for _, r := range residuals(m) {
				if r.Norm != nil || !allEqual(r.Bias, 0) || !allEqual(r.Scale, 1) {
					t.Errorf("residual: norm %v bias/scale wrong", r.Norm)
				}
			}
			if !allEqual(m.Encoder.OutScale, 1) || !allEqual(m.Encoder.OutBias, 0) || !allEqual(m.Decoder.OutBias, 0) {
				t.Errorf("encoder/decoder output scalars wrong")
			}
			if !allEqual(m.Decoder.OutProj, 0) {
				t.Errorf("output projection not zero")
			}
			if !m.Encoder.Embed.MustEqual(base.Encoder.Embed, false) || !m.Decoder.Embed.MustEqual(base.Decoder.Embed, false) {
				t.Errorf("embeddings differ from N(0, d^-1/2)")
			}
			vars := vs.Variables()
			wantScalars := 6*d[0] + 8*d[1] + 3
			scalars := 0
			for _, v := range vars {
				if sz := v.MustSize(); len(sz) == 1 && sz[0] == 1 {
					scalars++
				}
			}
			if scalars != wantScalars || countNames(vars, "layer_norm") != 0 || countNames(vars, "bias") != wantScalars-(2*d[0]+3*d[1]+1) {
				t.Errorf("%d scalars (want %d), %d LayerNorm tensors, %d with 'bias'", scalars, wantScalars, countNames(vars, "layer_norm"), countNames(vars, "bias"))
			}
		})
	}
}

// T-Fixup's factors against the default init under the same seed.
func TestTFixupInit(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, d := range depths {
		t.Run(fmt.Sprintf("%d+%d", d[0], d[1]), func(t *testing.T) {
			c := cfg(d[0], d[1], 16, "none", "t-fixup")
			_, base := build(t, cfg(d[0], d[1], 16, "none", "default"), 9)
			_, m := build(t, c, 9)
			es, ds, se, te := fixup.TFixupScales(c)
			N, M := float64(d[0]), float64(d[1])
			if math.Abs(es-0.67*math.Pow(N, -0.25)) > 1e-15 || math.Abs(ds-math.Pow(9*M, -0.25)) > 1e-15 ||
				math.Abs(se-math.Pow(9*N, -0.25)) > 1e-15 || math.Abs(te-ds) > 1e-15 {
				t.Fatalf("factors %g %g %g %g", es, ds, se, te)
			}
			var ba []*transformer.Attention
			var bf []*transformer.FFN
			branches(base, func(_ string, a *transformer.Attention) { ba = append(ba, a) }, func(_ string, f *transformer.FFN) { bf = append(bf, f) })
			i, j := 0, 0
			factor := map[string]float64{"enc": es, "dec": ds}
			branches(m, func(side string, a *transformer.Attention) {
				f, b := factor[side], ba[i]
				if !scaledBy(a.V(), b.V(), math.Sqrt2*f) || !scaledBy(a.OutProj, b.OutProj, f) {
					t.Errorf("%s attention %d: v/out not scaled by %g", side, i, f)
				}
				if !a.Q().MustEqual(b.Q(), false) || !a.K().MustEqual(b.K(), false) {
					t.Errorf("%s attention %d: q/k changed", side, i)
				}
				if !allEqual(a.InBias, 0) || !allEqual(a.OutBias, 0) {
					t.Errorf("biases not zero")
				}
				i++
			}, func(side string, fn *transformer.FFN) {
				f := factor[side]
				if !scaledBy(fn.FC1, bf[j].FC1, f) || !scaledBy(fn.FC2, bf[j].FC2, f) {
					t.Errorf("%s ffn %d not scaled by %g", side, j, f)
				}
				j++
			})
			if !scaledBy(m.Encoder.Embed, base.Encoder.Embed, se) || !scaledBy(m.Decoder.Embed, base.Decoder.Embed, te) {
				t.Errorf("embeddings not scaled")
			}
			if !m.Decoder.OutProj.MustEqual(base.Decoder.OutProj, false) {
				t.Errorf("output projection changed")
			}
			for _, r := range residuals(m) {
				if r.Norm != nil || r.Bias != nil || r.Scale != nil {
					t.Errorf("t-fixup residual has norm or scalars")
				}
			}
		})
	}
}

// DeepNorm: residual alpha per side; FFN, v and out Xavier-normal with gain
// beta, q and k with gain 1 (checked on the standard deviation).
func TestDeepNormInit(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, d := range depths {
		t.Run(fmt.Sprintf("%d+%d", d[0], d[1]), func(t *testing.T) {
			c := cfg(d[0], d[1], 64, "post", "deepnorm")
			_, m := build(t, c, 9)
			N, M := float64(d[0]), float64(d[1])
			ae, ad := c.DeepNormAlpha()
			be, bd := c.DeepNormBeta()
			if math.Abs(ae-0.81*math.Pow(N*N*N*N*M, 1.0/16)) > 1e-12 || math.Abs(ad-math.Pow(3*M, 0.25)) > 1e-12 ||
				math.Abs(be-0.87*math.Pow(N*N*N*N*M, -1.0/16)) > 1e-12 || math.Abs(bd-math.Pow(12*M, -0.25)) > 1e-12 {
				t.Fatalf("alpha/beta %g %g %g %g", ae, ad, be, bd)
			}
			for _, l := range m.Encoder.Layers {
				if l.SelfRes.Alpha != ae || l.FFNRes.Alpha != ae || l.SelfRes.Norm == nil {
					t.Errorf("encoder alpha %g, want %g", l.SelfRes.Alpha, ae)
				}
			}
			for _, l := range m.Decoder.Layers {
				if l.SelfRes.Alpha != ad || l.CrossRes.Alpha != ad || l.FFNRes.Alpha != ad {
					t.Errorf("decoder alpha %g, want %g", l.SelfRes.Alpha, ad)
				}
			}
			beta := map[string]float64{"enc": be, "dec": bd}
			D, F := float64(c.Dim), float64(c.FFNDim)
			near := func(what string, got, want float64) {
				if math.Abs(got-want) > 0.1*want {
					t.Errorf("%s: std %g, want %g", what, got, want)
				}
			}
			branches(m, func(side string, a *transformer.Attention) {
				sq := math.Sqrt(2 / (2 * D))
				near(side+" q", std(a.Q()), sq)
				near(side+" k", std(a.K()), sq)
				near(side+" v", std(a.V()), beta[side]*sq)
				near(side+" out", std(a.OutProj), beta[side]*sq)
			}, func(side string, f *transformer.FFN) {
				sf := math.Sqrt(2 / (D + F))
				near(side+" fc1", std(f.FC1), beta[side]*sf)
				near(side+" fc2", std(f.FC2), beta[side]*sf)
			})
		})
	}
}

// ReZero: one gate per layer, shared by its branches, at 0; no LayerNorm;
// weights as the default init.
func TestRezeroInit(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, d := range depths {
		c := cfg(d[0], d[1], 16, "none", "rezero")
		_, base := build(t, cfg(d[0], d[1], 16, "none", "default"), 9)
		vs, m := build(t, c, 9)
		if n := countNames(vs.Variables(), "rezero_alpha"); n != d[0]+d[1] {
			t.Errorf("%d gates, want %d", n, d[0]+d[1])
		}
		for _, l := range m.Encoder.Layers {
			if l.Gate == nil || !allEqual(l.Gate, 0) || l.SelfRes.Scale != l.Gate || l.FFNRes.Scale != l.Gate || l.SelfRes.Norm != nil {
				t.Errorf("encoder gate wrong")
			}
		}
		for _, l := range m.Decoder.Layers {
			if l.Gate == nil || !allEqual(l.Gate, 0) || l.CrossRes.Scale != l.Gate {
				t.Errorf("decoder gate wrong")
			}
		}
		if !m.Decoder.Layers[0].FFN.FC1.MustEqual(base.Decoder.Layers[0].FFN.FC1, false) {
			t.Errorf("rezero weights differ from default")
		}
	}
}

func TestNewRejectsBadCombination(t *testing.T) {
	tch.LockThread()
	_, err := fixup.New(nil, cfg(2, 2, 16, "post", "fixup"))
	if err == nil || !strings.Contains(err.Error(), "fixup with none") {
		t.Fatalf("fixup with post norm: %v", err)
	}
}
