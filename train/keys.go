package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// key is one setting of Config: its YAML key (also the flag of `nmt
// train`), its help (the comment above it in config.yaml), its name in
// checkpoints written before Config had parts (their meta.config was the
// flat struct's JSON, keyed by Go field names), and where it lives.
type key struct {
	name, help, oldName string
	field               func(c *Config) any // a *string, *int, *int64, *float64 or *bool in c
}

// keys lists every key in the order of config.yaml and --help.
var keys = []key{
	{"recipe", "named defaults (iwslt14-fixup, iwslt14-layernorm, iwslt14-tfixup, small); any key overrides them", "Recipe", func(c *Config) any { return &c.Recipe }},
	{"data", "prepared data directory (from nmt prepare)", "Data", func(c *Config) any { return &c.Data.Dir }},
	{"source-lang", "source language (default: from prepare.json)", "SourceLang", func(c *Config) any { return &c.Data.SourceLang }},
	{"target-lang", "target language (default: from prepare.json)", "TargetLang", func(c *Config) any { return &c.Data.TargetLang }},
	{"train-subset", "split to train on", "TrainSubset", func(c *Config) any { return &c.Data.TrainSubset }},
	{"valid-subset", "split to validate on (empty: no validation)", "ValidSubset", func(c *Config) any { return &c.Data.ValidSubset }},
	{"save-dir", "checkpoint, config and metrics directory", "SaveDir", func(c *Config) any { return &c.Checkpoint.SaveDir }},
	{"arch", "model preset: iwslt, base, big, small", "Arch", func(c *Config) any { return &c.Model.Arch }},
	{"encoder-layers", "encoder layers (0: preset's)", "EncoderLayers", func(c *Config) any { return &c.Model.EncoderLayers }},
	{"decoder-layers", "decoder layers (0: preset's)", "DecoderLayers", func(c *Config) any { return &c.Model.DecoderLayers }},
	{"dim", "model dimension (0: preset's)", "Dim", func(c *Config) any { return &c.Model.Dim }},
	{"ffn-dim", "feed-forward inner dimension (0: preset's)", "FFNDim", func(c *Config) any { return &c.Model.FFNDim }},
	{"heads", "attention heads (0: preset's)", "Heads", func(c *Config) any { return &c.Model.Heads }},
	{"norm", "normalisation: none, post, pre (empty: preset's)", "Norm", func(c *Config) any { return &c.Model.Norm }},
	{"init", "initialisation: default, fixup, t-fixup, deepnorm, rezero (empty: preset's)", "Init", func(c *Config) any { return &c.Model.Init }},
	{"dropout", "dropout (-1: preset's)", "Dropout", func(c *Config) any { return &c.Model.Dropout }},
	{"attention-dropout", "dropout on attention weights (-1: preset's)", "AttentionDropout", func(c *Config) any { return &c.Model.AttentionDropout }},
	{"activation-dropout", "dropout after the FFN activation (-1: preset's)", "ActivationDropout", func(c *Config) any { return &c.Model.ActivationDropout }},
	{"share-decoder-input-output-embed", "tie the decoder's input embedding and output projection", "ShareDecoderIO", func(c *Config) any { return &c.Model.ShareDecoderInputOutput }},
	{"share-all-embeddings", "tie encoder, decoder and output embeddings (joined dictionary)", "ShareAll", func(c *Config) any { return &c.Model.ShareAll }},
	{"max-positions", "longest source or target in tokens; longer training pairs are skipped", "MaxPositions", func(c *Config) any { return &c.Model.MaxPositions }},
	{"label-smoothing", "label smoothing epsilon", "LabelSmoothing", func(c *Config) any { return &c.Optim.LabelSmoothing }},
	{"optimizer", "adam or sgd", "Optimizer", func(c *Config) any { return &c.Optim.Optimizer }},
	{"lr", "peak learning rate", "LR", func(c *Config) any { return &c.Optim.LR }},
	{"adam-betas", "Adam beta1,beta2", "AdamBetas", func(c *Config) any { return &c.Optim.AdamBetas }},
	{"adam-eps", "Adam epsilon", "AdamEps", func(c *Config) any { return &c.Optim.AdamEps }},
	{"momentum", "SGD momentum", "Momentum", func(c *Config) any { return &c.Optim.Momentum }},
	{"weight-decay", "weight decay (Adam: decoupled, as fairseq; SGD: L2 in the gradient)", "WeightDecay", func(c *Config) any { return &c.Optim.WeightDecay }},
	{"clip-norm", "clip gradients to this total norm (0: off)", "ClipNorm", func(c *Config) any { return &c.Optim.ClipNorm }},
	{"lr-scheduler", "inverse_sqrt, inverse_sqrt_nowarmup or fixed", "LRScheduler", func(c *Config) any { return &c.Optim.LRScheduler }},
	{"warmup-updates", "warmup updates (inverse_sqrt), or W in lr*sqrt(W/(W+t)) (inverse_sqrt_nowarmup)", "WarmupUpdates", func(c *Config) any { return &c.Optim.WarmupUpdates }},
	{"warmup-init-lr", "learning rate at update 0 of the warmup (-1: 0, or lr without warmup)", "WarmupInitLR", func(c *Config) any { return &c.Optim.WarmupInitLR }},
	{"max-tokens", "batch size in padded tokens (sentences x longest side)", "MaxTokens", func(c *Config) any { return &c.Data.MaxTokens }},
	{"batch-size", "most sentences per batch (0: no bound)", "MaxSentences", func(c *Config) any { return &c.Data.BatchSize }},
	{"update-freq", "accumulate gradients over this many batches per update", "UpdateFreq", func(c *Config) any { return &c.Optim.UpdateFreq }},
	{"max-update", "stop after this many updates (0: no bound)", "MaxUpdate", func(c *Config) any { return &c.Optim.MaxUpdate }},
	{"max-epoch", "stop after this many epochs (0: no bound)", "MaxEpoch", func(c *Config) any { return &c.Optim.MaxEpoch }},
	{"seed", "random seed (batches, init, dropout: update u uses seed+u)", "Seed", func(c *Config) any { return &c.Seed }},
	{"skip-nonfinite", "skip an update whose loss or gradient is not finite, instead of stopping", "SkipNonfinite", func(c *Config) any { return &c.Optim.SkipNonfinite }},
	{"validate-interval", "validate at the end of every N epochs (and of the last)", "ValidateInterval", func(c *Config) any { return &c.Valid.ValidateInterval }},
	{"save-interval", "save checkpoints at the end of every N epochs (and of the last)", "SaveInterval", func(c *Config) any { return &c.Checkpoint.SaveInterval }},
	{"validate-interval-updates", "also validate every N updates (0: only at epoch ends)", "ValidateIntervalUpdates", func(c *Config) any { return &c.Valid.ValidateIntervalUpdates }},
	{"save-interval-updates", "save checkpoint_E_U every N updates (0: off)", "SaveIntervalUpdates", func(c *Config) any { return &c.Checkpoint.SaveIntervalUpdates }},
	{"keep-interval-updates", "keep the last N checkpoint_E_U files (0: all)", "KeepIntervalUpdates", func(c *Config) any { return &c.Checkpoint.KeepIntervalUpdates }},
	{"keep-last-epochs", "keep the last N checkpointE files (0: all)", "KeepLastEpochs", func(c *Config) any { return &c.Checkpoint.KeepLastEpochs }},
	{"no-epoch-checkpoints", "do not write checkpointE files", "NoEpochCheckpoints", func(c *Config) any { return &c.Checkpoint.NoEpochCheckpoints }},
	{"best-checkpoint-metric", "validation metric for checkpoint_best and patience: loss, nll_loss, ppl (lower is better) or bleu (higher is better; needs eval-bleu)", "BestMetric", func(c *Config) any { return &c.Valid.BestMetric }},
	{"maximize-best-checkpoint-metric", "higher is better for best-checkpoint-metric (as fairseq; implied by bleu, an error with loss, nll_loss or ppl)", "MaximizeBestMetric", func(c *Config) any { return &c.Valid.MaximizeBestMetric }},
	{"patience", "stop after N validations without improvement (0: off)", "Patience", func(c *Config) any { return &c.Valid.Patience }},
	{"restore-file", "checkpoint to resume from (default: SAVE-DIR/checkpoint_last.ckpt if present)", "Restore", func(c *Config) any { return &c.Checkpoint.RestoreFile }},
	{"reset", "start afresh even when SAVE-DIR/checkpoint_last.ckpt exists", "Reset", func(c *Config) any { return &c.Checkpoint.Reset }},
	{"log-interval", "log (and write metrics.jsonl) every N updates", "LogInterval", func(c *Config) any { return &c.Log.Interval }},
	{"no-progress-bar", "log lines instead of a progress bar on a terminal", "NoProgressBar", func(c *Config) any { return &c.Log.NoProgressBar }},
	{"eval-bleu", "at each validation also translate the valid set with beam search and report BLEU", "EvalBLEU", func(c *Config) any { return &c.Valid.EvalBLEU.On }},
	{"eval-bleu-detok", "eval-bleu: detokenize hypotheses and references before scoring: space (leave as is) or moses", "EvalBLEUDetok", func(c *Config) any { return &c.Valid.EvalBLEU.Detok }},
	{"eval-bleu-remove-bpe", "eval-bleu: remove subword-nmt BPE (@@ ) from hypotheses and references", "EvalBLEURemoveBPE", func(c *Config) any { return &c.Valid.EvalBLEU.RemoveBPE }},
	{"eval-tokenized-bleu", "eval-bleu: score the text as it is (sacreBLEU tokenizer none) instead of with the 13a tokenizer", "EvalTokenizedBLEU", func(c *Config) any { return &c.Valid.EvalBLEU.Tokenized }},
	{"eval-bleu-beam", "eval-bleu: beam size (1: greedy); fairseq's eval-bleu-args beam", "EvalBLEUBeam", func(c *Config) any { return &c.Valid.EvalBLEU.Beam }},
	{"eval-bleu-lenpen", "eval-bleu: length penalty, score = sum log p / len^lenpen; eval-bleu-args lenpen", "EvalBLEULenPen", func(c *Config) any { return &c.Valid.EvalBLEU.LenPen }},
	{"eval-bleu-max-len-a", "eval-bleu: longest output a*src_len+b tokens ...; eval-bleu-args max_len_a", "EvalBLEUMaxLenA", func(c *Config) any { return &c.Valid.EvalBLEU.MaxLenA }},
	{"eval-bleu-max-len-b", "eval-bleu: ... capped by max-positions; eval-bleu-args max_len_b", "EvalBLEUMaxLenB", func(c *Config) any { return &c.Valid.EvalBLEU.MaxLenB }},
	{"eval-bleu-print-samples", "eval-bleu: log the hypothesis and reference of the first sentence of every valid batch", "EvalBLEUPrintSamples", func(c *Config) any { return &c.Valid.EvalBLEU.PrintSamples }},
	{"threads", "CPU threads for libtorch (0: NMT_THREADS or all cores)", "Threads", func(c *Config) any { return &c.Machine.Threads }},
	{"device", "auto, cpu, cuda or cuda:N", "Device", func(c *Config) any { return &c.Machine.Device }},
	{"precision", "float32, or bf16: products in bf16 with float32 accumulation, weights, optimizer state, loss and checkpoints in float32 (CPU: AVX512-BF16; CUDA: autocast)", "Precision", func(c *Config) any { return &c.Machine.Precision }},
}

