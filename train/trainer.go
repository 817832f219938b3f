package train

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/dist"
	"github.com/fixup-nmt/nmt/eval/bleu"
	"github.com/fixup-nmt/nmt/internal/atomicfile"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// Model is what the trainer needs of a translation model.
type Model interface {
	// Forward maps src [B, S] and prevOutput [B, T] (int64) to logits
	// [B, T, V] (float32).
	Forward(src, prevOutput *ts.Tensor) *ts.Tensor
	SetTraining(on bool)
}

// rowsModel is a Model that can apply its output layer at chosen target
// positions only (transformer.Model.ForwardRows): the trainer then skips
// the padding in the output projection and the loss.
type rowsModel interface {
	ForwardRows(src, prevOutput, rows *ts.Tensor) *ts.Tensor
}

// Vocab describes the dictionaries a model is built for.
type Vocab struct {
	Src, Tgt, Pad, EOS int
	Joined             bool
}

// BuildFunc builds and initialises a model under p. It returns the model
// and its resolved configuration (saved in checkpoints as model_config).
type BuildFunc func(p *nn.Path, c Config, v Vocab) (Model, any, error)

// Options are the parts of a run that are not configuration.
type Options struct {
	Build    BuildFunc
	Log      io.Writer // messages and log lines (default os.Stderr)
	Terminal bool      // draw a progress bar on Log
	Version  string    // nmt version for checkpoints
	// OnUpdate, when set, is called after every update.
	OnUpdate func(s UpdateStats)
	// Dist, when set, makes this trainer one worker of a data-parallel
	// run (see distributed.go).
	Dist *dist.Group
}

// UpdateStats describes one update. Loss and NLL are in bits per target
// token, as fairseq logs them.
type UpdateStats struct {
	Update, Epoch int
	Loss, NLL     float64
	GNorm, LR     float64
	Tokens        int
	Skipped       bool
}

// Trainer runs one training job. Create it with New and call Run on the
// goroutine that will do all torch work (locked to its thread).
type Trainer struct {
	cfg       Config
	opt       Options
	dev       gotch.Device
	vs        *nn.VarStore
	model     Model
	modelCfg  any
	params    []Param
	optim     Optimizer
	vocab     Vocab
	train     *data.LanguagePair
	valid     *data.LanguagePair
	validPlan *data.Plan
	bleu      *bleuEval // eval-bleu (nil: off)
	it        *data.EpochIterator
	files     DataFiles
	metrics   *Metrics // nil on ranks other than 0
	lock      *dirLock // held on the save directory (nil on ranks other than 0)
	log       io.Writer

	updates   int
	best      *float64
	badValids int
	skipped   int
	skipRun   int
	wall      float64
	lastSaved string

	stop        atomic.Value // os.Signal
	pendingStop atomic.Value // os.Signal, distributed: shared at the next update
}

// Interrupted is returned by Run after a signal: checkpoint_last was saved.
type Interrupted struct {
	Signal     os.Signal
	Update     int
	Checkpoint string
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("interrupted by %v after update %d; saved %s", e.Signal, e.Update, e.Checkpoint)
}

// NonFinite is returned by Run when an update's loss or gradient is not
// finite (and skip-nonfinite is off).
type NonFinite struct {
	Update     int
	Loss       float64
	GNorm      float64
	Checkpoint string // last good checkpoint ("" if none)
}

func (e *NonFinite) Error() string {
	last := "no checkpoint was saved yet"
	if e.Checkpoint != "" {
		last = "the last good checkpoint is " + e.Checkpoint
	}
	return fmt.Sprintf("update %d: non-finite loss %v or gradient norm %v; stopped without applying it (%s); lower --lr, set --clip-norm, or pass --skip-nonfinite", e.Update, e.Loss, e.GNorm, last)
}

// Interrupt asks Run to stop after the current update and save
// checkpoint_last. It is safe to call from another goroutine (a signal
// handler).
func (t *Trainer) Interrupt(sig os.Signal) {
	if t.opt.Dist != nil {
		t.pendingStop.Store(sig)
		return
	}
	t.stop.Store(sig)
}

func (t *Trainer) interrupted() os.Signal {
	if v := t.stop.Load(); v != nil {
		return v.(os.Signal)
	}
	return nil
}

