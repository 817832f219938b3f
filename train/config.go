package train

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/transformer"
)

// Config is everything that shapes a training run, in the parts it
// configures. Every setting has a YAML key that is also a flag of `nmt
// train` with the same name (keys.go lists them). Resolution order, last
// wins: DefaultConfig, the recipe, the --config file, the flags.
type Config struct {
	Recipe     string // recipe: the named defaults applied first
	Seed       int64  // seed: batches, init, dropout (update u uses seed+u)
	Data       DataConfig
	Model      ModelConfig
	Optim      OptimConfig
	Checkpoint CheckpointConfig
	Valid      ValidConfig
	Log        LogConfig
	Machine    MachineConfig
}

// DefaultConfig holds fairseq's defaults where fairseq has one.
func DefaultConfig() Config {
	return Config{
		Seed:       1,
		Data:       DefaultDataConfig(),
		Model:      DefaultModelConfig(),
		Optim:      DefaultOptimConfig(),
		Checkpoint: DefaultCheckpointConfig(),
		Valid:      DefaultValidConfig(),
		Log:        DefaultLogConfig(),
		Machine:    DefaultMachineConfig(),
	}
}

// Validate reports values that cannot train, naming the key.
func (c Config) Validate() error {
	if c.Data.Dir == "" {
		return errors.New("data: want a prepared data directory (--data DIR)")
	}
	return c.ValidateSettings()
}

