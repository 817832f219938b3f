package train

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is everything that shapes a training run. Every YAML key is also
// a flag of `nmt train` with the same name. Resolution order, last wins:
// DefaultConfig, the recipe, the --config file, the flags.
type Config struct {
	Recipe string `yaml:"recipe" help:"named defaults (iwslt14-fixup, iwslt14-layernorm, iwslt14-tfixup, small); any key overrides them"`

	// Data.
	Data        string `yaml:"data" help:"prepared data directory (from nmt prepare)"`
	SourceLang  string `yaml:"source-lang" help:"source language (default: from prepare.json)"`
	TargetLang  string `yaml:"target-lang" help:"target language (default: from prepare.json)"`
	TrainSubset string `yaml:"train-subset" help:"split to train on"`
	ValidSubset string `yaml:"valid-subset" help:"split to validate on (empty: no validation)"`
	SaveDir     string `yaml:"save-dir" help:"checkpoint, config and metrics directory"`

	// Model.
	Arch              string  `yaml:"arch" help:"model preset: iwslt, base, big, small"`
	EncoderLayers     int     `yaml:"encoder-layers" help:"encoder layers (0: preset's)"`
	DecoderLayers     int     `yaml:"decoder-layers" help:"decoder layers (0: preset's)"`
	Dim               int     `yaml:"dim" help:"model dimension (0: preset's)"`
	FFNDim            int     `yaml:"ffn-dim" help:"feed-forward inner dimension (0: preset's)"`
	Heads             int     `yaml:"heads" help:"attention heads (0: preset's)"`
	Norm              string  `yaml:"norm" help:"normalisation: none, post, pre (empty: preset's)"`
	Init              string  `yaml:"init" help:"initialisation: default, fixup, t-fixup, deepnorm, rezero (empty: preset's)"`
	Dropout           float64 `yaml:"dropout" help:"dropout (-1: preset's)"`
	AttentionDropout  float64 `yaml:"attention-dropout" help:"dropout on attention weights (-1: preset's)"`
	ActivationDropout float64 `yaml:"activation-dropout" help:"dropout after the FFN activation (-1: preset's)"`
	ShareDecoderIO    bool    `yaml:"share-decoder-input-output-embed" help:"tie the decoder's input embedding and output projection"`
	ShareAll          bool    `yaml:"share-all-embeddings" help:"tie encoder, decoder and output embeddings (joined dictionary)"`
	MaxPositions      int     `yaml:"max-positions" help:"longest source or target in tokens; longer training pairs are skipped"`

	// Loss and optimisation.
	LabelSmoothing float64 `yaml:"label-smoothing" help:"label smoothing epsilon"`
	Optimizer      string  `yaml:"optimizer" help:"adam or sgd"`
	LR             float64 `yaml:"lr" help:"peak learning rate"`
	AdamBetas      string  `yaml:"adam-betas" help:"Adam beta1,beta2"`
	AdamEps        float64 `yaml:"adam-eps" help:"Adam epsilon"`
	Momentum       float64 `yaml:"momentum" help:"SGD momentum"`
	WeightDecay    float64 `yaml:"weight-decay" help:"weight decay (Adam: decoupled, as fairseq; SGD: L2 in the gradient)"`
	ClipNorm       float64 `yaml:"clip-norm" help:"clip gradients to this total norm (0: off)"`
	LRScheduler    string  `yaml:"lr-scheduler" help:"inverse_sqrt, inverse_sqrt_nowarmup or fixed"`
	WarmupUpdates  int     `yaml:"warmup-updates" help:"warmup updates (inverse_sqrt), or W in lr*sqrt(W/(W+t)) (inverse_sqrt_nowarmup)"`
	WarmupInitLR   float64 `yaml:"warmup-init-lr" help:"learning rate at update 0 of the warmup (-1: 0, or lr without warmup)"`
	MaxTokens      int     `yaml:"max-tokens" help:"batch size in padded tokens (sentences x longest side)"`
	MaxSentences   int     `yaml:"batch-size" help:"most sentences per batch (0: no bound)"`
	UpdateFreq     int     `yaml:"update-freq" help:"accumulate gradients over this many batches per update"`
	MaxUpdate      int     `yaml:"max-update" help:"stop after this many updates (0: no bound)"`
	MaxEpoch       int     `yaml:"max-epoch" help:"stop after this many epochs (0: no bound)"`
	Seed           int64   `yaml:"seed" help:"random seed (batches, init, dropout: update u uses seed+u)"`
	SkipNonfinite  bool    `yaml:"skip-nonfinite" help:"skip an update whose loss or gradient is not finite, instead of stopping"`

	// Validation, checkpoints and logging.
	ValidateInterval        int    `yaml:"validate-interval" help:"validate at the end of every N epochs (and of the last)"`
	SaveInterval            int    `yaml:"save-interval" help:"save checkpoints at the end of every N epochs (and of the last)"`
	ValidateIntervalUpdates int    `yaml:"validate-interval-updates" help:"also validate every N updates (0: only at epoch ends)"`
	SaveIntervalUpdates     int    `yaml:"save-interval-updates" help:"save checkpoint_E_U every N updates (0: off)"`
	KeepIntervalUpdates     int    `yaml:"keep-interval-updates" help:"keep the last N checkpoint_E_U files (0: all)"`
	KeepLastEpochs          int    `yaml:"keep-last-epochs" help:"keep the last N checkpointE files (0: all)"`
	NoEpochCheckpoints      bool   `yaml:"no-epoch-checkpoints" help:"do not write checkpointE files"`
	BestMetric              string `yaml:"best-checkpoint-metric" help:"validation metric for checkpoint_best and patience: loss, nll_loss, ppl (lower is better) or bleu (higher is better; needs eval-bleu)"`
	MaximizeBestMetric      bool   `yaml:"maximize-best-checkpoint-metric" help:"higher is better for best-checkpoint-metric (as fairseq; implied by bleu, an error with loss, nll_loss or ppl)"`
	Patience                int    `yaml:"patience" help:"stop after N validations without improvement (0: off)"`
	Restore                 string `yaml:"restore-file" help:"checkpoint to resume from (default: SAVE-DIR/checkpoint_last.ckpt if present)"`
	Reset                   bool   `yaml:"reset" help:"start afresh even when SAVE-DIR/checkpoint_last.ckpt exists"`
	LogInterval             int    `yaml:"log-interval" help:"log (and write metrics.jsonl) every N updates"`
	NoProgressBar           bool   `yaml:"no-progress-bar" help:"log lines instead of a progress bar on a terminal"`

	// BLEU on the validation set (fairseq's --eval-bleu; see evalbleu.go).
	EvalBLEU             bool    `yaml:"eval-bleu" help:"at each validation also translate the valid set with beam search and report BLEU"`
	EvalBLEUDetok        string  `yaml:"eval-bleu-detok" help:"eval-bleu: detokenize hypotheses and references before scoring: space (leave as is) or moses"`
	EvalBLEURemoveBPE    bool    `yaml:"eval-bleu-remove-bpe" help:"eval-bleu: remove subword-nmt BPE (@@ ) from hypotheses and references"`
	EvalTokenizedBLEU    bool    `yaml:"eval-tokenized-bleu" help:"eval-bleu: score the text as it is (sacreBLEU tokenizer none) instead of with the 13a tokenizer"`
	EvalBLEUBeam         int     `yaml:"eval-bleu-beam" help:"eval-bleu: beam size (1: greedy); fairseq's eval-bleu-args beam"`
	EvalBLEULenPen       float64 `yaml:"eval-bleu-lenpen" help:"eval-bleu: length penalty, score = sum log p / len^lenpen; eval-bleu-args lenpen"`
	EvalBLEUMaxLenA      float64 `yaml:"eval-bleu-max-len-a" help:"eval-bleu: longest output a*src_len+b tokens ...; eval-bleu-args max_len_a"`
	EvalBLEUMaxLenB      int     `yaml:"eval-bleu-max-len-b" help:"eval-bleu: ... capped by max-positions; eval-bleu-args max_len_b"`
	EvalBLEUPrintSamples bool    `yaml:"eval-bleu-print-samples" help:"eval-bleu: log the hypothesis and reference of the first sentence of every valid batch"`

	// Machine.
	Threads int    `yaml:"threads" help:"CPU threads for libtorch (0: NMT_THREADS or all cores)"`
	Device  string `yaml:"device" help:"auto, cpu, cuda or cuda:N"`
}