// Updates is the number of updates done.
func (t *Trainer) Updates() int { return t.updates }

// New prepares a run: it locks the save directory (a *DirLocked error
// when another trainer holds it), opens the data, builds the model and
// optimiser and, unless c.Reset, resumes from c.Restore or
// SAVE-DIR/checkpoint_last. Close releases what it holds.
func New(c Config, o Options) (*Trainer, error) {
	t, err := newTrainer(c, o)
	if err != nil {
		if t != nil {
			t.Close()
		}
		return nil, err
	}
	return t, nil
}

func newTrainer(c Config, o Options) (*Trainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if o.Build == nil {
		return nil, errors.New("train: no model builder")
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	if o.Dist != nil && o.Dist.Rank != 0 {
		o.Log, o.Terminal = io.Discard, false
	}
	t := &Trainer{cfg: c, opt: o, log: o.Log}
	kernel.SetThreads(c.Machine.Threads)
	dev, err := tch.ParseDevice(c.Machine.Device)
	if err != nil {
		return nil, fmt.Errorf("device: %w", err)
	}
	t.dev = dev
	if c.Machine.Precision == "bf16" {
		if err := kernel.CheckBF16(dev); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(c.Checkpoint.SaveDir, 0o755); err != nil {
		return nil, err
	}
	if err := t.claimSaveDir(); err != nil {
		return t, err
	}
	if err := t.openData(); err != nil {
		return t, err
	}
	restore := c.Checkpoint.RestoreFile
	if restore == "" && !c.Checkpoint.Reset {
		if p := filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext); fileExists(p) {
			restore = p
		}
	}
	var hdr *Header
	var blobs []Blob
	if restore != "" {
		// Check the file before building anything.
		if hdr, blobs, err = ReadCheckpoint(restore); err != nil {
			return t, err
		}
		if hdr.Int8() {
			return nil, errInt8(restore)
		}
	}
	err = tch.Catch(func() error {
		ManualSeed(c.Seed)
		t.vs = nn.NewVarStore(dev)
		m, mc, err := o.Build(t.vs.Root(), c, t.vocab)
		if err != nil {
			return err
		}
		t.model, t.modelCfg = m, mc
		t.params = Params(t.vs)
		t.optim, err = newOptimizer(c.Optim, t.params)
		return err
	})
	if err != nil {
		return t, err
	}
	state := data.IterState{Epoch: 1}
	if hdr != nil {
		if err := t.restore(restore, hdr, blobs); err != nil {
			return t, err
		}
		state = hdr.Meta.Iterator
		if hdr.Meta.EpochDone { // its validation and checkpoints are done
			state = data.IterState{Epoch: state.Epoch + 1}
		}
		t.lastSaved = restore
		fmt.Fprintf(t.log, "resumed from %s: update %d, epoch %d, batch %d\n", restore, t.updates, state.Epoch, state.Pos)
	}
	if err := t.syncStart(state); err != nil {
		return t, err
	}
	plan, err := t.train.Plan(t.batchConfig(true))
	if err != nil {
		return t, fmt.Errorf("train data: %w", err)
	}
	if len(plan.Batches) == 0 {
		return t, fmt.Errorf("%s: no training batches (max-tokens %d too small, or every pair longer than max-positions %d?)", c.Data.Dir, c.Data.MaxTokens, c.Model.MaxPositions)
	}
	if t.it, err = data.NewEpochIterator(plan, c.Seed, true, state); err != nil {
		return t, fmt.Errorf("resume: %w", err)
	}
	if t.valid != nil {
		if t.validPlan, err = t.valid.Plan(t.batchConfig(false)); err != nil {
			return t, fmt.Errorf("valid data: %w", err)
		}
		if c.Valid.EvalBLEU.On {
			if t.bleu, err = t.newBLEUEval(); err != nil {
				return t, err
			}
		}
	}
	if err := t.openMetrics(restore, hdr); err != nil {
		return t, err
	}
	if t.master() {
		err := atomicfile.Write(filepath.Join(c.Checkpoint.SaveDir, "config.yaml"), func(w io.Writer) error {
			_, err := io.WriteString(w, c.YAML())
			return err
		})
		if err != nil {
			return t, err
		}
	}
	return t, nil
}

func (t *Trainer) batchConfig(shuffle bool) data.BatchConfig {
	return data.BatchConfig{
		MaxTokens: t.cfg.Data.MaxTokens, MaxSentences: t.cfg.Data.BatchSize,
		MaxSourcePositions: t.cfg.Model.MaxPositions, MaxTargetPositions: t.cfg.Model.MaxPositions,
		SizeMultiple: 8, Shuffle: shuffle, Seed: t.cfg.Seed,
	}
}

// Close releases the data files, the metrics file and the save
// directory's lock.
func (t *Trainer) Close() error {
	var err error
	if t.metrics != nil {
		err = t.metrics.Close()
	}
	if t.valid != nil {
		t.valid.Close()
	}
	if t.train != nil {
		if cerr := t.train.Close(); err == nil {
			err = cerr
		}
	}
	if t.lock != nil {
		t.lock.Close()
	}
	return err
}

// Run trains until max-update, max-epoch, patience or an interrupt.
func (t *Trainer) Run() error {
	c := t.cfg
	prog := newProgress(t)
	defer prog.finish()
	var acc intervalStats
	for {
		if sig := t.interrupted(); sig != nil {
			path, err := t.save(false, false, false)
			if err != nil {
				return err
			}
			return &Interrupted{Signal: sig, Update: t.updates, Checkpoint: path}
		}
		if c.Optim.MaxUpdate > 0 && t.updates >= c.Optim.MaxUpdate {
			break
		}
		st := t.it.State()
		if c.Optim.MaxEpoch > 0 && st.Epoch > c.Optim.MaxEpoch {
			break
		}
		batches, more := t.nextBatches()
		if !more {
			stop, err := t.endEpoch(prog)
			if err != nil || stop {
				return err
			}
			t.it.NextEpoch()
			prog.epoch()
			continue
		}
		start := time.Now()
		us, err := t.update(batches)
		if err != nil {
			return err
		}
		t.wall += time.Since(start).Seconds()
		if t.opt.OnUpdate != nil {
			t.opt.OnUpdate(us)
		}
		if us.Skipped {
			continue
		}
		acc.add(us, time.Since(start))
		prog.update(us, acc)
		if t.updates%c.Log.Interval == 0 {
			if err := t.record(prog, acc.record(t.updates, us.Epoch, t.wall)); err != nil {
				return err
			}
			acc = intervalStats{}
		}
		mid := c.Valid.ValidateIntervalUpdates > 0 && t.updates%c.Valid.ValidateIntervalUpdates == 0
		save := c.Checkpoint.SaveIntervalUpdates > 0 && t.updates%c.Checkpoint.SaveIntervalUpdates == 0
		if mid || save {
			stop, err := t.validateAndSave(prog, true, true, false, save)
			if err != nil || stop {
				return err
			}
		}
	}
	_, err := t.save(false, false, false)
	return err
}

// endEpoch validates and saves at the end of an epoch, as fairseq does:
// validation every validate-interval epochs, checkpoints every
// save-interval epochs, and both at the end of the last epoch.
func (t *Trainer) endEpoch(prog *progress) (stop bool, err error) {
	c := t.cfg
	epoch := t.it.State().Epoch
	last := c.Optim.MaxEpoch > 0 && epoch >= c.Optim.MaxEpoch
	validate := last || epoch%c.Valid.ValidateInterval == 0
	save := last || epoch%c.Checkpoint.SaveInterval == 0
	if !validate && !save {
		return false, nil
	}
	return t.validateAndSave(prog, validate, save, true, false)
}

// validateAndSave validates (if validate and there is a valid set) and, if
// save, writes checkpoint_last plus checkpointE (epochEnd), checkpoint_E_U
// (interval) and checkpoint_best (improvement). It reports whether
// patience ran out.
func (t *Trainer) validateAndSave(prog *progress, validate, save, epochEnd, interval bool) (bool, error) {
	improved := false
	if validate && t.validPlan != nil {
		vs, hyps, err := t.validate()
		if err != nil {
			return false, err
		}
		v := vs.metric(t.cfg.Valid.BestMetric)
		if better(t.cfg.Valid.BestMetric, v, t.best) {
			t.best, t.badValids, improved = &v, 0, true
		} else {
			t.badValids++
		}
		if t.cfg.Valid.EvalBLEU.PrintSamples && t.bleu != nil {
			prog.samples(t.bleu, hyps)
		}
		best := *t.best
		rec := Record{Type: "valid", Update: t.updates, Epoch: t.it.State().Epoch, Loss: vs.Loss, NLL: vs.NLL, PPL: vs.PPL, BLEU: vs.BLEU, Tokens: vs.Tokens, Best: &best, Wall: t.wall}
		if err := t.record(prog, rec); err != nil {
			return false, err
		}
	}
	if save {
		if _, err := t.save(epochEnd, interval, improved); err != nil {
			return false, err
		}
	}
	if t.cfg.Valid.Patience > 0 && t.badValids >= t.cfg.Valid.Patience {
		fmt.Fprintf(t.log, "early stop: %s did not improve for %d validations (best %.4f)\n", t.cfg.Valid.BestMetric, t.badValids, *t.best)
		return true, nil
	}
	return false, nil
}

// update runs forward and backward over batches and applies one update.
func (t *Trainer) update(batches []data.Batch) (UpdateStats, error) {
	c := t.cfg
	us := UpdateStats{Update: t.updates + 1, Epoch: t.it.State().Epoch, LR: LR(c.Optim, t.updates)}
	var lossSum, nllSum float64
	err := tch.Catch(func() error {
		ManualSeed(c.Seed + int64(t.updates))
		t.model.SetTraining(true)
		for _, b := range batches {
			func() {
				s := ts.NewScope()
				defer s.Close()
				loss, nll := t.loss(b)
				loss.MustBackward()
				l, _ := loss.Float64Value(nil)
				n, _ := nll.Float64Value(nil)
				lossSum += l
				nllSum += n
				us.Tokens += b.NTokens
			}()
		}
		if err := t.reduceGrads(&us.Tokens, &lossSum, &nllSum); err != nil {
			return err
		}
		s := ts.NewScope()
		defer s.Close()
		ts.NoGrad(func() {
			ScaleGrads(t.params, 1/float64(us.Tokens))
			us.GNorm = ClipGradNorm(t.params, c.Optim.ClipNorm)
			if finite(lossSum) && finite(us.GNorm) {
				t.optim.Step(us.LR)
			}
			ClearGrads(t.params)
		})
		return nil
	})
	if err != nil {
		return us, fmt.Errorf("update %d: %w", us.Update, err)
	}
	us.Loss = lossSum / float64(us.Tokens) / math.Ln2
	us.NLL = nllSum / float64(us.Tokens) / math.Ln2
	if !finite(lossSum) || !finite(us.GNorm) {
		if !c.Optim.SkipNonfinite {
			return us, &NonFinite{Update: us.Update, Loss: us.Loss, GNorm: us.GNorm, Checkpoint: t.lastSaved}
		}
		t.skipped++
		t.skipRun++
		us.Skipped = true
		if t.skipRun >= maxSkipRun {
			return us, fmt.Errorf("%w (%d updates in a row were skipped: the model itself is no longer finite)", &NonFinite{Update: us.Update, Loss: us.Loss, GNorm: us.GNorm, Checkpoint: t.lastSaved}, t.skipRun)
		}
		fmt.Fprintf(t.log, "update %d: non-finite loss %v or gradient norm %v; skipped (%d so far)\n", us.Update, us.Loss, us.GNorm, t.skipped)
		return us, nil
	}
	t.updates++
	t.skipRun = 0
	return us, nil
}

// maxSkipRun is how many non-finite updates in a row skip-nonfinite
// tolerates before stopping.
const maxSkipRun = 10

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// tensors moves a batch to the device: src [B,S], prev and tgt [B,T].
func (t *Trainer) tensors(b data.Batch) (src, prev, tgt *ts.Tensor) {
	return t.tensor(b.Source, b.B, b.S), t.tensor(b.PrevOutput, b.B, b.T), t.tensor(b.Target, b.B, b.T)
}

// tensor makes an int64 tensor of shape dims from v on the training device.
func (t *Trainer) tensor(v []int64, dims ...int) *ts.Tensor {
	shape := make([]int64, len(dims))
	for i, d := range dims {
		shape[i] = int64(d)
	}
	x := ts.MustOfSlice(v).MustView(shape, true)
	if t.dev.IsCuda() {
		x = x.MustTo(t.dev, true)
	}
	return x
}

// loss is the summed label-smoothed loss and nll of batch b (tensors in
// the current scope). Where the model allows it, only the positions whose
// target is not padding go through the output layer and the loss; their
// terms are the same, and padding adds nothing to the sums.
func (t *Trainer) loss(b data.Batch) (loss, nll *ts.Tensor) {
	pad := int64(t.vocab.Pad)
	src, prev, tgt := t.tensors(b)
	rm, ok := t.model.(rowsModel)
	if !ok {
		var logits *ts.Tensor
		t.inPrecision(func() { logits = t.model.Forward(src, prev) })
		return LabelSmoothedCE(logits, tgt, t.cfg.Optim.LabelSmoothing, pad)
	}
	rows := make([]int64, 0, len(b.Target))
	keep := make([]int64, 0, len(b.Target))
	for i, y := range b.Target {
		if y != pad {
			rows, keep = append(rows, int64(i)), append(keep, y)
		}
	}
	var logits *ts.Tensor
	t.inPrecision(func() { logits = rm.ForwardRows(src, prev, t.tensor(rows, len(rows))) })
	return LabelSmoothedCE(logits, t.tensor(keep, len(keep)), t.cfg.Optim.LabelSmoothing, pad)
}

// inPrecision runs f, a forward pass or a search, in the run's precision:
// with precision bf16 the model's products run in bf16 (kernel.WithBF16); the
// loss, the backward's float32 parts, the gradient norm and the update
// stay float32.
func (t *Trainer) inPrecision(f func()) {
	if t.cfg.Machine.Precision == "bf16" {
		kernel.WithBF16(t.dev, f)
		return
	}
	f()
}

// ValidStats are validation results: loss and nll in bits per token,
// and BLEU in [0, 100] with eval-bleu (else nil).
type ValidStats struct {
	Loss, NLL, PPL float64
	Tokens         int
	BLEU           *float64
}

func (v ValidStats) metric(name string) float64 {
	switch name {
	case "nll_loss":
		return v.NLL
	case "ppl":
		return v.PPL
	case "bleu":
		return *v.BLEU
	}
	return v.Loss
}

// validate computes the valid loss and, with eval-bleu, BLEU; it returns
// the hypotheses of eval-bleu too. The model is in eval mode meanwhile and
// back in training mode after.
func (t *Trainer) validate() (ValidStats, []string, error) {
	var vs ValidStats
	var lossSum, nllSum float64
	err := tch.Catch(func() error {
		t.model.SetTraining(false)
		defer t.model.SetTraining(true)
		ts.NoGrad(func() {
			for _, idx := range t.validPlan.Batches {
				s := ts.NewScope()
				defer s.Close()
				b := t.valid.Batch(idx)
				loss, nll := t.loss(b)
				l, _ := loss.Float64Value(nil)
				n, _ := nll.Float64Value(nil)
				lossSum += l
				nllSum += n
				vs.Tokens += b.NTokens
				s.Close()
			}
			// (the deferred Close calls above only matter after a panic)
		})
		return nil
	})
	if err != nil {
		return vs, nil, fmt.Errorf("validation after update %d: %w", t.updates, err)
	}
	if vs.Tokens > 0 {
		vs.Loss = lossSum / float64(vs.Tokens) / math.Ln2
		vs.NLL = nllSum / float64(vs.Tokens) / math.Ln2
		vs.PPL = math.Pow(2, vs.NLL)
	}
	if t.bleu == nil {
		return vs, nil, nil
	}
	t.model.SetTraining(false)
	var sc bleu.Score
	var hyps []string
	t.inPrecision(func() { sc, hyps, err = t.bleu.score(t) })
	t.model.SetTraining(true)
	if err != nil {
		return vs, nil, fmt.Errorf("validation after update %d: %w", t.updates, err)
	}
	vs.BLEU = &sc.Score
	return vs, hyps, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
