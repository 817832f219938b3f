package transformer

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
)

// EncoderLayer is self-attention then FFN, each in a Residual.
type EncoderLayer struct {
	SelfAttn *Attention
	SelfRes  *Residual
	FFN      *FFN
	FFNRes   *Residual
	Gate     *ts.Tensor // [1] rezero gate shared by both branches; nil otherwise
}

func newEncoderLayer(p *nn.Path, c Config) *EncoderLayer {
	alpha, _ := c.DeepNormAlpha()
	l := &EncoderLayer{}
	if c.Rezero() {
		l.Gate = p.MustZeros("rezero_alpha", []int64{1})
	}
	l.SelfAttn = newAttention(p.Sub("self_attn"), c)
	l.SelfRes = newResidual(p, c, "self_attn", "self_attn_layer_norm", alpha, l.Gate)
	l.FFN = newFFN(p, c)
	l.FFNRes = newResidual(p, c, "ffn", "final_layer_norm", alpha, l.Gate)
	l.SelfRes.foldInto(&l.SelfAttn.outScale)
	l.FFNRes.foldInto(&l.FFN.outScale)
	return l
}

// forward: x [B, S, D], mask [B*H, 1, S] additive. Returns [B, S, D].
func (l *EncoderLayer) forward(x, mask *ts.Tensor, train bool) *ts.Tensor {
	x = l.SelfRes.merge(x, l.SelfAttn.selfAttn(l.SelfRes.branchInput(x), mask, train), train)
	return l.FFNRes.merge(x, l.FFN.forward(l.FFNRes.branchInput(x), train), train)
}

// Encoder embeds the source and runs the encoder layers.
type Encoder struct {
	Embed     *ts.Tensor // [SrcVocab, D] (shared with the decoder under ShareAll)
	Layers    []*EncoderLayer
	FinalNorm *LayerNorm // pre-norm only
	OutScale  *ts.Tensor // [1] fixup multiplier on the encoder output (init 1)
	OutBias   *ts.Tensor // [1] fixup scalar bias on the encoder output (init 0)
}

func newEncoder(p *nn.Path, c Config) *Encoder {
	e := &Encoder{Embed: p.Sub("embed_tokens").MustZeros("weight", []int64{int64(c.SrcVocab), int64(c.Dim)})}
	lp := p.Sub("layers")
	for i := 0; i < c.EncoderLayers; i++ {
		e.Layers = append(e.Layers, newEncoderLayer(lp.Sub(itoa(i)), c))
	}
	if c.Norm == "pre" {
		e.FinalNorm = newLayerNorm(p.Sub("layer_norm"), c.Dim)
	}
	if c.FixupScalars() {
		e.OutScale = p.MustOnes("out_scale", []int64{1})
		e.OutBias = p.MustZeros("out_bias", []int64{1})
	}
	return e
}

// EncoderOut is the encoder's result for a batch. Its tensors belong to the
// scope current when Encode ran (or to the caller when none); Free drops
// them early.
type EncoderOut struct {
	Out  *ts.Tensor // [B, S, D]
	Mask *ts.Tensor // [B, 1, 1, S] float32: 0 at tokens, -inf at source padding
}

// Free drops the tensors of e.
func (e *EncoderOut) Free() {
	e.Out.MustDrop()
	e.Mask.MustDrop()
}

// Encode runs the encoder. src: [B, S] int64, left-padded with Pad.
func (m *Model) Encode(src *ts.Tensor) *EncoderOut {
	e := m.Encoder
	mask := keyMask(src, m.cfg.Pad)
	hm := headMask(mask, int64(m.cfg.Heads))
	x := m.embed(e.Embed, src, m.train)
	for _, l := range e.Layers {
		x = l.forward(x, hm, m.train)
	}
	if e.FinalNorm != nil {
		x = e.FinalNorm.forward(x)
	}
	if e.OutScale != nil {
		x = x.MustMul(e.OutScale, true).MustAdd(e.OutBias, true)
	}
	hm.MustDrop()
	return &EncoderOut{Out: x, Mask: mask}
}

// keyMask: tokens [B, S] -> additive mask [B, 1, 1, S], -inf at Pad.
func keyMask(tokens *ts.Tensor, pad int) *ts.Tensor {
	sz := tokens.MustSize()
	isPad := tokens.MustEq(ts.IntScalar(int64(pad)), false)
	m := ts.MustZeros(sz, gotch.Float, tokens.MustDevice()).
		MustMaskedFill(isPad, ts.FloatScalar(math.Inf(-1)), true)
	isPad.MustDrop()
	return m.MustView([]int64{sz[0], 1, 1, sz[1]}, true)
}

// headMask: mask [B, 1, Tq, S] -> [B*H, Tq, S] (the batch layout of the
// attention scores).
func headMask(mask *ts.Tensor, h int64) *ts.Tensor {
	sz := mask.MustSize()
	return mask.MustExpand([]int64{sz[0], h, sz[2], sz[3]}, false, false).
		MustReshape([]int64{sz[0] * h, sz[2], sz[3]}, true)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
