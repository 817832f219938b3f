package train

import (
	"fmt"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/eval/bleu"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/text"
	"github.com/fixup-nmt/nmt/transformer"
)

// BLEU on the validation set, as fairseq's --eval-bleu: after the loss,
// the valid pairs the loss used (the valid plan's, in its order) are
// translated with decode.Translate (beam search; the model in eval mode,
// without gradients), and hypotheses and references (the binarized
// targets) become text the same way, through prep.Postprocessor as in
// `nmt translate` and the server: the target dictionary's symbols with
// <unk> written differently on each side so that it never matches, BPE
// removed with eval-bleu-remove-bpe, Moses-detokenized with
// eval-bleu-detok moses. eval/bleu scores them as sacreBLEU's corpus BLEU
// (13a tokenizer, or none with eval-tokenized-bleu).
//
// Search uses no random numbers, and every update seeds libtorch itself
// (seed+update), so eval-bleu leaves training bit for bit as it was
// (TestEvalBLEUKeepsTraining).

// Unknown words as fairseq's translation task writes them for eval-bleu.
const (
	unkInHyp = "UNKNOWNTOKENINHYP"
	unkInRef = "UNKNOWNTOKENINREF"
)

// bleuEval holds what scoring the valid set needs; the references and
// sources are read once.
type bleuEval struct {
	model   decode.Model
	opt     decode.Options
	batch   decode.Batching
	post    prep.Postprocessor // hypotheses' ids to text, as translation's (unkInHyp)
	scorer  *bleu.BLEU
	src     [][]int64
	refs    []string
	samples []int // first pair of every valid batch (eval-bleu-print-samples)
}

// searchModel returns the search interface of m.
func searchModel(m Model) (decode.Model, error) {
	switch m := m.(type) {
	case *transformer.Model:
		return decode.FromTransformer(m), nil
	case decode.Model:
		return m, nil
	}
	return nil, fmt.Errorf("eval-bleu: model %T cannot be searched (want a *transformer.Model or a decode.Model)", m)
}

// newBLEUEval prepares eval-bleu for the trainer's valid set and model.
func (t *Trainer) newBLEUEval() (*bleuEval, error) {
	c := t.cfg
	m, err := searchModel(t.model)
	if err != nil {
		return nil, err
	}
	eb := c.Valid.EvalBLEU
	o := eb.Options
	o.MaxPositions = c.Model.MaxPositions
	o.Special = decode.Special{Pad: int64(t.vocab.Pad), EOS: int64(t.vocab.EOS), Unk: int64(data.UNKID)}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("eval-bleu: %w", err)
	}
	e := &bleuEval{model: m, opt: o, batch: decode.Batching{MaxTokens: c.Data.MaxTokens, BatchSize: c.Data.BatchSize},
		post: prep.Postprocessor{Dict: t.valid.TgtDict, Unk: unkInHyp}}
	if eb.RemoveBPE {
		e.post.Join = bpe.Remove
	}
	if eb.Detok == "moses" {
		e.post.Detok = text.NewDetokenizer(c.Data.TargetLang)
	}
	ref := e.post
	ref.Unk = unkInRef
	for _, b := range t.validPlan.Batches {
		for k, i := range b {
			if k == 0 {
				e.samples = append(e.samples, len(e.src))
			}
			s := t.valid.Sample(i)
			e.src = append(e.src, toInt64(s.Source))
			e.refs = append(e.refs, ref.Text(toInt64(s.Target)))
		}
	}
	bc := bleu.Config{Tokenize: "13a", Smooth: "exp"}
	if eb.Tokenized {
		bc.Tokenize = "none"
	}
	if t.opt.Version != "" {
		bc.Version = "nmt-" + t.opt.Version
	}
	if e.scorer, err = bleu.New([][]string{e.refs}, bc); err != nil {
		return nil, fmt.Errorf("eval-bleu: valid-subset %s: %w", c.Data.ValidSubset, err)
	}
	fmt.Fprintf(t.log, "eval-bleu: %d valid pairs, beam %d, lenpen %g, max length %g*src+%d, detok %s, remove-bpe %v; %s\n",
		len(e.src), o.Beam, o.LenPen, o.MaxLenA, o.MaxLenB, eb.Detok, eb.RemoveBPE, "BLEU|"+e.scorer.Signature().String())
	return e, nil
}

// score translates the valid set and scores it. The caller has put the
// model in eval mode. It returns the hypotheses too.
func (e *bleuEval) score(t *Trainer) (bleu.Score, []string, error) {
	var res [][]decode.Hypothesis
	err := tch.Catch(func() error {
		var err error
		ts.NoGrad(func() { res, err = decode.Translate(e.model, e.src, e.opt, e.batch, t.dev) })
		return err
	})
	if err != nil {
		return bleu.Score{}, nil, fmt.Errorf("eval-bleu: %w", err)
	}
	hyps := make([]string, len(res))
	for i, h := range res {
		if len(h) > 0 {
			hyps[i] = e.post.Text(h[0].Tokens)
		}
	}
	sc, err := e.scorer.Corpus(hyps)
	if err != nil {
		return sc, nil, fmt.Errorf("eval-bleu: %w", err)
	}
	return sc, hyps, nil
}

func toInt64(v []int32) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// higherIsBetter reports the direction of a best-checkpoint-metric.
func higherIsBetter(metric string) bool { return metric == "bleu" }

// better reports whether v improves on best for metric.
func better(metric string, v float64, best *float64) bool {
	if best == nil {
		return true
	}
	if higherIsBetter(metric) {
		return v > *best
	}
	return v < *best
}
