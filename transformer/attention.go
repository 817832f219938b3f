package transformer

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
)

// Attention is fairseq's MultiheadAttention with q, k and v fused into one
// stacked projection. q is scaled by head_dim^-1/2 after projection, softmax
// runs in float32, dropout applies to the attention weights.
type Attention struct {
	Dim, Heads int
	InProj     *ts.Tensor // [3D, D]: rows 0..D-1 project q, D..2D-1 k, 2D..3D-1 v
	InBias     *ts.Tensor // [3D], nil without linear biases (fixup)
	OutProj    *ts.Tensor // [D, D]
	OutBias    *ts.Tensor // [D], nil without linear biases
	dropout    float64
	scale      float64
}

func newAttention(p *nn.Path, c Config) *Attention {
	d := int64(c.Dim)
	a := &Attention{Dim: c.Dim, Heads: c.Heads, dropout: c.AttentionDropout,
		scale: 1 / math.Sqrt(float64(c.Dim/c.Heads))}
	a.InProj = p.MustZeros("in_proj_weight", []int64{3 * d, d})
	if c.LinearBiases() {
		a.InBias = p.MustZeros("in_proj_bias", []int64{3 * d})
	}
	a.OutProj = p.Sub("out_proj").MustZeros("weight", []int64{d, d})
	if c.LinearBiases() {
		a.OutBias = p.Sub("out_proj").MustZeros("bias", []int64{d})
	}
	return a
}

// Q, K and V return the slices of the stacked projection [D, D] (views).
func (a *Attention) Q() *ts.Tensor { return a.InProj.MustNarrow(0, 0, int64(a.Dim), false) }
func (a *Attention) K() *ts.Tensor { return a.InProj.MustNarrow(0, int64(a.Dim), int64(a.Dim), false) }
func (a *Attention) V() *ts.Tensor {
	return a.InProj.MustNarrow(0, 2*int64(a.Dim), int64(a.Dim), false)
}

func narrowOpt(t *ts.Tensor, start, n int64) *ts.Tensor {
	if t == nil {
		return nil
	}
	return t.MustNarrow(0, start, n, false)
}

// selfAttn is full-sequence self-attention.
// x: [B, T, D]; mask: additive float mask broadcastable to [B*H, T, T]
// (-inf where a query may not look), or nil. Returns [B, T, D].
func (a *Attention) selfAttn(x, mask *ts.Tensor, train bool) *ts.Tensor {
	sz := x.MustSize()
	b, t := sz[0], sz[1]
	h, dh := int64(a.Heads), int64(a.Dim/a.Heads)
	qkv := ts.MustLinear(x, a.InProj, a.InBias). // [B, T, 3D]
							MustView([]int64{b, t, 3, h, dh}, true).
							MustPermute([]int64{2, 0, 3, 1, 4}, true).
							MustContiguous(true) // [3, B, H, T, dh]
	q := qkv.MustSelect(0, 0, false).MustView([]int64{b * h, t, dh}, true)
	k := qkv.MustSelect(0, 1, false).MustView([]int64{b * h, t, dh}, true)
	v := qkv.MustSelect(0, 2, false).MustView([]int64{b * h, t, dh}, true)
	return a.attend(q, k, v, mask, b, t, train)
}

// projectKV projects encoder output enc [B, S, D] to keys and values
// [2, B, H, S, dh] (contiguous).
func (a *Attention) projectKV(enc *ts.Tensor) *ts.Tensor {
	sz := enc.MustSize()
	b, s := sz[0], sz[1]
	h, dh, d := int64(a.Heads), int64(a.Dim/a.Heads), int64(a.Dim)
	return ts.MustLinear(enc, a.InProj.MustNarrow(0, d, 2*d, false), narrowOpt(a.InBias, d, 2*d)).
		MustView([]int64{b, s, 2, h, dh}, true).
		MustPermute([]int64{2, 0, 3, 1, 4}, true).
		MustContiguous(true)
}

// crossAttn attends from x [B, T, D] to keys/values kv [2, B, H, S, dh]
// under mask (additive, broadcastable to [B*H, T, S]). Returns [B, T, D].
func (a *Attention) crossAttn(x, kv, mask *ts.Tensor, train bool) *ts.Tensor {
	sz := x.MustSize()
	b, t := sz[0], sz[1]
	h, dh, d := int64(a.Heads), int64(a.Dim/a.Heads), int64(a.Dim)
	s := kv.MustSize()[3]
	q := ts.MustLinear(x, a.InProj.MustNarrow(0, 0, d, false), narrowOpt(a.InBias, 0, d)).
		MustView([]int64{b, t, h, dh}, true).
		MustTranspose(1, 2, true).
		MustReshape([]int64{b * h, t, dh}, true)
	k := kv.MustSelect(0, 0, false).MustView([]int64{b * h, s, dh}, true)
	v := kv.MustSelect(0, 1, false).MustView([]int64{b * h, s, dh}, true)
	return a.attend(q, k, v, mask, b, t, train)
}

