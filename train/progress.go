package train

import (
	"fmt"
	"math"

	"github.com/schollz/progressbar/v3"
)

// progress shows training on a terminal as a bar per epoch, otherwise as
// a log line every log-interval updates.
type progress struct {
	t   *Trainer
	bar *progressbar.ProgressBar
}

func newProgress(t *Trainer) *progress {
	p := &progress{t: t}
	p.epoch()
	return p
}

func (p *progress) useBar() bool { return p.t.opt.Terminal && !p.t.cfg.Log.NoProgressBar }

// epoch starts the bar of the iterator's current epoch.
func (p *progress) epoch() {
	if !p.useBar() {
		return
	}
	p.finish()
	st := p.t.it.State()
	total := (p.t.it.Len() + p.t.cfg.Optim.UpdateFreq - 1) / p.t.cfg.Optim.UpdateFreq
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.t.log),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %03d", st.Epoch)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(200e6),
		progressbar.OptionClearOnFinish(),
	)
	p.bar.Set(st.Pos / p.t.cfg.Optim.UpdateFreq)
}

func (p *progress) update(u UpdateStats, acc intervalStats) {
	if p.bar == nil {
		return
	}
	tps := 0.0
	if acc.dur > 0 {
		tps = float64(acc.tokens) / acc.dur.Seconds()
	}
	p.bar.Describe(fmt.Sprintf("epoch %03d | loss %.3f | ppl %.2f | lr %.3g | gnorm %.3f | %.0f tok/s | upd %d",
		u.Epoch, u.Loss, math.Pow(2, u.NLL), u.LR, u.GNorm, tps, u.Update))
	p.bar.Add(1)
}

// logLine prints a record: always for validation, for train records only
// without a bar.
func (p *progress) logLine(r Record) {
	if r.Type == "train" {
		if p.bar != nil {
			return
		}
		fmt.Fprintf(p.t.log, "epoch %03d | update %d | loss %.3f | nll_loss %.3f | ppl %.2f | lr %.4g | gnorm %.3f | %.0f tok/s | wall %.0fs\n",
			r.Epoch, r.Update, r.Loss, r.NLL, r.PPL, r.LR, r.GNorm, r.TokensSec, r.Wall)
		return
	}
	if p.bar != nil {
		p.bar.Clear()
	}
	bleu := ""
	if r.BLEU != nil {
		bleu = fmt.Sprintf(" | bleu %.2f", *r.BLEU)
	}
	fmt.Fprintf(p.t.log, "epoch %03d | valid on '%s' | update %d | loss %.3f | nll_loss %.3f | ppl %.2f%s | best_%s %.4f\n",
		r.Epoch, p.t.cfg.Data.ValidSubset, r.Update, r.Loss, r.NLL, r.PPL, bleu, p.t.cfg.Valid.BestMetric, *r.Best)
}

// samples logs eval-bleu's hypothesis and reference of the first pair of
// every valid batch, as fairseq's --eval-bleu-print-samples.
func (p *progress) samples(e *bleuEval, hyps []string) {
	if p.bar != nil {
		p.bar.Clear()
	}
	for _, i := range e.samples {
		fmt.Fprintf(p.t.log, "example hypothesis: %s\nexample reference: %s\n", hyps[i], e.refs[i])
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
