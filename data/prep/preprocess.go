package prep

import (
	"fmt"
	"path/filepath"

	"github.com/fixup-nmt/nmt/bpe"
)

// Preprocessor applies a prepared directory's text steps and BPE to new
// text of one of its languages, so that translation input goes through
// exactly what the training data went through.
type Preprocessor struct {
	steps func(string) string
	enc   *bpe.Encoder
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
	p := &Preprocessor{steps: rep.Settings.LineFunc(lang)}
	if rep.Merges > 0 {
		codes, err := bpe.LoadCodes(filepath.Join(dir, "codes"))
		if err != nil {
			return nil, err
		}
		p.enc = bpe.NewEncoder(codes)
	}
	return p, nil
}

// Apply preprocesses one line. It is not safe for concurrent use (the BPE
// encoder caches segmentations); make one Preprocessor per goroutine.
func (p *Preprocessor) Apply(line string) string {
	line = p.steps(line)
	if p.enc != nil {
		line = p.enc.Apply(line)
	}
	return line
}
