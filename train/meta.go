package train

import (
	"encoding/json"

	"github.com/fixup-nmt/nmt/data"
)

// FormatVersion is the checkpoint format's version (see checkpoint.go).
const FormatVersion = 1

// Meta is the JSON metadata of a checkpoint (the "meta" object of its
// header). Keys are documented in doc.go; translation reads Config, the
// Data files and the model shape from here.
type Meta struct {
	Format      int    `json:"format"`
	NMTVersion  string `json:"nmt_version,omitempty"`
	Torch       string `json:"torch_version,omitempty"`
	Config      Config `json:"config"`
	ModelConfig any    `json:"model_config,omitempty"` // the model's own resolved config (transformer.Config)

	Updates    int            `json:"num_updates"`
	Epoch      int            `json:"epoch"`
	Iterator   data.IterState `json:"iterator"`
	EpochDone  bool           `json:"epoch_done"` // the epoch ended with this checkpoint (its validation ran)
	LR         float64        `json:"lr"`
	OptimStep  int64          `json:"optimizer_step"`
	Optimizer  string         `json:"optimizer"`
	Best       *float64       `json:"best,omitempty"`
	BestMetric string         `json:"best_metric,omitempty"`
	BadValids  int            `json:"validations_without_improvement"`
	Skipped    int            `json:"skipped_updates"`
	WallSecond float64        `json:"train_wall_seconds"`
	// MetricsBytes is the size of metrics.jsonl when the checkpoint was
	// saved: a resume cuts the file back to it.
	MetricsBytes int64 `json:"metrics_bytes,omitempty"`

	// Data is the prepared directory's files needed to translate: the
	// contents of prepare.json, dict.SRC.txt, dict.TGT.txt, codes and the
	// SentencePiece models.
	Data DataFiles `json:"data"`

	// AveragedFrom lists the inputs of `nmt average`.
	AveragedFrom []string `json:"averaged_from,omitempty"`
}

// DataFiles is the prepared data a model needs to translate.
type DataFiles struct {
	Dir        string          `json:"dir"`
	SourceLang string          `json:"source_lang"`
	TargetLang string          `json:"target_lang"`
	Prepare    json.RawMessage `json:"prepare_json,omitempty"`
	SourceDict string          `json:"source_dict"`
	TargetDict string          `json:"target_dict"`
	Codes      string          `json:"bpe_codes,omitempty"`
	// SPM holds the SentencePiece models of a directory prepared with
	// them: each model file's bytes (a .model or a tokenizer.json; base64
	// in the JSON) under its name in prepare.json's spm entry ("spm.model",
	// or "spm.SRC.model" and "spm.TGT.model"; "spm.json" and the like).
	// Checkpoints written before it was added have none; translation then
	// reads the models from Dir.
	SPM map[string][]byte `json:"spm_models,omitempty"`
}