// ValidateSettings is Validate without asking for a data directory: what
// printing a config (--print-config) checks. Each part checks its own
// keys; the checks across parts follow.
func (c Config) ValidateSettings() error {
	for _, v := range []interface{ Validate() error }{c.Data, c.Model, c.Optim, c.Checkpoint, c.Valid, c.Log, c.Machine} {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	if c.Valid.EvalBLEU.On && c.Data.ValidSubset == "" {
		return errors.New(`eval-bleu: needs a valid-subset (got "")`)
	}
	return nil
}

// DataConfig is the prepared data a run reads and how it is batched.
type DataConfig struct {
	Dir         string // data
	SourceLang  string // source-lang ("": prepare.json's)
	TargetLang  string // target-lang ("": prepare.json's)
	TrainSubset string // train-subset
	ValidSubset string // valid-subset ("": no validation)
	MaxTokens   int    // max-tokens: padded tokens per batch
	BatchSize   int    // batch-size: sentences per batch (0: no bound)
}

// DefaultDataConfig trains on "train", validates on "valid", 4,096
// tokens per batch.
func DefaultDataConfig() DataConfig {
	return DataConfig{TrainSubset: "train", ValidSubset: "valid", MaxTokens: 4096}
}

// Validate checks the data keys but data itself (see Config.Validate).
func (d DataConfig) Validate() error {
	switch {
	case d.TrainSubset == "":
		return bad("train-subset", "a split name", `""`)
	case d.MaxTokens < 0 || d.BatchSize < 0 || d.MaxTokens == 0 && d.BatchSize == 0:
		return fmt.Errorf("max-tokens, batch-size: want at least one above 0 and neither below, got %d and %d", d.MaxTokens, d.BatchSize)
	}
	return nil
}

// ModelConfig is the model a run builds: a preset (arch) and the
// transformer.Config keys that override it. In the embedded Config a
// depth or width of 0, a norm or init of "" and a dropout of -1 mean the
// preset's; its vocabulary fields are not keys (the dictionaries set
// them). Resolve gives the model's own transformer.Config.
type ModelConfig struct {
	Arch string // arch: transformer.Preset's name
	transformer.Config
}

// DefaultModelConfig is the iwslt preset as it is, 1,024 positions.
func DefaultModelConfig() ModelConfig {
	return ModelConfig{Arch: "iwslt", Config: transformer.Config{
		Dropout: -1, AttentionDropout: -1, ActivationDropout: -1, MaxPositions: 1024}}
}

// Resolve returns the transformer.Config for vocabulary v: the preset,
// then every key that is set.
func (m ModelConfig) Resolve(v Vocab) (transformer.Config, error) {
	r, err := transformer.Preset(m.Arch)
	if err != nil {
		return r, err
	}
	for _, f := range []struct{ dst, x *int }{
		{&r.EncoderLayers, &m.EncoderLayers}, {&r.DecoderLayers, &m.DecoderLayers},
		{&r.Dim, &m.Dim}, {&r.FFNDim, &m.FFNDim}, {&r.Heads, &m.Heads},
	} {
		if *f.x > 0 {
			*f.dst = *f.x
		}
	}
	if m.Norm != "" {
		r.Norm = m.Norm
	}
	if m.Init != "" {
		r.Init = m.Init
	}
	for _, f := range []struct{ dst, x *float64 }{
		{&r.Dropout, &m.Dropout}, {&r.AttentionDropout, &m.AttentionDropout}, {&r.ActivationDropout, &m.ActivationDropout},
	} {
		if *f.x >= 0 {
			*f.dst = *f.x
		}
	}
	r.SrcVocab, r.TgtVocab, r.Pad, r.EOS = v.Src, v.Tgt, v.Pad, v.EOS
	r.ShareDecoderInputOutput, r.ShareAll = m.ShareDecoderInputOutput, m.ShareAll
	r.MaxPositions = m.MaxPositions
	return r, r.Validate()
}

// Validate checks each model key on its own; Resolve checks the model.
func (m ModelConfig) Validate() error {
	switch {
	case !oneOf(m.Arch, transformer.Presets()...):
		return bad("arch", "iwslt, base, big or small", strconv.Quote(m.Arch))
	case m.EncoderLayers < 0 || m.DecoderLayers < 0 || m.Dim < 0 || m.FFNDim < 0 || m.Heads < 0:
		return fmt.Errorf("encoder-layers, decoder-layers, dim, ffn-dim, heads: want 0 (preset) or more, got %d, %d, %d, %d, %d", m.EncoderLayers, m.DecoderLayers, m.Dim, m.FFNDim, m.Heads)
	case m.Norm != "" && !oneOf(m.Norm, "none", "post", "pre"):
		return bad("norm", "none, post or pre", strconv.Quote(m.Norm))
	case m.Init != "" && !oneOf(m.Init, "default", "fixup", "t-fixup", "deepnorm", "rezero"):
		return bad("init", "default, fixup, t-fixup, deepnorm or rezero", strconv.Quote(m.Init))
	}
	for _, d := range []struct {
		key string
		p   float64
	}{{"dropout", m.Dropout}, {"attention-dropout", m.AttentionDropout}, {"activation-dropout", m.ActivationDropout}} {
		if d.p != -1 && !(d.p >= 0 && d.p < 1) {
			return bad(d.key, "a value in [0, 1) (or -1 for the preset's)", d.p)
		}
	}
	if m.MaxPositions <= 0 {
		return bad("max-positions", "a positive number", m.MaxPositions)
	}
	return nil
}

// OptimConfig is the loss, the optimiser, the learning-rate schedule and
// how long the run is.
type OptimConfig struct {
	LabelSmoothing float64 // label-smoothing
	Optimizer      string  // optimizer: adam or sgd
	LR             float64 // lr: the peak learning rate
	AdamBetas      string  // adam-betas: "beta1,beta2" (Betas parses it)
	AdamEps        float64 // adam-eps
	Momentum       float64 // momentum (SGD)
	WeightDecay    float64 // weight-decay
	ClipNorm       float64 // clip-norm (0: off)
	LRScheduler    string  // lr-scheduler (see LR)
	WarmupUpdates  int     // warmup-updates
	WarmupInitLR   float64 // warmup-init-lr (-1: 0, or lr without warmup)
	UpdateFreq     int     // update-freq: batches per update
	MaxUpdate      int     // max-update (0: no bound)
	MaxEpoch       int     // max-epoch (0: no bound)
	SkipNonfinite  bool    // skip-nonfinite
}

// DefaultOptimConfig is fairseq's Adam with the inverse square root
// schedule.
func DefaultOptimConfig() OptimConfig {
	return OptimConfig{Optimizer: "adam", LR: 5e-4, AdamBetas: "0.9,0.98", AdamEps: 1e-8,
		LRScheduler: "inverse_sqrt", WarmupUpdates: 4000, WarmupInitLR: 1e-7, UpdateFreq: 1}
}

// Validate checks the optimisation keys.
func (o OptimConfig) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !(o.LabelSmoothing >= 0 && o.LabelSmoothing < 1):
		return bad("label-smoothing", "a value in [0, 1)", o.LabelSmoothing)
	case !oneOf(o.Optimizer, "adam", "sgd"):
		return bad("optimizer", "adam or sgd", strconv.Quote(o.Optimizer))
	case !(o.LR > 0) || !finite(o.LR):
		return bad("lr", "a positive number", o.LR)
	case !(o.AdamEps > 0):
		return bad("adam-eps", "a positive number", o.AdamEps)
	case !(o.Momentum >= 0 && o.Momentum < 1):
		return bad("momentum", "a value in [0, 1)", o.Momentum)
	case !(o.WeightDecay >= 0) || !finite(o.WeightDecay):
		return bad("weight-decay", "0 or more", o.WeightDecay)
	case !(o.ClipNorm >= 0) || !finite(o.ClipNorm):
		return bad("clip-norm", "0 (off) or more", o.ClipNorm)
	case !oneOf(o.LRScheduler, "inverse_sqrt", "inverse_sqrt_nowarmup", "fixed"):
		return bad("lr-scheduler", "inverse_sqrt, inverse_sqrt_nowarmup or fixed", strconv.Quote(o.LRScheduler))
	case o.WarmupUpdates < 0:
		return bad("warmup-updates", "0 or more", o.WarmupUpdates)
	case o.LRScheduler == "inverse_sqrt_nowarmup" && o.WarmupUpdates == 0:
		return bad("warmup-updates", "W > 0 for inverse_sqrt_nowarmup (lr*sqrt(W/(W+t)))", 0)
	case o.WarmupInitLR != -1 && !(o.WarmupInitLR >= 0):
		return bad("warmup-init-lr", "0 or more (or -1)", o.WarmupInitLR)
	case o.UpdateFreq < 1:
		return bad("update-freq", "1 or more", o.UpdateFreq)
	case o.MaxUpdate < 0:
		return bad("max-update", "0 (no bound) or more", o.MaxUpdate)
	case o.MaxEpoch < 0:
		return bad("max-epoch", "0 (no bound) or more", o.MaxEpoch)
	}
	_, _, err := o.Betas()
	return err
}

