package transformer

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
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
	outScale   *ts.Tensor // the Residual's multiplier, applied here in training (Residual.foldInto)

	packIn, packQ, packOut *kernel.Packed // InProj, Q() and OutProj packed for decoding (Model.packDecoder, UseInt8), or nil
	packKV                 *kernel.Packed // the key and value rows of InProj in int8 (UseInt8), or nil
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
	qkv := linear(x, a.InProj, a.InBias, a.packIn). // [B, T, 3D]
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
	return linear(enc, a.InProj.MustNarrow(0, d, 2*d, false), narrowOpt(a.InBias, d, 2*d), a.packKV).
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
	q := linear(x, a.Q(), narrowOpt(a.InBias, 0, d), a.packQ).
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
	scores := kernel.MustBaddbmm(mask, q, kt, a.scale) // products in bf16 inside kernel.WithBF16
	probs := scores.MustSoftmax(-1, gotch.Float, true)
	probs = dropout(probs, a.dropout, train)
	h, dh := int64(a.Heads), int64(a.Dim/a.Heads)
	ctx := kernel.MustMatmul(probs, v) // [B*H, T, dh]
	probs.MustDrop()
	ctx = ctx.MustView([]int64{b, h, t, dh}, true).
		MustTranspose(1, 2, true).
		MustReshape([]int64{b, t, int64(a.Dim)}, true)
	return scaledLinear(ctx, a.OutProj, a.OutBias, a.outScale, a.packOut, train)
}

// stepSelf runs one decoding step of self-attention: x [B, 1, D]; caches
// k, v [Bcap, H, C, dh] receive this step's keys and values at position
// step, row r in cache row r (in place), and each query attends to
// positions 0..step: of cache rows slots [B, step+1] (State), or of its
// own row where slots is nil.
//
// One query per row makes the score and context products B*H
// matrix-vector products, which batched matmul runs as that many tiny
// GEMM calls; the attention kernel (or, without it, broadcast
// multiply-and-sum) reads the caches in place instead.
func (a *Attention) stepSelf(x, k, v *ts.Tensor, step int64, slots *ts.Tensor) *ts.Tensor {
	b := x.MustSize()[0]
	h, dh := int64(a.Heads), int64(a.Dim/a.Heads)
	qkv := linear(x, a.InProj, a.InBias, a.packIn).MustView([]int64{b, 3, h, dh}, true)
	k.MustNarrow(0, 0, b, false).MustSelect(2, step, false).Copy_(qkv.MustSelect(1, 1, false))
	v.MustNarrow(0, 0, b, false).MustSelect(2, step, false).Copy_(qkv.MustSelect(1, 2, false))
	var ctx *ts.Tensor
	if slots != nil {
		ctx = mustAttend(qkv.MustSelect(1, 0, false), k.MustNarrow(2, 0, step+1, false), v.MustNarrow(2, 0, step+1, false),
			kernel.Attend{Scale: a.scale, Slots: slots})
	} else {
		ctx = attendOne(qkv.MustSelect(1, 0, false), k.MustNarrow(0, 0, b, false).MustNarrow(2, 0, step+1, false),
			v.MustNarrow(0, 0, b, false).MustNarrow(2, 0, step+1, false), nil, 1, a.scale)
	}
	return linear(ctx.MustView([]int64{b, 1, int64(a.Dim)}, true), a.OutProj, a.OutBias, a.packOut)
}

// attendOne is attention for one query per row: q [B*group, H, dh] or
// [B*group, H, 1, dh], times scale, its rows in B groups of group
// consecutive rows sharing keys and vals [B, H, n, dh], mask additive [B,
// 1, n] or nil. Returns the context [B*group, H, dh].
//
// Where attendKernel says so, one kernel computes it straight over the
// caches (kernel.AttendOne); elsewhere multiply-and-sum (attendOps), for
// group 1 only.
func attendOne(q, keys, vals, mask *ts.Tensor, group int64, scale float64) *ts.Tensor {
	if attendKernel(keys) {
		return mustAttend(q, keys, vals, kernel.Attend{Scale: scale, Group: group, Mask: mask})
	}
	if group != 1 {
		panic("transformer: attendOne without the CPU kernel takes one row per key entry")
	}
	return attendOps(q, keys, vals, mask, scale)
}