// DefaultConfig holds fairseq's defaults where fairseq has one.
func DefaultConfig() Config {
	return Config{
		TrainSubset: "train", ValidSubset: "valid", SaveDir: "checkpoints",
		Arch: "iwslt", Dropout: -1, AttentionDropout: -1, ActivationDropout: -1, MaxPositions: 1024,
		Optimizer: "adam", LR: 5e-4, AdamBetas: "0.9,0.98", AdamEps: 1e-8,
		LRScheduler: "inverse_sqrt", WarmupUpdates: 4000, WarmupInitLR: 1e-7,
		MaxTokens: 4096, UpdateFreq: 1, Seed: 1,
		BestMetric: "loss", LogInterval: 100, Device: "auto", ValidateInterval: 1, SaveInterval: 1,
		EvalBLEUDetok: "space", EvalBLEUBeam: 5, EvalBLEULenPen: 1, EvalBLEUMaxLenB: 200,
	}
}

// Field describes one key of Config.
type Field struct {
	Key, Help string
	Kind      reflect.Kind
	index     int
}

// Fields lists Config's keys in declaration order.
func Fields() []Field {
	t := reflect.TypeOf(Config{})
	out := make([]Field, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		out = append(out, Field{Key: f.Tag.Get("yaml"), Help: f.Tag.Get("help"), Kind: f.Type.Kind(), index: i})
	}
	return out
}

