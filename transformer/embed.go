package transformer

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// sinusoidalTable is fairseq's SinusoidalPositionalEmbedding.get_embedding:
// [n, dim] float32, sin in the first half, cos in the second, row pad zero.
func sinusoidalTable(n, dim, pad int, dev gotch.Device) *ts.Tensor {
	half := dim / 2
	step := math.Log(10000) / float64(half-1)
	data := make([]float32, n*dim)
	for p := 0; p < n; p++ {
		if p == pad {
			continue
		}
		for i := 0; i < half; i++ {
			a := float64(p) * math.Exp(float64(i)*-step)
			data[p*dim+i] = float32(math.Sin(a))
			data[p*dim+half+i] = float32(math.Cos(a))
		}
	}
	t := ts.MustOfSlice(data).MustView([]int64{int64(n), int64(dim)}, true)
	if dev.IsCuda() {
		t = t.MustTo(dev, true)
	}
	return t
}

// positions is fairseq's make_positions: tokens [B, T] -> [B, T] int64,
// pad where tokens are pad, otherwise pad+1+(index among non-pad tokens).
func positions(tokens *ts.Tensor, pad int) *ts.Tensor {
	mask := tokens.MustNe(ts.IntScalar(int64(pad)), false).MustTotype(gotch.Int64, true)
	return mask.MustCumsum(1, gotch.Int64, false).
		MustMul(mask, true).
		MustAddScalar(ts.IntScalar(int64(pad)), true)
}

// embed returns sqrt(d)*E[tokens] + P[positions(tokens)]: [B, T, D].
func (m *Model) embed(w, tokens *ts.Tensor, train bool) *ts.Tensor {
	x := ts.MustEmbedding(w, tokens, int64(m.cfg.Pad), false, false).
		MustMulScalar(ts.FloatScalar(m.embedScale), true)
	pos := ts.MustEmbedding(m.posTable, positions(tokens, m.cfg.Pad), int64(m.cfg.Pad), false, false)
	return dropout(x.MustAdd(pos, true), m.cfg.Dropout, train)
}
