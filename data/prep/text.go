package prep

import (
	"fmt"
	"os"
)

// TextConfig describes `nmt prepare text`: any parallel corpus given as
// line-aligned files (".gz" allowed), with valid and test given as files
// or held out from train.
type TextConfig struct {
	TrainSrc, TrainTgt string
	ValidSrc, ValidTgt string // optional
	TestSrc, TestTgt   string // optional
}

// Inputs checks the files and returns the pipeline inputs.
func (c TextConfig) Inputs() ([]Input, error) {
	var in []Input
	for _, s := range []struct {
		split, src, tgt string
		required        bool
	}{
		{"train", c.TrainSrc, c.TrainTgt, true},
		{"valid", c.ValidSrc, c.ValidTgt, false},
		{"test", c.TestSrc, c.TestTgt, false},
	} {
		if s.src == "" && s.tgt == "" && !s.required {
			continue
		}
		if s.src == "" || s.tgt == "" {
			return nil, fmt.Errorf("prep: want both --%s-src and --%s-tgt, got %q and %q", s.split, s.split, s.src, s.tgt)
		}
		for _, f := range []string{s.src, s.tgt} {
			if _, err := os.Stat(f); err != nil {
				return nil, err
			}
		}
		src, tgt := s.src, s.tgt
		in = append(in, Input{Split: s.split, Files: []string{src, tgt}, Open: func() (PairReader, error) { return OpenLinePairs(src, tgt) }})
	}
	return in, nil
}