// Betas parses AdamBetas.
func (o OptimConfig) Betas() (float64, float64, error) {
	parts := strings.FieldsFunc(o.AdamBetas, func(r rune) bool { return r == ',' || r == ' ' || r == '(' || r == ')' || r == '[' || r == ']' })
	if len(parts) != 2 {
		return 0, 0, fmt.Errorf("adam-betas: want two numbers like 0.9,0.98, got %q", o.AdamBetas)
	}
	var b [2]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || x < 0 || x >= 1 {
			return 0, 0, fmt.Errorf("adam-betas: want two numbers in [0, 1) like 0.9,0.98, got %q", o.AdamBetas)
		}
		b[i] = x
	}
	return b[0], b[1], nil
}

// CheckpointConfig is where and when checkpoints are written, and where a
// run starts from.
type CheckpointConfig struct {
	SaveDir             string // save-dir: checkpoints, config.yaml, metrics.jsonl
	SaveInterval        int    // save-interval: epochs
	SaveIntervalUpdates int    // save-interval-updates (0: off)
	KeepIntervalUpdates int    // keep-interval-updates (0: all)
	KeepLastEpochs      int    // keep-last-epochs (0: all)
	NoEpochCheckpoints  bool   // no-epoch-checkpoints
	RestoreFile         string // restore-file ("": SAVE-DIR/checkpoint_last.ckpt if present)
	Reset               bool   // reset: start afresh
}

// DefaultCheckpointConfig saves into "checkpoints" at every epoch's end.
func DefaultCheckpointConfig() CheckpointConfig {
	return CheckpointConfig{SaveDir: "checkpoints", SaveInterval: 1}
}

// Validate checks the checkpoint keys.
func (k CheckpointConfig) Validate() error {
	switch {
	case k.SaveDir == "":
		return bad("save-dir", "a directory", `""`)
	case k.SaveInterval < 1:
		return bad("save-interval", "1 or more (epochs)", k.SaveInterval)
	case k.SaveIntervalUpdates < 0 || k.KeepIntervalUpdates < 0 || k.KeepLastEpochs < 0:
		return errors.New("save-interval-updates, keep-interval-updates, keep-last-epochs: want 0 (off) or more")
	}
	return nil
}

// ValidConfig is when the valid set is scored, what counts as best, and
// BLEU of beam search on it (EvalBLEUConfig).
type ValidConfig struct {
	ValidateInterval        int    // validate-interval: epochs
	ValidateIntervalUpdates int    // validate-interval-updates (0: only at epoch ends)
	BestMetric              string // best-checkpoint-metric: loss, nll_loss, ppl or bleu
	MaximizeBestMetric      bool   // maximize-best-checkpoint-metric (fairseq's; implied by bleu)
	Patience                int    // patience: validations without improvement (0: off)
	EvalBLEU                EvalBLEUConfig
}

// DefaultValidConfig validates at every epoch's end on the loss.
func DefaultValidConfig() ValidConfig {
	return ValidConfig{ValidateInterval: 1, BestMetric: "loss", EvalBLEU: DefaultEvalBLEUConfig()}
}

