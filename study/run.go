package study

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/train"
)

// Point is one update of a loss curve. Loss and NLL are in bits per
// target token, as the trainer logs them.
type Point struct {
	Update int `json:"update"`
	Loss   Num `json:"loss"`
	NLL    Num `json:"nll"`
	GNorm  Num `json:"gnorm"`
	LR     Num `json:"lr"`
}

// corpus is what every run shares: the vocabulary and the trainer's first
// batch.
type corpus struct {
	vocab train.Vocab
	first data.Batch
}

// openCorpus reads the prepared directory as train.New does and returns
// the batch the trainer draws first (same batch plan, same iterator).
func openCorpus(c Config) (*corpus, error) {
	rep, err := prep.LoadReport(c.Data)
	if err != nil {
		return nil, fmt.Errorf("study: %s is not a prepared directory: %w", c.Data, err)
	}
	sd, err := data.LoadDictionary(filepath.Join(c.Data, "dict."+rep.SrcLang+".txt"))
	if err != nil {
		return nil, err
	}
	td, err := data.LoadDictionary(filepath.Join(c.Data, "dict."+rep.TgtLang+".txt"))
	if err != nil {
		return nil, err
	}
	lp, err := data.OpenLanguagePair(c.Data, "train", rep.SrcLang, rep.TgtLang)
	if err != nil {
		return nil, err
	}
	defer lp.Close()
	tc := trainConfig(c, Methods()[0], 1, "")
	// train.Trainer.batchConfig: the trainer's shuffled training batches.
	plan, err := lp.Plan(data.BatchConfig{MaxTokens: tc.Data.MaxTokens, MaxSentences: tc.Data.BatchSize,
		MaxSourcePositions: tc.Model.MaxPositions, MaxTargetPositions: tc.Model.MaxPositions,
		SizeMultiple: 8, Shuffle: true, Seed: tc.Seed})
	if err != nil {
		return nil, err
	}
	it, err := data.NewEpochIterator(plan, tc.Seed, true, data.IterState{Epoch: 1})
	if err != nil {
		return nil, err
	}
	idx, ok := it.Next()
	if !ok {
		return nil, fmt.Errorf("study: %s: no training batches", c.Data)
	}
	return &corpus{
		vocab: train.Vocab{Src: sd.Len(), Tgt: td.Len(), Pad: int(data.PADID), EOS: int(data.EOSID), Joined: rep.JoinedDictionary},
		first: lp.Batch(idx),
	}, nil
}

// trainConfig is the trainer's config for one run: the iwslt recipes'
// optimiser (Adam 0.9,0.98, eps 1e-8, weight decay, label smoothing) at
// the study's width, depth, learning rate and schedule, no validation and
// no checkpoints but the trainer's final one (in a work directory that is
// removed afterwards).
func trainConfig(c Config, m Method, depth int, saveDir string) train.Config {
	tc := train.DefaultConfig()
	tc.Data.Dir, tc.Data.ValidSubset, tc.Checkpoint.SaveDir = c.Data, "", saveDir
	tc.Model.Arch, tc.Model.EncoderLayers, tc.Model.DecoderLayers = "small", depth, depth
	tc.Model.Dim, tc.Model.FFNDim, tc.Model.Heads, tc.Model.Norm, tc.Model.Init = c.Dim, c.FFNDim, c.Heads, m.Norm, m.Init
	tc.Model.Dropout, tc.Model.AttentionDropout, tc.Model.ActivationDropout = c.Dropout, c.Dropout, c.Dropout
	tc.Optim.Optimizer, tc.Optim.AdamBetas, tc.Optim.LR = "adam", "0.9,0.98", c.LR
	tc.Optim.LRScheduler, tc.Optim.WarmupUpdates, tc.Optim.WarmupInitLR = c.LRSchedule(m)
	tc.Optim.LabelSmoothing, tc.Optim.WeightDecay, tc.Data.MaxTokens = c.LabelSmoothing, c.WeightDecay, c.MaxTokens
	tc.Optim.MaxUpdate, tc.Optim.MaxEpoch, tc.Seed = c.Updates, 0, c.Seed
	tc.Log.Interval, tc.Log.NoProgressBar, tc.Checkpoint.NoEpochCheckpoints, tc.Checkpoint.Reset = max(1, c.Updates/10), true, true, true
	tc.Machine.Threads, tc.Machine.Device, tc.Machine.Precision = c.Threads, "cpu", c.Precision
	return tc
}

// threshold is the loss above which a run counts as diverged.
func (c Config) threshold(v train.Vocab) float64 {
	if c.DivergeLoss > 0 {
		return c.DivergeLoss
	}
	return math.Log2(float64(v.Tgt)) + 1
}

// runOne measures the gradients at init, then trains. Its tensors live in
// one scope, freed on return.
func runOne(c Config, k *corpus, m Method, depth int, log io.Writer) (*Result, error) {
	s := ts.NewScope()
	defer s.Close()
	r := &Result{Settings: settingsFor(c, m, depth), Threshold: c.threshold(k.vocab)}
	work, err := os.MkdirTemp(c.Out, ".run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	tc := trainConfig(c, m, depth, work)
	start := time.Now()
	if r.AtInit, err = initGrads(tc, k.vocab, k.first); err != nil {
		return nil, fmt.Errorf("%s, %d layers: gradients at init: %w", m.Name, depth, err)
	}
	tr, err := train.New(tc, train.Options{Build: train.BuildTransformer, Log: io.Discard,
		OnUpdate: func(u train.UpdateStats) {
			r.Curve = append(r.Curve, Point{u.Update, Num(u.Loss), Num(u.NLL), Num(u.GNorm), Num(u.LR)})
		}})
	if err != nil {
		return nil, fmt.Errorf("%s, %d layers: %w", m.Name, depth, err)
	}
	err = tr.Run()
	tr.Close()
	var nf *train.NonFinite
	switch {
	case errors.As(err, &nf):
		r.Curve = append(r.Curve, Point{nf.Update, Num(nf.Loss), Num(math.NaN()), Num(nf.GNorm), Num(train.LR(tc.Optim, nf.Update-1))})
		r.Diverged, r.Reason = true, fmt.Sprintf("non-finite loss %v or gradient norm %v at update %d", nf.Loss, nf.GNorm, nf.Update)
	case err != nil:
		return nil, fmt.Errorf("%s, %d layers: %w", m.Name, depth, err)
	}
	r.Done = tr.Updates()
	r.Seconds = time.Since(start).Seconds()
	r.finish()
	return r, nil
}

// finish sets FirstLoss, FinalLoss (mean of the last 10 points) and, for
// a run that kept finite losses, Diverged against the threshold.
func (r *Result) finish() {
	if len(r.Curve) == 0 {
		return
	}
	r.FirstLoss = r.Curve[0].Loss
	tail := r.Curve[max(0, len(r.Curve)-10):]
	var sum float64
	for _, p := range tail {
		sum += float64(p.Loss)
	}
	r.FinalLoss = Num(sum / float64(len(tail)))
	if !r.Diverged && float64(r.FinalLoss) > r.Threshold {
		r.Diverged, r.Reason = true, fmt.Sprintf("final loss %.3f above %.3f bits", float64(r.FinalLoss), r.Threshold)
	}
}
