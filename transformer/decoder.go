package transformer

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// DecoderLayer is causal self-attention, encoder attention, then FFN, each
// in a Residual.
type DecoderLayer struct {
	SelfAttn  *Attention
	SelfRes   *Residual
	CrossAttn *Attention
	CrossRes  *Residual
	FFN       *FFN
	FFNRes    *Residual
	Gate      *ts.Tensor // [1] rezero gate shared by the three branches; nil otherwise
}

func newDecoderLayer(p *nn.Path, c Config) *DecoderLayer {
	_, alpha := c.DeepNormAlpha()
	l := &DecoderLayer{}
	if c.Rezero() {
		l.Gate = p.MustZeros("rezero_alpha", []int64{1})
	}
	l.SelfAttn = newAttention(p.Sub("self_attn"), c)
	l.SelfRes = newResidual(p, c, "self_attn", "self_attn_layer_norm", alpha, l.Gate)
	l.CrossAttn = newAttention(p.Sub("encoder_attn"), c)
	l.CrossRes = newResidual(p, c, "encoder_attn", "encoder_attn_layer_norm", alpha, l.Gate)
	l.FFN = newFFN(p, c)
	l.FFNRes = newResidual(p, c, "ffn", "final_layer_norm", alpha, l.Gate)
	l.SelfRes.foldInto(&l.SelfAttn.outScale)
	l.CrossRes.foldInto(&l.CrossAttn.outScale)
	l.FFNRes.foldInto(&l.FFN.outScale)
	return l
}

// forward: x [B, T, D]; selfMask [B*H, T, T]; enc [B, S, D]; encMask
// [B*H, 1, S]. Returns [B, T, D].
func (l *DecoderLayer) forward(x, selfMask, enc, encMask *ts.Tensor, train bool) *ts.Tensor {
	x = l.SelfRes.merge(x, l.SelfAttn.selfAttn(l.SelfRes.branchInput(x), selfMask, train), train)
	kv := l.CrossAttn.projectKV(enc)
	x = l.CrossRes.merge(x, l.CrossAttn.crossAttn(l.CrossRes.branchInput(x), kv, encMask, train), train)
	kv.MustDrop()
	return l.FFNRes.merge(x, l.FFN.forward(l.FFNRes.branchInput(x), train), train)
}

// step is forward for one position of layer i of st: x [B, 1, D].
func (l *DecoderLayer) step(x *ts.Tensor, st *State, i int) *ts.Tensor {
	x = l.SelfRes.merge(x, l.SelfAttn.stepSelf(l.SelfRes.branchInput(x), st.k[i], st.v[i], st.step, st.cur), false)
	x = l.CrossRes.merge(x, l.CrossAttn.stepCross(l.CrossRes.branchInput(x), st.enc[i], st.mask, st.group), false)
	return l.FFNRes.merge(x, l.FFN.forward(l.FFNRes.branchInput(x), false), false)
}

// Decoder embeds the target prefix, runs the decoder layers and projects to
// the vocabulary.
type Decoder struct {
	Embed     *ts.Tensor // [TgtVocab, D]
	Layers    []*DecoderLayer
	FinalNorm *LayerNorm // pre-norm only
	OutBias   *ts.Tensor // [1] fixup scalar bias before the output projection
	OutProj   *ts.Tensor // [TgtVocab, D]; the same tensor as Embed when shared
	shared    bool
	packOut   *kernel.Packed // OutProj packed for decoding (Model.packDecoder), or nil
}

// SharedOutput reports whether OutProj is the target embedding.
func (d *Decoder) SharedOutput() bool { return d.shared }

func newDecoder(p *nn.Path, c Config, srcEmbed *ts.Tensor) *Decoder {
	d := &Decoder{}
	if c.ShareAll {
		d.Embed = srcEmbed
	} else {
		d.Embed = p.Sub("embed_tokens").MustZeros("weight", []int64{int64(c.TgtVocab), int64(c.Dim)})
	}
	lp := p.Sub("layers")
	for i := 0; i < c.DecoderLayers; i++ {
		d.Layers = append(d.Layers, newDecoderLayer(lp.Sub(itoa(i)), c))
	}
	if c.Norm == "pre" {
		d.FinalNorm = newLayerNorm(p.Sub("layer_norm"), c.Dim)
	}
	if c.FixupScalars() {
		d.OutBias = p.MustZeros("out_bias", []int64{1})
	}
	if c.ShareAll || c.ShareDecoderInputOutput {
		d.OutProj, d.shared = d.Embed, true
	} else {
		d.OutProj = p.Sub("output_projection").MustZeros("weight", []int64{int64(c.TgtVocab), int64(c.Dim)})
	}
	return d
}

// output: x [..., D] -> logits [..., V].
func (d *Decoder) output(x *ts.Tensor) *ts.Tensor {
	if d.FinalNorm != nil {
		x = d.FinalNorm.forward(x)
	}
	if d.OutBias != nil {
		x = x.MustAdd(d.OutBias, false)
	}
	return linear(x, d.OutProj, nil, d.packOut)
}

// Decode is the teacher-forced decoder pass. prev: [B, T] int64 (EOS then
// the target shifted right, right-padded). Returns logits [B, T, V]
// float32, owned by the caller (or the current scope).
func (m *Model) Decode(prev *ts.Tensor, enc *EncoderOut) *ts.Tensor {
	return m.Decoder.output(m.decodeHidden(prev, enc))
}

// decodeHidden is Decode up to the output layer: [B, T, D].
func (m *Model) decodeHidden(prev *ts.Tensor, enc *EncoderOut) *ts.Tensor {
	d := m.Decoder
	sz := prev.MustSize()
	t := sz[1]
	h := int64(m.cfg.Heads)
	causal := ts.MustFull([]int64{t, t}, ts.FloatScalar(math.Inf(-1)), gotch.Float, prev.MustDevice()).MustTriu(1, true)
	pad := keyMask(prev, m.cfg.Pad)                    // [B, 1, 1, T]
	selfMask := headMask(pad.MustAdd(causal, true), h) // [B*H, T, T]
	encMask := headMask(enc.Mask, h)                   // [B*H, 1, S]
	x := m.embed(d.Embed, prev, m.train)
	for _, l := range d.Layers {
		x = l.forward(x, selfMask, enc.Out, encMask, m.train)
	}
	causal.MustDrop()
	selfMask.MustDrop()
	encMask.MustDrop()
	return x
}
