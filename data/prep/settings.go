package prep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
)

// Settings are every choice that shapes a prepared directory. They are
// saved in its prepare.json, so that translation can apply the same
// preprocessing to new text (see Preprocessor).
type Settings struct {
	Recipe  string `json:"recipe"` // "text", "iwslt14", "wmt14"
	SrcLang string `json:"src_lang"`
	TgtLang string `json:"tgt_lang"`

	// Text steps, in order, per side.
	NormalizePunctuation bool `json:"normalize_punctuation"` // normalize-punctuation.perl -l LANG
	RemoveNonPrinting    bool `json:"remove_non_printing"`   // remove-non-printing-char.perl
	Tokenize             bool `json:"tokenize"`              // tokenizer.perl -l LANG
	Aggressive           bool `json:"aggressive"`            // tokenizer.perl -a
	NoEscape             bool `json:"no_escape"`             // tokenizer.perl -no-escape
	Lowercase            bool `json:"lowercase"`             // lowercase.perl

	// Clean drops training pairs by clean-corpus-n.perl's rules, either on
	// the tokenized text ("tok", the IWSLT recipe) or after BPE ("bpe",
	// the WMT recipe, which also cleans valid). nil: no cleaning.
	Clean      *data.CleanConfig `json:"clean,omitempty"`
	CleanStage string            `json:"clean_stage,omitempty"`

	// ValidEvery > 0 moves every ValidEvery-th training pair (counted from
	// 1, after tok-stage cleaning) to valid, as the recipes' awk NR%N==0.
	ValidEvery int `json:"valid_every,omitempty"`

	// ValidSize and TestSize > 0 hold out that many training pairs, drawn
	// at random with SplitSeed (a seeded permutation of the raw pair
	// numbers), as valid and test; held-out pairs keep their file order
	// and are not cleaned.
	ValidSize int   `json:"valid_size,omitempty"`
	TestSize  int   `json:"test_size,omitempty"`
	SplitSeed int64 `json:"split_seed,omitempty"`

	// Merges is the number of joint BPE merges learned on train (both
	// sides); 0: no BPE. MinFrequency is subword-nmt's --min-frequency.
	Merges       int `json:"bpe_merges"`
	MinFrequency int `json:"bpe_min_frequency"`

	// SPM, when set, segments both sides with SentencePiece models (copied
	// into the prepared directory) instead of Moses tokenization and BPE,
	// as fairseq's SentencePiece recipes do; Tokenize and Merges are then
	// off.
	SPM *SPMSettings `json:"spm,omitempty"`

	JoinedDictionary bool            `json:"joined_dictionary"`
	Dict             data.DictConfig `json:"dictionary"`
}

// SPMSettings name the SentencePiece models of a prepared directory: file
// names inside it ("spm.model" for one joint model, "spm.de.model" and
// "spm.en.model" for one per side) and the model type.
type SPMSettings struct {
	SrcModel string `json:"src_model"`
	TgtModel string `json:"tgt_model"`
	Kind     string `json:"kind"` // "unigram" or "bpe"
}

// SPMModel returns the file name of lang's SentencePiece model.
func (s Settings) SPMModel(lang string) string {
	if s.SPM == nil {
		return ""
	}
	if lang == s.TgtLang {
		return s.SPM.TgtModel
	}
	return s.SPM.SrcModel
}

// Validate reports settings that cannot run.
func (s Settings) Validate() error {
	switch {
	case s.SrcLang == "" || s.TgtLang == "" || s.SrcLang == s.TgtLang:
		return fmt.Errorf("prep: want two different languages, got %q and %q", s.SrcLang, s.TgtLang)
	case s.Merges < 0 || s.ValidEvery < 0 || s.ValidEvery == 1:
		return fmt.Errorf("prep: want merges >= 0 and valid-every 0 or >= 2, got %d and %d", s.Merges, s.ValidEvery)
	case s.ValidSize < 0 || s.TestSize < 0 || (s.ValidSize > 0 && s.ValidEvery > 0):
		return fmt.Errorf("prep: want valid-size >= 0, test-size >= 0 and not both valid-size and valid-every, got %d, %d, %d", s.ValidSize, s.TestSize, s.ValidEvery)
	case s.Clean != nil && s.CleanStage != "tok" && s.CleanStage != "bpe":
		return fmt.Errorf("prep: want clean stage \"tok\" or \"bpe\", got %q", s.CleanStage)
	case s.SPM != nil && s.Clean != nil && s.CleanStage != "tok":
		return fmt.Errorf("prep: with spm, cleaning runs on the text before segmentation: want clean stage \"tok\", got %q", s.CleanStage)
	case s.SPM != nil && (s.Tokenize || s.Merges > 0):
		return fmt.Errorf("prep: SentencePiece replaces Moses tokenization and BPE: want neither with spm, got tokenize %v and %d merges", s.Tokenize, s.Merges)
	}
	if s.Clean != nil {
		return s.Clean.Validate()
	}
	return nil
}

// SplitStats counts one split of the output.
type SplitStats struct {
	Pairs     int   `json:"pairs"`
	SrcTokens int64 `json:"src_tokens"` // binarized tokens, EOS included
	TgtTokens int64 `json:"tgt_tokens"`
	SrcUnk    int   `json:"src_unk"` // tokens replaced by <unk>
	TgtUnk    int   `json:"tgt_unk"`
}

// Report is prepare.json: the settings, the inputs and every count.
type Report struct {
	Settings
	Version string              `json:"nmt_version,omitempty"`
	Inputs  map[string][]string `json:"inputs"` // split -> raw files read
	// RawPairs is the number of pairs read per input split.
	RawPairs map[string]int `json:"raw_pairs"`
	// Dropped counts pairs dropped per input split and rule (the
	// clean-corpus rules and "overlong_line").
	Dropped    map[string]map[string]int `json:"dropped"`
	Splits     map[string]SplitStats     `json:"splits"`
	DictSizes  map[string]int            `json:"dict_sizes"`
	Notes      []string                  `json:"notes,omitempty"`
	WallSecond float64                   `json:"wall_seconds"`
}

// LoadReport reads DIR/prepare.json.
func LoadReport(dir string) (*Report, error) {
	b, err := os.ReadFile(filepath.Join(dir, "prepare.json"))
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "prepare.json"), err)
	}
	return &r, nil
}