func fieldByKey(key string) (Field, bool) {
	for _, f := range Fields() {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Get returns the value of key as text.
func (c *Config) Get(key string) string {
	f, ok := fieldByKey(key)
	if !ok {
		return ""
	}
	return fmt.Sprint(reflect.ValueOf(c).Elem().Field(f.index).Interface())
}

// Set parses value into the field named key. Errors name the key.
func (c *Config) Set(key, value string) error {
	f, ok := fieldByKey(key)
	if !ok {
		return fmt.Errorf("unknown key %q", key)
	}
	v := reflect.ValueOf(c).Elem().Field(f.index)
	switch f.Kind {
	case reflect.String:
		v.SetString(value)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return fmt.Errorf("%s: want an integer, got %q", key, value)
		}
		v.SetInt(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return fmt.Errorf("%s: want a number, got %q", key, value)
		}
		v.SetFloat(x)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%s: want true or false, got %q", key, value)
		}
		v.SetBool(b)
	default:
		return fmt.Errorf("%s: unsupported kind %v", key, f.Kind)
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
var yamlUnknown = regexp.MustCompile(`field (\S+) not found in type`)
var yamlType = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")

// DecodeYAML reads a config file over c: keys it does not set keep c's
// values. Unknown keys and values of the wrong type are errors that name
// the file, line and key.
func (c *Config) DecodeYAML(b []byte, name string) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := checkIntegers(b, name); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(c)
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var msgs []string
		for _, e := range te.Errors {
			msgs = append(msgs, name+":"+explainYAML(e, b))
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	return fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
}

// checkIntegers refuses a number with a fraction or an exponent for an
// integer key, which the YAML decoder would truncate (1024.9 -> 1024),
// as the flags refuse it.
func checkIntegers(b []byte, name string) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil // the decoder reports it
	}
	kv := doc.Content[0].Content
	for i := 0; i+1 < len(kv); i += 2 {
		f, ok := fieldByKey(kv[i].Value)
		v := kv[i+1]
		if ok && (f.Kind == reflect.Int || f.Kind == reflect.Int64) && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" {
			return fmt.Errorf("%s:%d: %s: want an integer, got %q", name, v.Line, f.Key, v.Value)
		}
	}
	return nil
}

