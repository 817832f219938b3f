package decode

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// logitModel is a Model whose steps can also return logits: the
// log-probabilities plus a constant per row. On the CPU the searches then
// rank the logits (kernel.RowTopK) and subtract each row's log-sum-exp
// (kernel.RowLogSumExp) from what they keep, instead of writing out
// log-softmax over the whole vocabulary (unless Options.LogSoftmax).
type logitModel interface {
	StepLogits(prev *ts.Tensor, st State) *ts.Tensor
}

// stepScores runs one decoder step over prev and returns the scores
// [N, V] to rank, with fairseq's rules applied (mask), and off: row r's
// log-probabilities are its scores minus off[r] (off is nil when the
// scores are log-probabilities). eosCol is mask's, as log-probabilities.
func stepScores(m Model, st State, prev []int64, o *Options, step int, hist [][]int64, forced bool, dev gotch.Device) (scores *ts.Tensor, off, eosCol []float32) {
	pt := int64Tensor(prev, []int64{int64(len(prev))}, dev)
	if lm, ok := m.(logitModel); ok && !o.LogSoftmax && !dev.IsCuda() {
		scores = lm.StepLogits(pt, st)
		var err error
		if off, err = kernel.RowLogSumExp(scores); err != nil {
			panic(err)
		}
	} else {
		scores = m.Step(pt, st)
	}
	eosCol = mask(scores, o, step, hist, forced, dev)
	if off != nil {
		for i := range eosCol {
			eosCol[i] -= off[i]
		}
	}
	return scores, off, eosCol
}

// mask applies fairseq's per-step rules to lp [N,V] (log-probabilities, or
// logits: the rules are the same) in place: pad never,
// the unknown-word penalty, EOS forbidden before MinLen, and no repeated
// n-gram. hist[r] is row r's output so far, after the leading EOS.
// It returns the EOS column before the MinLen rule when any row must
// end now (forced), which the caller uses for those rows.
func mask(lp *ts.Tensor, o *Options, step int, hist [][]int64, forced bool, dev gotch.Device) (eosCol []float32) {
	sp := o.Special
	if forced {
		eosCol = float32s(lp.MustSelect(1, sp.EOS, false))
	}
	cols := []int64{sp.Pad}
	if step < o.MinLen {
		cols = append(cols, sp.EOS)
	}
	lp.MustIndexFill_(1, int64Tensor(cols, []int64{int64(len(cols))}, dev), ts.FloatScalar(float64(negInf)))
	if o.UnkPen != 0 {
		lp.MustNarrow(1, sp.Unk, 1, false).MustSubScalar_(ts.FloatScalar(o.UnkPen))
	}
	if o.NoRepeatNgram > 0 {
		v := lp.MustSize()[1]
		var flat []int64
		for r, h := range hist {
			for _, tok := range bannedNgram(sp.EOS, h, o.NoRepeatNgram) {
				flat = append(flat, int64(r)*v+tok)
			}
		}
		if len(flat) > 0 {
			lp.MustView([]int64{-1}, false).MustIndexFill_(0, int64Tensor(flat, []int64{int64(len(flat))}, dev), ts.FloatScalar(float64(negInf)))
		}
	}
	return eosCol
}

// bannedNgram returns the tokens that would repeat an n-gram of size n in
// the sequence [eos, h...] (fairseq's NGramRepeatBlock counts the leading
// EOS).
func bannedNgram(eos int64, h []int64, n int) []int64 {
	seq := make([]int64, 0, len(h)+1)
	seq = append(append(seq, eos), h...)
	if len(seq) < n {
		return nil
	}
	prefix := seq[len(seq)-(n-1):]
	var out []int64
	for i := 0; i+n <= len(seq); i++ {
		match := true
		for j := 0; j < n-1; j++ {
			if seq[i+j] != prefix[j] {
				match = false
				break
			}
		}
		if match {
			out = append(out, seq[i+n-1])
		}
	}
	return out
}
