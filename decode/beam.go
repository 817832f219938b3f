package decode

import (
	"math"
	"sort"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// row is one unfinished hypothesis: a row of the model's state.
type row struct {
	toks  []int64   // output so far, without the leading EOS
	pos   []float32 // per-token log-probabilities
	score float32   // their sum (fairseq accumulates in float32)
}

// sentence is one source sentence still being searched.
type sentence struct {
	orig   int // index in the caller's batch
	maxLen int
	final  []Hypothesis
	rows   []row // 1 at step 0, Beam afterwards
}

// cand is a candidate extension of a row.
type cand struct {
	score float32
	beam  int // row within the sentence
	tok   int64
	lp    float32 // the token's own log-probability
}

// Beam runs beam search over one batch of source sentences (each ending in
// EOS) with fairseq's SequenceGenerator semantics and returns, for each,
// its o.NBest best hypotheses, best first.
//
// Each step the model scores every row; the search takes the 2*Beam best
// extensions of each sentence (topK), finalizes the EOS candidates that
// rank among the first Beam (finalize), and keeps the first Beam non-EOS
// candidates as the next rows (prune). A sentence is done when it has Beam
// finished hypotheses or reaches its maximum length (or, with Exhaustive,
// when no row can still beat its NBest-th finished hypothesis); done
// sentences leave the batch. The state is replicated to Beam rows after
// step 0 and reordered by index only when the rows change.
func Beam(m Model, src [][]int64, o Options, dev gotch.Device) ([][]Hypothesis, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return search(m, src, o, dev, beamStep)
}

// stepFunc runs one decoder step over the active sentences, writes the
// finished ones to out and returns those still active.
type stepFunc func(m Model, st State, sents []*sentence, step int, o *Options, dev gotch.Device, out [][]Hypothesis) []*sentence

// search is the loop Beam and Greedy share: one row per sentence, the
// source encoded once, step until no sentence is left, all tensors freed.
func search(m Model, src [][]int64, o Options, dev gotch.Device, step stepFunc) ([][]Hypothesis, error) {
	out := make([][]Hypothesis, len(src))
	if len(src) == 0 {
		return out, nil
	}
	err := tch.Catch(func() error {
		outer := ts.NewScope()
		defer outer.Close()
		sents := make([]*sentence, len(src))
		maxLen := 0
		for i, s := range src {
			sents[i] = &sentence{orig: i, maxLen: o.MaxLen(len(s)), rows: []row{{}}}
			maxLen = max(maxLen, sents[i].maxLen)
		}
		st := m.Start(Source(src, o.Special.Pad, dev), maxLen)
		defer st.Free()
		// The steps are small ops between the linear layers and the
		// attention, which run on nmt's pool: libtorch's loops stay serial.
		tch.SerialTorch(func() {
			for n := 0; len(sents) > 0; n++ {
				sents = step(m, st, sents, n, &o, dev, out)
			}
		})
		return nil
	})
	return out, err
}

// beamStep runs one decoder step and returns the sentences still active.
func beamStep(m Model, st State, sents []*sentence, step int, o *Options, dev gotch.Device, out [][]Hypothesis) []*sentence {
	s := ts.NewScope()
	defer s.Close()
	var prev []int64
	var hist [][]int64
	forced := false
	for _, se := range sents {
		forced = forced || step >= se.maxLen
		for _, r := range se.rows {
			last := o.Special.EOS
			if len(r.toks) > 0 {
				last = r.toks[len(r.toks)-1]
			}
			prev = append(prev, last)
			hist = append(hist, r.toks)
		}
	}
	lp, off, eosCol := stepScores(m, st, prev, o, step, hist, forced, dev)
	v := int(lp.MustSize()[1])
	k := min(2*o.Beam, v)
	var cv []float32
	var ci []int64
	if off != nil {
		var err error
		if cv, ci, err = kernel.RowTopK(lp, k); err != nil {
			panic(err)
		}
		for r, x := range off {
			for j := r * k; j < (r+1)*k; j++ {
				cv[j] -= x
			}
		}
	} else {
		vals, idx := lp.MustTopk(int64(k), 1, true, true, false)
		cv, ci = float32s(vals), int64s(idx)
	}

	var keep []*sentence
	var reorder []int64
	base := 0 // first state row of the sentence
	identity := true
	for _, se := range sents {
		n := len(se.rows)
		var cands []cand
		if step >= se.maxLen {
			cands = forcedEOS(se, eosCol[base:base+n], o.Special.EOS)
		} else {
			cands = topK(se, cv[base*k:(base+n)*k], ci[base*k:(base+n)*k], k, o.Beam)
		}
		done := finalize(se, cands, step, o)
		if !done {
			next, from := prune(se, cands, o)
			for b, f := range from {
				g := int64(base + f)
				identity = identity && g == int64(len(reorder)) && b == f
				reorder = append(reorder, g)
			}
			se.rows = next
			if o.Exhaustive && exhaustiveDone(se, step, o) {
				done = true
				reorder = reorder[:len(reorder)-len(from)]
				identity = false
			}
		}
		if done {
			identity = false
			out[se.orig] = best(se.final, o.NBest)
		} else {
			keep = append(keep, se)
		}
		base += n
	}
	if len(keep) > 0 && !(identity && len(reorder) == base) {
		st.Reorder(reorder)
	}
	return keep
}

// topK merges the per-row top-k extensions of a sentence's rows (vals and
// idx are [rows,k]) into the sentence's 2*beam best, best first; ties keep
// row-major order, as a top-k over the flattened [rows*V] scores would.
// Taking the top k of each row first is exact: the sentence's best 2*beam
// are among them.
func topK(se *sentence, vals []float32, idx []int64, k, beam int) []cand {
	cands := make([]cand, 0, len(se.rows)*k)
	for b, r := range se.rows {
		for j := 0; j < k; j++ {
			lp := vals[b*k+j]
			cands = append(cands, cand{score: r.score + lp, beam: b, tok: idx[b*k+j], lp: lp})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return cands[:min(len(cands), 2*beam)]
}

// forcedEOS gives the candidates at a sentence's last step: every row
// ends with EOS.
func forcedEOS(se *sentence, eosCol []float32, eos int64) []cand {
	cands := make([]cand, len(se.rows))
	for b, r := range se.rows {
		cands[b] = cand{score: r.score + eosCol[b], beam: b, tok: eos, lp: eosCol[b]}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	return cands
}

func isEOS(c cand, eos int64) bool {
	return c.tok == eos && !math.IsInf(float64(c.score), -1)
}

// finalize moves the finite EOS candidates among the first beam into the
// sentence's finished list (fairseq keeps the first Beam it gets; with
// Exhaustive all are kept) and reports whether the sentence is done by
// fairseq's rule: Beam finished hypotheses, or its last step.
func finalize(se *sentence, cands []cand, step int, o *Options) bool {
	for _, c := range cands[:min(len(cands), o.Beam)] {
		if !isEOS(c, o.Special.EOS) || (!o.Exhaustive && len(se.final) >= o.Beam) {
			continue
		}
		r := se.rows[c.beam]
		h := Hypothesis{
			Tokens:    append(append(make([]int64, 0, len(r.toks)+1), r.toks...), c.tok),
			PosScores: append(append(make([]float32, 0, len(r.pos)+1), r.pos...), c.lp),
		}
		h.Score = o.Normalize(float64(c.score), len(h.Tokens))
		se.final = append(se.final, h)
	}
	if step >= se.maxLen {
		return true
	}
	return !o.Exhaustive && len(se.final) >= o.Beam
}

// prune keeps the first beam candidates that do not end the hypothesis,
// filling up with dead rows (score -Inf) when there are fewer (tiny
// vocabularies), and returns the new rows and the old row of each.
func prune(se *sentence, cands []cand, o *Options) ([]row, []int) {
	next := make([]row, 0, o.Beam)
	from := make([]int, 0, o.Beam)
	for _, c := range cands {
		if len(next) == o.Beam {
			break
		}
		if isEOS(c, o.Special.EOS) {
			continue
		}
		r := se.rows[c.beam]
		next = append(next, row{
			toks:  append(append(make([]int64, 0, len(r.toks)+1), r.toks...), c.tok),
			pos:   append(append(make([]float32, 0, len(r.pos)+1), r.pos...), c.lp),
			score: c.score,
		})
		from = append(from, c.beam)
	}
	if len(next) == 0 { // only EOS candidates: carry a dead row
		next = append(next, row{toks: se.rows[0].toks, pos: se.rows[0].pos, score: negInf})
		from = append(from, 0)
	}
	for len(next) < o.Beam {
		r := next[0]
		next = append(next, row{toks: r.toks, pos: r.pos, score: negInf})
		from = append(from, from[0])
	}
	return next, from
}