func explainYAML(e string, src []byte) string {
	m := yamlLine.FindStringSubmatch(e)
	if m == nil {
		return " " + e
	}
	line, msg := m[1], m[2]
	if u := yamlUnknown.FindStringSubmatch(msg); u != nil {
		return fmt.Sprintf("%s: unknown key %q (see nmt train --help for the keys)", line, u[1])
	}
	key := ""
	if n, err := strconv.Atoi(line); err == nil {
		ls := strings.Split(string(src), "\n")
		if n-1 < len(ls) {
			key, _, _ = strings.Cut(strings.TrimSpace(ls[n-1]), ":")
		}
	}
	if t := yamlType.FindStringSubmatch(msg); t != nil {
		want := map[string]string{"int": "an integer", "int64": "an integer", "float64": "a number", "bool": "true or false", "string": "a string"}[t[3]]
		if want == "" {
			want = t[3]
		}
		return fmt.Sprintf("%s: %s: want %s, got %q", line, key, want, t[2])
	}
	return fmt.Sprintf("%s: %s", line, msg)
}

// LoadYAML reads the config file at path over c.
func (c *Config) LoadYAML(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return c.DecodeYAML(b, path)
}

// YAML renders c with a comment per key, as --print-config shows it and
// SAVE-DIR/config.yaml holds it.
func (c Config) YAML() string {
	var sb strings.Builder
	for _, f := range Fields() {
		v := reflect.ValueOf(c).Field(f.index).Interface()
		b, _ := yaml.Marshal(map[string]any{f.Key: v})
		fmt.Fprintf(&sb, "# %s\n%s", f.Help, b)
	}
	return sb.String()
}

// Betas parses AdamBetas.
func (c Config) Betas() (float64, float64, error) {
	parts := strings.FieldsFunc(c.AdamBetas, func(r rune) bool { return r == ',' || r == ' ' || r == '(' || r == ')' || r == '[' || r == ']' })
	if len(parts) != 2 {
		return 0, 0, fmt.Errorf("adam-betas: want two numbers like 0.9,0.98, got %q", c.AdamBetas)
	}
	var b [2]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || x < 0 || x >= 1 {
			return 0, 0, fmt.Errorf("adam-betas: want two numbers in [0, 1) like 0.9,0.98, got %q", c.AdamBetas)
		}
		b[i] = x
	}
	return b[0], b[1], nil
}

// Validate reports values that cannot train, naming the key.
func (c Config) Validate() error {
	if c.Data == "" {
		return errors.New("data: want a prepared data directory (--data DIR)")
	}
	return c.ValidateSettings()
}

