package decode

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// Greedy decodes each source sentence by always taking the most probable
// next token, under the same rules as Beam (pad never, UnkPen, MinLen,
// NoRepeatNgram, EOS forced at the maximum length); o.Beam and o.NBest
// are ignored. Sentences leave the batch as soon as they emit EOS. It
// gives what Beam gives with beam 1, without the candidate bookkeeping.
func Greedy(m Model, src [][]int64, o Options, dev gotch.Device) ([][]Hypothesis, error) {
	o.Beam, o.NBest, o.Exhaustive = 1, 1, false
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return search(m, src, o, dev, greedyStep)
}

func greedyStep(m Model, st State, sents []*sentence, step int, o *Options, dev gotch.Device, out [][]Hypothesis) []*sentence {
	s := ts.NewScope()
	defer s.Close()
	eos := o.Special.EOS
	prev := make([]int64, len(sents))
	hist := make([][]int64, len(sents))
	forced := false
	for i, se := range sents {
		r := se.rows[0]
		prev[i] = eos
		if len(r.toks) > 0 {
			prev[i] = r.toks[len(r.toks)-1]
		}
		hist[i] = r.toks
		forced = forced || step >= se.maxLen
	}
	lp, off, eosCol := stepScores(m, st, prev, o, step, hist, forced, dev)
	var bv []float32
	var bi []int64
	if off != nil { // the CPU kernels: each row's largest entry, on the kernels' threads
		var err error
		if bv, bi, err = kernel.RowTopK(lp, 1); err != nil {
			panic(err)
		}
		for i, x := range off {
			bv[i] -= x
		}
	} else {
		vals, idx := lp.MustMaxDim(1, false, false)
		bv, bi = float32s(vals), int64s(idx)
	}
	var keep []*sentence
	var reorder []int64
	for i, se := range sents {
		r := &se.rows[0]
		tok, lpv := bi[i], bv[i]
		if step >= se.maxLen {
			tok, lpv = eos, eosCol[i]
		}
		r.toks = append(r.toks, tok)
		r.pos = append(r.pos, lpv)
		r.score += lpv
		if tok == eos {
			h := Hypothesis{Tokens: r.toks, PosScores: r.pos}
			h.Score = o.Normalize(float64(r.score), len(r.toks))
			out[se.orig] = []Hypothesis{h}
			continue
		}
		keep = append(keep, se)
		reorder = append(reorder, int64(i))
	}
	if len(keep) > 0 && len(keep) < len(sents) {
		st.Reorder(reorder)
	}
	return keep
}