// attendOps is attendOne with group 1 as a broadcast multiply-and-sum of
// libtorch's ops.
func attendOps(q, keys, vals, mask *ts.Tensor, scale float64) *ts.Tensor {
	sz := keys.MustSize()
	q = q.MustMulScalar(ts.FloatScalar(scale), false).MustView([]int64{sz[0], sz[1], 1, sz[3]}, true)
	scores := keys.MustMul(q, false).MustSumDimIntlist([]int64{3}, false, gotch.Float, true) // [B, H, n]
	if mask != nil {
		scores = scores.MustAdd(mask, true)
	}
	probs := scores.MustSoftmax(-1, gotch.Float, true).MustUnsqueeze(3, true) // [B, H, n, 1]
	return vals.MustMul(probs, false).MustSumDimIntlist([]int64{2}, false, gotch.Float, true)
}

func mustAttend(q, keys, vals *ts.Tensor, a kernel.Attend) *ts.Tensor {
	ctx, err := kernel.AttendOne(q, keys, vals, a)
	if err != nil {
		panic(err)
	}
	return ctx
}

// attendKernel reports whether kernel.AttendOne takes these keys [B, H, n,
// dh].
func attendKernel(keys *ts.Tensor) bool {
	return attendKernelFor(keys.MustDevice(), keys.DType(), keys.MustSize()[3])
}

// attendKernelFor reports whether kernel.AttendOne takes keys of this device,
// dtype and head size: CPU floats, head sizes that are multiples of 8 up to
// 256.
func attendKernelFor(dev gotch.Device, dtype gotch.DType, dh int64) bool {
	return dtype == gotch.Float && dh%8 == 0 && dh <= 256 && !dev.IsCuda()
}

// stepCross runs one decoding step of encoder attention for rows that come
// in G groups of g consecutive rows sharing a source: x [G*g, 1, D],
// kv [2, G, H, S, dh], mask [G, 1, 1, S] additive or nil. On the CPU one
// kernel attends every row to its group's keys (kernel.AttendOne); elsewhere
// each group's g queries attend in one product, and one query per source
// (g = 1) is attendOne's multiply-and-sum.
func (a *Attention) stepCross(x, kv, mask *ts.Tensor, g int64) *ts.Tensor {
	b := x.MustSize()[0]
	h, dh, d := int64(a.Heads), int64(a.Dim/a.Heads), int64(a.Dim)
	q := linear(x, a.Q(), narrowOpt(a.InBias, 0, d), a.packQ)
	keys, vals := kv.MustSelect(0, 0, false), kv.MustSelect(0, 1, false)
	if g == 1 || attendKernel(keys) {
		if mask != nil {
			mask = mask.MustView([]int64{b / g, 1, -1}, false)
		}
		ctx := attendOne(q.MustView([]int64{b, h, dh}, true), keys, vals, mask, g, a.scale)
		return linear(ctx.MustView([]int64{b, 1, d}, true), a.OutProj, a.OutBias, a.packOut)
	}
	q = q.MustMulScalar(ts.FloatScalar(a.scale), true).
		MustView([]int64{b / g, g, h, dh}, true).
		MustTranspose(1, 2, true) // [G, H, g, dh]
	scores := q.MustMatmul(keys.MustTranspose(2, 3, true), true) // [G, H, g, S]
	if mask != nil {
		scores = scores.MustAdd(mask, true)
	}
	ctx := scores.MustSoftmax(-1, gotch.Float, true).
		MustMatmul(vals, true). // [G, H, g, dh]
		MustTranspose(1, 2, true).
		MustReshape([]int64{b, 1, d}, true)
	return linear(ctx, a.OutProj, a.OutBias, a.packOut)
}
