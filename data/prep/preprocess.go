package prep

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/spm"
)

// Preprocessor applies a prepared directory's text steps and BPE to new
// text of one of its languages, so that translation input goes through
// exactly what the training data went through. It is safe for concurrent
// use.
type Preprocessor struct {
	steps   func(string) string
	segment func(string) string // subword segmentation; nil: none
}

// NewPreprocessor reads DIR/prepare.json and DIR/codes (or DIR's
// SentencePiece model) and returns the
// preprocessing of lang (its source or target language).
func NewPreprocessor(dir, lang string) (*Preprocessor, error) {
	rep, err := LoadReport(dir)
	if err != nil {
		return nil, err
	}
	if lang != rep.SrcLang && lang != rep.TgtLang {
		return nil, fmt.Errorf("%s: want language %s or %s, got %q", filepath.Join(dir, "prepare.json"), rep.SrcLang, rep.TgtLang, lang)
	}
	if rep.SPM != nil {
		m, err := rep.Settings.LoadSPM(dir, lang)
		if err != nil {
			return nil, err
		}
		return rep.Settings.SPMPreprocessor(lang, m), nil
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

// SPMPreprocessor returns the preprocessing of lang under s (which must
// name SentencePiece models) with lang's model m: the text steps, then m's
// pieces joined by spaces.
func (s Settings) SPMPreprocessor(lang string, m *spm.Model) *Preprocessor {
	p := s.Preprocessor(lang, nil)
	p.segment = func(line string) string { return strings.Join(m.Encode(line), " ") }
	return p
}

// SPMPostprocessor returns the postprocessing of a model trained on data
// prepared with SentencePiece: the target dictionary's symbols joined by
// spaces and decoded with the target model m, as spm_decode does; no
// Moses detokenization.
func (s Settings) SPMPostprocessor(dict *data.Dictionary, m *spm.Model) *Postprocessor {
	p := s.Postprocessor(dict)
	p.Join = func(line string) string { return m.Decode(spm.SplitPieces(line)) }
	p.Detok = nil
	return p
}

// SPMJoin returns the function that turns a line of lang's SentencePiece
// pieces (model output, joined by spaces) back into text, as spm_decode
// does, for the prepared directory dir with settings s; nil when s did
// not use SentencePiece. Translation applies it where BPE output has its
// "@@ " removed, and skips Moses detokenization (s.Tokenize is off).
func (s Settings) SPMJoin(dir, lang string) (func(string) string, error) {
	if s.SPM == nil {
		return nil, nil
	}
	m, err := s.LoadSPM(dir, lang)
	if err != nil {
		return nil, err
	}
	return func(line string) string { return m.Decode(spm.SplitPieces(line)) }, nil
}
