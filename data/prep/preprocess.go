package prep

import (
	"fmt"
	"path/filepath"

	"github.com/fixup-nmt/nmt/bpe"
)

// Preprocessor applies a prepared directory's text steps and BPE to new
// text of one of its languages, so that translation input goes through
// exactly what the training data went through. It is safe for concurrent
// use.
type Preprocessor struct {
	steps   func(string) string
	segment func(string) string // subword segmentation; nil: none
}

// NewPreprocessor reads DIR/prepare.json and DIR/codes and returns the
// preprocessing of lang (its source or target language).
func NewPreprocessor(dir, lang string) (*Preprocessor, error) {
	rep, err := LoadReport(dir)
	if err != nil {
		return nil, err
	}
	if lang != rep.SrcLang && lang != rep.TgtLang {
		return nil, fmt.Errorf("%s: want language %s or %s, got %q", filepath.Join(dir, "prepare.json"), rep.SrcLang, rep.TgtLang, lang)
	}
	var codes *bpe.Codes
	if rep.Merges > 0 {
		if codes, err = bpe.LoadCodes(filepath.Join(dir, "codes")); err != nil {
			return nil, err
		}
	}
	return rep.Settings.Preprocessor(lang, codes), nil
}

// Preprocessor returns the preprocessing of lang under s, with BPE codes
// (nil: no BPE), as a checkpoint that carries its prepare.json and codes
// needs it.
//
// Subword segmentation is chosen here and undone in Postprocessor: a
// segmentation other than BPE (a SentencePiece model saved by prepare)
// plugs in at these two places.
func (s Settings) Preprocessor(lang string, codes *bpe.Codes) *Preprocessor {
	p := &Preprocessor{steps: s.LineFunc(lang)}
	if codes != nil {
		p.segment = bpe.NewEncoder(codes).Apply
	}
	return p
}

// Apply preprocesses one line.
func (p *Preprocessor) Apply(line string) string {
	line = p.steps(line)
	if p.segment != nil {
		line = p.segment(line)
	}
	return line
}