// ValidateSettings is Validate without asking for a data directory: what
// printing a config (--print-config) checks.
func (c Config) ValidateSettings() error {
	bad := func(key, want string, got any) error { return fmt.Errorf("%s: want %s, got %v", key, want, got) }
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.SaveDir == "":
		return bad("save-dir", "a directory", `""`)
	case c.TrainSubset == "":
		return bad("train-subset", "a split name", `""`)
	case !oneOf(c.Arch, "iwslt", "base", "big", "small"):
		return bad("arch", "iwslt, base, big or small", strconv.Quote(c.Arch))
	case c.EncoderLayers < 0 || c.DecoderLayers < 0 || c.Dim < 0 || c.FFNDim < 0 || c.Heads < 0:
		return fmt.Errorf("encoder-layers, decoder-layers, dim, ffn-dim, heads: want 0 (preset) or more, got %d, %d, %d, %d, %d", c.EncoderLayers, c.DecoderLayers, c.Dim, c.FFNDim, c.Heads)
	case c.Norm != "" && !oneOf(c.Norm, "none", "post", "pre"):
		return bad("norm", "none, post or pre", strconv.Quote(c.Norm))
	case c.Init != "" && !oneOf(c.Init, "default", "fixup", "t-fixup", "deepnorm", "rezero"):
		return bad("init", "default, fixup, t-fixup, deepnorm or rezero", strconv.Quote(c.Init))
	case c.Dropout != -1 && !(c.Dropout >= 0 && c.Dropout < 1):
		return bad("dropout", "a value in [0, 1) (or -1 for the preset's)", c.Dropout)
	case c.AttentionDropout != -1 && !(c.AttentionDropout >= 0 && c.AttentionDropout < 1):
		return bad("attention-dropout", "a value in [0, 1) (or -1 for the preset's)", c.AttentionDropout)
	case c.ActivationDropout != -1 && !(c.ActivationDropout >= 0 && c.ActivationDropout < 1):
		return bad("activation-dropout", "a value in [0, 1) (or -1 for the preset's)", c.ActivationDropout)
	case c.MaxPositions <= 0:
		return bad("max-positions", "a positive number", c.MaxPositions)
	case !(c.LabelSmoothing >= 0 && c.LabelSmoothing < 1):
		return bad("label-smoothing", "a value in [0, 1)", c.LabelSmoothing)
	case !oneOf(c.Optimizer, "adam", "sgd"):
		return bad("optimizer", "adam or sgd", strconv.Quote(c.Optimizer))
	case !(c.LR > 0) || !finite(c.LR):
		return bad("lr", "a positive number", c.LR)
	case !(c.AdamEps > 0):
		return bad("adam-eps", "a positive number", c.AdamEps)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return bad("momentum", "a value in [0, 1)", c.Momentum)
	case !(c.WeightDecay >= 0) || !finite(c.WeightDecay):
		return bad("weight-decay", "0 or more", c.WeightDecay)
	case !(c.ClipNorm >= 0) || !finite(c.ClipNorm):
		return bad("clip-norm", "0 (off) or more", c.ClipNorm)
	case !oneOf(c.LRScheduler, "inverse_sqrt", "inverse_sqrt_nowarmup", "fixed"):
		return bad("lr-scheduler", "inverse_sqrt, inverse_sqrt_nowarmup or fixed", strconv.Quote(c.LRScheduler))
	case c.WarmupUpdates < 0:
		return bad("warmup-updates", "0 or more", c.WarmupUpdates)
	case c.LRScheduler == "inverse_sqrt_nowarmup" && c.WarmupUpdates == 0:
		return bad("warmup-updates", "W > 0 for inverse_sqrt_nowarmup (lr*sqrt(W/(W+t)))", 0)
	case c.WarmupInitLR != -1 && !(c.WarmupInitLR >= 0):
		return bad("warmup-init-lr", "0 or more (or -1)", c.WarmupInitLR)
	case c.MaxTokens < 0 || c.MaxSentences < 0 || c.MaxTokens == 0 && c.MaxSentences == 0:
		return fmt.Errorf("max-tokens, batch-size: want at least one above 0 and neither below, got %d and %d", c.MaxTokens, c.MaxSentences)
	case c.UpdateFreq < 1:
		return bad("update-freq", "1 or more", c.UpdateFreq)
	case c.MaxUpdate < 0:
		return bad("max-update", "0 (no bound) or more", c.MaxUpdate)
	case c.MaxEpoch < 0:
		return bad("max-epoch", "0 (no bound) or more", c.MaxEpoch)
	case c.ValidateInterval < 1:
		return bad("validate-interval", "1 or more (epochs)", c.ValidateInterval)
	case c.SaveInterval < 1:
		return bad("save-interval", "1 or more (epochs)", c.SaveInterval)
	case c.ValidateIntervalUpdates < 0 || c.SaveIntervalUpdates < 0 || c.KeepIntervalUpdates < 0 || c.KeepLastEpochs < 0 || c.Patience < 0:
		return errors.New("validate-interval-updates, save-interval-updates, keep-interval-updates, keep-last-epochs, patience: want 0 (off) or more")
	case !oneOf(c.BestMetric, "loss", "nll_loss", "ppl", "bleu"):
		return bad("best-checkpoint-metric", "loss, nll_loss, ppl or bleu", strconv.Quote(c.BestMetric))
	case c.BestMetric == "bleu" && !c.EvalBLEU:
		return errors.New("best-checkpoint-metric: bleu needs eval-bleu (--eval-bleu)")
	case c.MaximizeBestMetric && c.BestMetric != "bleu":
		return fmt.Errorf("maximize-best-checkpoint-metric: %s is lower-is-better; only bleu is maximised", c.BestMetric)
	case c.LogInterval < 1:
		return bad("log-interval", "1 or more", c.LogInterval)
	case c.Threads < 0:
		return bad("threads", "0 (default) or more", c.Threads)
	}
	if _, _, err := c.Betas(); err != nil {
		return err
	}
	return c.validateEvalBLEU()
}

func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}