// Field describes one key of Config.
type Field struct {
	Key, Help string
	Kind      reflect.Kind
}

// Fields lists Config's keys in the order of config.yaml.
func Fields() []Field {
	out := make([]Field, len(keys))
	var c Config
	for i, k := range keys {
		out[i] = Field{Key: k.name, Help: k.help, Kind: reflect.TypeOf(k.field(&c)).Elem().Kind()}
	}
	return out
}

func keyByName(name string) (key, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return key{}, false
}

// Get returns the value of key as text ("" for an unknown key).
func (c *Config) Get(name string) string {
	k, ok := keyByName(name)
	if !ok {
		return ""
	}
	return fmt.Sprint(reflect.ValueOf(k.field(c)).Elem().Interface())
}

// Set parses value into the setting named key, as a flag gives it.
// Errors name the key.
func (c *Config) Set(name, value string) error {
	k, ok := keyByName(name)
	if !ok {
		return fmt.Errorf("unknown key %q", name)
	}
	v := strings.TrimSpace(value)
	switch p := k.field(c).(type) {
	case *string:
		*p = value
	case *int, *int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: want an integer, got %q", name, value)
		}
		reflect.ValueOf(p).Elem().SetInt(n)
	case *float64:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%s: want a number, got %q", name, value)
		}
		*p = x
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s: want true or false, got %q", name, value)
		}
		*p = b
	}
	return nil
}

