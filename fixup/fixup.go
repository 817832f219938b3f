package fixup

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/transformer"
)

// Inits lists the initialisation names New accepts.
func Inits() []string { return []string{"default", "fixup", "t-fixup", "deepnorm", "rezero"} }

// New validates cfg, builds the model with the structure cfg.Init needs
// (scalar biases and multipliers, no linear biases, deepnorm's alpha,
// rezero gates) under p and applies the initialisation. Parameters are
// drawn from libtorch's generator: seed it with transformer.ManualSeed.
func New(p *nn.Path, cfg transformer.Config) (*transformer.Model, error) {
	m, err := transformer.New(p, cfg)
	if err != nil {
		return nil, err
	}
	switch cfg.Init {
	case "default", "rezero":
		// transformer.New's default initialisation; rezero gates start at 0.
	case "fixup":
		applyFixup(m)
	case "t-fixup":
		applyTFixup(m)
	case "deepnorm":
		applyDeepNorm(m)
	default:
		return nil, fmt.Errorf("fixup: unknown init %q", cfg.Init)
	}
	return m, nil
}

// L is Fixup's number of residual branches, 2*enc + 3*dec.
func L(c transformer.Config) int { return 2*c.EncoderLayers + 3*c.DecoderLayers }

// Scales returns Fixup's factors against plain Xavier: L^(-1/6) for
// the stacked q/k/v (m = 4), L^(-1/2) for fc1 (m = 2).
func Scales(c transformer.Config) (qkv, fc1 float64) {
	l := float64(L(c))
	return math.Pow(l, -1.0/6), math.Pow(l, -0.5)
}

// TFixupScales returns T-Fixup's factors: encoder weights 0.67*N^(-1/4),
// decoder weights (9M)^(-1/4), source and target embeddings (9N)^(-1/4)
// and (9M)^(-1/4).
func TFixupScales(c transformer.Config) (enc, dec, srcEmb, tgtEmb float64) {
	n, m := float64(c.EncoderLayers), float64(c.DecoderLayers)
	return 0.67 * math.Pow(n, -0.25), math.Pow(9*m, -0.25), math.Pow(9*n, -0.25), math.Pow(9*m, -0.25)
}

func applyFixup(m *transformer.Model) {
	qs, fs := Scales(m.Config())
	attn := func(a *transformer.Attention) {
		transformer.Scale(a.InProj, qs)
		transformer.Fill(a.OutProj, 0)
	}
	ffn := func(f *transformer.FFN) {
		transformer.Scale(f.FC1, fs)
		transformer.Fill(f.FC2, 0)
	}
	for _, l := range m.Encoder.Layers {
		attn(l.SelfAttn)
		ffn(l.FFN)
	}
	for _, l := range m.Decoder.Layers {
		attn(l.SelfAttn)
		attn(l.CrossAttn)
		ffn(l.FFN)
	}
	if !m.Decoder.SharedOutput() {
		transformer.Fill(m.Decoder.OutProj, 0)
	}
}

// eachBranch calls attn for every attention and ffn for every FFN of the
// model, with enc for the encoder's and dec for the decoder's.
func eachBranch(m *transformer.Model, enc, dec float64, attn func(*transformer.Attention, float64), ffn func(*transformer.FFN, float64)) {
	for _, l := range m.Encoder.Layers {
		attn(l.SelfAttn, enc)
		ffn(l.FFN, enc)
	}
	for _, l := range m.Decoder.Layers {
		attn(l.SelfAttn, dec)
		attn(l.CrossAttn, dec)
		ffn(l.FFN, dec)
	}
}

func applyTFixup(m *transformer.Model) {
	c := m.Config()
	es, ds, se, te := TFixupScales(c)
	attn := func(a *transformer.Attention, s float64) {
		v := a.V()
		transformer.Scale(v, math.Sqrt2*s) // gain 1/sqrt(2) -> 1, then the T-Fixup factor
		v.MustDrop()
		transformer.Scale(a.OutProj, s)
	}
	ffn := func(f *transformer.FFN, s float64) {
		transformer.Scale(f.FC1, s)
		transformer.Scale(f.FC2, s)
	}
	eachBranch(m, es, ds, attn, ffn)
	if c.ShareAll {
		transformer.Scale(m.Encoder.Embed, te)
		return
	}
	transformer.Scale(m.Encoder.Embed, se)
	transformer.Scale(m.Decoder.Embed, te)
}

func applyDeepNorm(m *transformer.Model) {
	be, bd := m.Config().DeepNormBeta()
	attn := func(a *transformer.Attention, beta float64) {
		q, k, v := a.Q(), a.K(), a.V()
		transformer.XavierNormal(q, 1)
		transformer.XavierNormal(k, 1)
		transformer.XavierNormal(v, beta)
		q.MustDrop()
		k.MustDrop()
		v.MustDrop()
		transformer.XavierNormal(a.OutProj, beta)
	}
	ffn := func(f *transformer.FFN, beta float64) {
		transformer.XavierNormal(f.FC1, beta)
		transformer.XavierNormal(f.FC2, beta)
	}
	eachBranch(m, be, bd, attn, ffn)
}