// attend: q [B*H, T, dh], k, v [B*H, S, dh] -> out-projected [B, T, D].
func (a *Attention) attend(q, k, v, mask *ts.Tensor, b, t int64, train bool) *ts.Tensor {
	kt := k.MustTranspose(1, 2, true)
	var scores *ts.Tensor
	if mask != nil {
		scores = mask.MustBaddbmm(q, kt, ts.FloatScalar(1), ts.FloatScalar(a.scale), false)
	} else {
		scores = q.MustMatmul(kt, false).MustMulScalar(ts.FloatScalar(a.scale), true)
	}
	probs := scores.MustSoftmax(-1, gotch.Float, true)
	probs = dropout(probs, a.dropout, train)
	h, dh := int64(a.Heads), int64(a.Dim/a.Heads)
	ctx := probs.MustMatmul(v, true). // [B*H, T, dh]
						MustView([]int64{b, h, t, dh}, true).
						MustTranspose(1, 2, true).
						MustReshape([]int64{b, t, int64(a.Dim)}, true)
	return ts.MustLinear(ctx, a.OutProj, a.OutBias)
}

// stepSelf runs one decoding step of self-attention: x [B, 1, D]; cache
// [2, Bcap, H, maxLen, dh] receives this step's key and value at position
// step (in place) and the query attends to positions 0..step.
func (a *Attention) stepSelf(x, cache *ts.Tensor, step int64) *ts.Tensor {
	b := x.MustSize()[0]
	h, dh := int64(a.Heads), int64(a.Dim/a.Heads)
	qkv := ts.MustLinear(x, a.InProj, a.InBias).MustView([]int64{b, 3, h, 1, dh}, true)
	q := qkv.MustSelect(1, 0, false).MustMulScalar(ts.FloatScalar(a.scale), true) // [B, H, 1, dh]
	kv := qkv.MustNarrow(1, 1, 2, false).MustTranspose(0, 1, true)                // [2, B, H, 1, dh]
	rows := cache.MustNarrow(1, 0, b, false)
	rows.MustNarrow(3, step, 1, false).Copy_(kv)
	past := rows.MustNarrow(3, 0, step+1, true) // [2, B, H, n, dh]
	k := past.MustSelect(0, 0, false)
	v := past.MustSelect(0, 1, false)
	return a.stepAttend(q, k, v, nil, b)
}

// stepCross runs one decoding step of encoder attention: x [B, 1, D],
// kv [2, B, H, S, dh], mask [B, 1, 1, S] additive or nil.
func (a *Attention) stepCross(x, kv, mask *ts.Tensor) *ts.Tensor {
	b := x.MustSize()[0]
	h, dh, d := int64(a.Heads), int64(a.Dim/a.Heads), int64(a.Dim)
	q := ts.MustLinear(x, a.InProj.MustNarrow(0, 0, d, false), narrowOpt(a.InBias, 0, d)).
		MustView([]int64{b, h, 1, dh}, true).
		MustMulScalar(ts.FloatScalar(a.scale), true)
	return a.stepAttend(q, kv.MustSelect(0, 0, false), kv.MustSelect(0, 1, false), mask, b)
}

// stepAttend: q [B, H, 1, dh] (already scaled), k, v [B, H, n, dh].
func (a *Attention) stepAttend(q, k, v, mask *ts.Tensor, b int64) *ts.Tensor {
	scores := q.MustMatmul(k.MustTranspose(2, 3, false), false) // [B, H, 1, n]
	if mask != nil {
		scores = scores.MustAdd(mask, true)
	}
	ctx := scores.MustSoftmax(-1, gotch.Float, true).
		MustMatmul(v, true). // [B, H, 1, dh]
		MustReshape([]int64{b, 1, int64(a.Dim)}, true)
	return ts.MustLinear(ctx, a.OutProj, a.OutBias)
}

func dropout(x *ts.Tensor, p float64, train bool) *ts.Tensor {
	if !train || p == 0 {
		return x
	}
	return ts.MustDropout(x, p, true)
}
