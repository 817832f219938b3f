package transformer

import (
	"math"

	"github.com/sugarme/gotch/ts"
)

// Initialisers used by New (fairseq's default) and by package fixup. Each
// fills a parameter in place without recording gradients. w is [out, in].

// XavierUniform fills w with U(-b, b), b = gain*sqrt(6/(fan_in+fan_out)).
func XavierUniform(w *ts.Tensor, gain float64) {
	b := gain * math.Sqrt(6/float64(fanSum(w)))
	ts.NoGrad(func() { w.MustUniform_(-b, b) })
}

// XavierNormal fills w with N(0, s^2), s = gain*sqrt(2/(fan_in+fan_out)).
func XavierNormal(w *ts.Tensor, gain float64) {
	s := gain * math.Sqrt(2/float64(fanSum(w)))
	ts.NoGrad(func() { w.MustNormal_(0, s) })
}

// XavierUniformBound is the b of XavierUniform for a [out, in] matrix.
func XavierUniformBound(out, in int, gain float64) float64 {
	return gain * math.Sqrt(6/float64(out+in))
}

// Normal fills w with N(0, std^2).
func Normal(w *ts.Tensor, std float64) { ts.NoGrad(func() { w.MustNormal_(0, std) }) }

// Scale multiplies w by s in place.
func Scale(w *ts.Tensor, s float64) { ts.NoGrad(func() { w.MustMulScalar_(ts.FloatScalar(s)) }) }

// Fill sets every element of w to v.
func Fill(w *ts.Tensor, v float64) { ts.NoGrad(func() { w.MustFill_(ts.FloatScalar(v)) }) }

// ZeroRow zeroes row i of w (the padding embedding).
func ZeroRow(w *ts.Tensor, i int) {
	ts.NoGrad(func() {
		r := w.MustSelect(0, int64(i), false)
		r.MustZero_()
		r.MustDrop()
	})
}

func fanSum(w *ts.Tensor) int64 {
	sz := w.MustSize()
	return sz[0] + sz[1]
}

// initDefault applies fairseq's initialisation: embeddings N(0, D^-1/2)
// with the padding row zero; q/k/v Xavier-uniform with gain 1/sqrt(2)
// (which equals Xavier-uniform over the stacked [3D, D] matrix); attention
// output, fc1 and fc2 Xavier-uniform; an unshared output projection
// N(0, D^-1/2); biases zero, LayerNorm weight 1 and bias 0 (as created).
// The draws happen in a fixed order (embeddings; encoder layers; decoder
// layers; output projection), so inits that rescale these weights give
// exactly c times the default ones under the same seed.
func (m *Model) initDefault() {
	c := m.cfg
	std := math.Pow(float64(c.Dim), -0.5)
	Normal(m.Encoder.Embed, std)
	ZeroRow(m.Encoder.Embed, c.Pad)
	if !c.ShareAll {
		Normal(m.Decoder.Embed, std)
		ZeroRow(m.Decoder.Embed, c.Pad)
	}
	attn := func(a *Attention) {
		XavierUniform(a.InProj, 1) // == per-slice gain 1/sqrt(2): sqrt(6/4D) both ways
		XavierUniform(a.OutProj, 1)
	}
	ffn := func(f *FFN) {
		XavierUniform(f.FC1, 1)
		XavierUniform(f.FC2, 1)
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
	if !m.Decoder.shared {
		Normal(m.Decoder.OutProj, std)
	}
}