// Validate checks the validation keys.
func (v ValidConfig) Validate() error {
	switch {
	case v.ValidateInterval < 1:
		return bad("validate-interval", "1 or more (epochs)", v.ValidateInterval)
	case v.ValidateIntervalUpdates < 0 || v.Patience < 0:
		return errors.New("validate-interval-updates, patience: want 0 (off) or more")
	case !oneOf(v.BestMetric, "loss", "nll_loss", "ppl", "bleu"):
		return bad("best-checkpoint-metric", "loss, nll_loss, ppl or bleu", strconv.Quote(v.BestMetric))
	case v.BestMetric == "bleu" && !v.EvalBLEU.On:
		return errors.New("best-checkpoint-metric: bleu needs eval-bleu (--eval-bleu)")
	case v.MaximizeBestMetric && v.BestMetric != "bleu":
		return fmt.Errorf("maximize-best-checkpoint-metric: %s is lower-is-better; only bleu is maximised", v.BestMetric)
	}
	return v.EvalBLEU.Validate()
}

// EvalBLEUConfig is fairseq's --eval-bleu (evalbleu.go): the search is
// the embedded decode.Options, whose Beam, LenPen, MaxLenA and MaxLenB are
// keys (fairseq's eval-bleu-args); the trainer sets MaxPositions and
// Special from the model, and the other fields keep decode's defaults.
type EvalBLEUConfig struct {
	On           bool   // eval-bleu
	Detok        string // eval-bleu-detok: space or moses
	RemoveBPE    bool   // eval-bleu-remove-bpe
	Tokenized    bool   // eval-tokenized-bleu: sacreBLEU tokenizer none
	PrintSamples bool   // eval-bleu-print-samples
	decode.Options
}

// DefaultEvalBLEUConfig is off, with decode.DefaultOptions (beam 5,
// lenpen 1, at most 200 tokens).
func DefaultEvalBLEUConfig() EvalBLEUConfig {
	return EvalBLEUConfig{Detok: "space", Options: decode.DefaultOptions()}
}

// Validate checks the eval-bleu keys, whether or not eval-bleu is on, so
// that a config file is wrong or right on its own.
func (e EvalBLEUConfig) Validate() error {
	switch {
	case !oneOf(e.Detok, "space", "moses"):
		return bad("eval-bleu-detok", "space or moses", strconv.Quote(e.Detok))
	case e.Beam < 1:
		return bad("eval-bleu-beam", "1 or more", e.Beam)
	case math.IsNaN(e.LenPen) || math.IsInf(e.LenPen, 0):
		return bad("eval-bleu-lenpen", "a finite number", e.LenPen)
	case !(e.MaxLenA >= 0) || math.IsInf(e.MaxLenA, 0):
		return bad("eval-bleu-max-len-a", "0 or more", e.MaxLenA)
	case e.MaxLenB < 0:
		return bad("eval-bleu-max-len-b", "0 or more", e.MaxLenB)
	case e.MaxLenA == 0 && e.MaxLenB == 0:
		return errors.New("eval-bleu-max-len-a, eval-bleu-max-len-b: want a*src_len+b of 1 or more, got 0 and 0")
	}
	return nil
}

// LogConfig is how progress is shown.
type LogConfig struct {
	Interval      int  // log-interval: updates per log line and metrics.jsonl record
	NoProgressBar bool // no-progress-bar
}

// DefaultLogConfig logs every 100 updates.
func DefaultLogConfig() LogConfig { return LogConfig{Interval: 100} }

// Validate checks the logging keys.
func (l LogConfig) Validate() error {
	if l.Interval < 1 {
		return bad("log-interval", "1 or more", l.Interval)
	}
	return nil
}

// MachineConfig is where and how the computation runs.
type MachineConfig struct {
	Threads   int    // threads (0: NMT_THREADS or all cores)
	Device    string // device: auto, cpu, cuda or cuda:N
	Precision string // precision: float32 or bf16 (products in bf16, float32 accumulation)
}

// DefaultMachineConfig lets the device be chosen.
func DefaultMachineConfig() MachineConfig {
	return MachineConfig{Device: "auto", Precision: "float32"}
}

// Validate checks the machine keys.
func (m MachineConfig) Validate() error {
	switch {
	case m.Threads < 0:
		return bad("threads", "0 (default) or more", m.Threads)
	case !oneOf(m.Precision, "float32", "bf16"):
		return bad("precision", "float32 or bf16", strconv.Quote(m.Precision))
	}
	return nil
}

// bad is the error of a key with a value out of its range.
func bad(key, want string, got any) error { return fmt.Errorf("%s: want %s, got %v", key, want, got) }

func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}