// want names what a key's value must be.
func (k key) want() string {
	switch k.field(&Config{}).(type) {
	case *int, *int64:
		return "an integer"
	case *float64:
		return "a number"
	case *bool:
		return "true or false"
	}
	return "a string"
}

// DecodeYAML reads a config file over c: keys it does not set keep c's
// values. Unknown keys, keys given twice and values of the wrong type are
// errors that name the file, line and key (all of them, one a line).
func (c *Config) DecodeYAML(b []byte, name string) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil // empty, or comments only
	}
	m := doc.Content[0]
	if m.ShortTag() == "!!null" {
		return nil
	}
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: want keys and values (key: value lines), got %s", name, m.Line, m.ShortTag())
	}
	var errs []error
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		k, ok := keyByName(kn.Value)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q (see nmt train --help for the keys)", name, kn.Line, kn.Value))
		case seen[k.name] > 0:
			errs = append(errs, fmt.Errorf("%s:%d: %s: given twice (first on line %d)", name, kn.Line, k.name, seen[k.name]))
		default:
			seen[k.name] = kn.Line
			if err := k.decode(c, vn); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s: %w", name, vn.Line, k.name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// decode sets k from a YAML value. An integer key refuses a number with
// a fraction or an exponent, which the YAML decoder would truncate
// (1024.9 -> 1024), as its flag refuses it.
func (k key) decode(c *Config, v *yaml.Node) error {
	got := v.Value
	if v.Kind != yaml.ScalarNode {
		got = v.ShortTag()
	}
	p := k.field(c)
	isInt := k.want() == "an integer"
	if isInt && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" {
		return fmt.Errorf("want an integer, got %q", got)
	}
	if err := v.Decode(p); err != nil {
		return fmt.Errorf("want %s, got %q", k.want(), got)
	}
	return nil
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
	for _, k := range keys {
		b, _ := yaml.Marshal(map[string]any{k.name: reflect.ValueOf(k.field(&c)).Elem().Interface()})
		fmt.Fprintf(&sb, "# %s\n%s", k.help, b)
	}
	return sb.String()
}

// MarshalJSON writes c as one object of its keys, in the order of
// config.yaml (a checkpoint's meta.config).
func (c Config) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		v, err := json.Marshal(k.field(&c))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k.name, err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", k.name, v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes, or the flat Config of older
// checkpoints (Go field names), over DefaultConfig. Names it does not know
// (a newer nmt's keys) are skipped: meta.config records a run, nothing
// is built from it.
func (c *Config) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = DefaultConfig()
	for _, k := range keys {
		v, ok := m[k.name]
		if !ok {
			v, ok = m[k.oldName]
		}
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, k.field(c)); err != nil {
			return fmt.Errorf("config: %s: %w", k.name, err)
		}
	}
	return nil
}
