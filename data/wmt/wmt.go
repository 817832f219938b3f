package wmt

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
)

// Config is one run of the recipe.
type Config struct {
	Raw, Out string
	Src, Tgt string // "en", "de"
	// Corpora are the training corpora, relative to Raw (see package doc).
	Corpora []string
	// TestSrc, TestTgt are the SGM test files, relative to Raw.
	TestSrc, TestTgt string
	Merges           int // 40,000
	Workers          int
	Progress         io.Writer
	Force            bool
	Version          string
}

// DefaultConfig is the script's setting (without --icml17).
func DefaultConfig() Config {
	return Config{
		Src: "en", Tgt: "de",
		Corpora: []string{"training/europarl-v7.de-en", "commoncrawl.de-en", "training/news-commentary-v12.de-en"},
		TestSrc: "test-full/newstest2014-deen-src.en.sgm", TestTgt: "test-full/newstest2014-deen-ref.de.sgm",
		Merges: 40000,
	}
}

// Settings returns the recipe's preparation settings.
func (c Config) Settings() prep.Settings {
	return prep.Settings{
		Recipe: "wmt14", SrcLang: c.Src, TgtLang: c.Tgt,
		NormalizePunctuation: true, RemoveNonPrinting: true, Tokenize: true, Aggressive: true,
		Clean:      &data.CleanConfig{Min: 1, Max: 250, Ratio: 1.5, MaxWordLength: 1000},
		CleanStage: "bpe", ValidEvery: 100,
		Merges: c.Merges, MinFrequency: 2,
		JoinedDictionary: true, Dict: data.DefaultDictConfig(),
	}
}

// corpus returns the reader opener and files of one corpus spec.
func (c Config) corpus(spec string) (func() (prep.PairReader, error), []string, error) {
	base := strings.SplitN(spec, "=", 2)[0]
	if strings.HasSuffix(base, ".tsv") || strings.HasSuffix(base, ".tsv.gz") {
		path, srcFirst, err := tsvOrder(filepath.Join(c.Raw, spec), c.Src, c.Tgt)
		if err != nil {
			return nil, nil, err
		}
		if _, err := os.Stat(path); err != nil {
			return nil, nil, err
		}
		return func() (prep.PairReader, error) { return OpenTSV(path, srcFirst) }, []string{path}, nil
	}
	var files [2]string
	for i, l := range []string{c.Src, c.Tgt} {
		p := filepath.Join(c.Raw, spec+"."+l)
		if _, err := os.Stat(p); err != nil {
			if _, errGz := os.Stat(p + ".gz"); errGz != nil {
				return nil, nil, fmt.Errorf("%s: want a corpus file (plain or .gz), got %w", p, err)
			}
			p += ".gz"
		}
		files[i] = p
	}
	return func() (prep.PairReader, error) { return prep.OpenLinePairs(files[0], files[1]) }, files[:], nil
}

// Inputs returns the train and test inputs.
func (c Config) Inputs() ([]prep.Input, error) {
	if len(c.Corpora) == 0 {
		return nil, fmt.Errorf("wmt: want at least one training corpus, got none")
	}
	var opens []func() (prep.PairReader, error)
	var files []string
	for _, spec := range c.Corpora {
		open, f, err := c.corpus(spec)
		if err != nil {
			return nil, err
		}
		opens = append(opens, open)
		files = append(files, f...)
	}
	ts, tt := filepath.Join(c.Raw, c.TestSrc), filepath.Join(c.Raw, c.TestTgt)
	for _, f := range []string{ts, tt} {
		if _, err := os.Stat(f); err != nil {
			return nil, err
		}
	}
	return []prep.Input{
		{Split: "train", Files: files, Open: func() (prep.PairReader, error) { return prep.Concat(opens...), nil }},
		{Split: "test", Files: []string{ts, tt}, TokenizeOnly: true, Open: func() (prep.PairReader, error) { return prep.OpenSegPairs(ts, tt) }},
	}, nil
}

// Prepare runs the recipe.
func Prepare(c Config) (*prep.Report, error) {
	in, err := c.Inputs()
	if err != nil {
		return nil, err
	}
	return prep.Run(prep.Config{
		Settings: c.Settings(), Out: c.Out, Inputs: in,
		Workers: c.Workers, Progress: c.Progress, Force: c.Force, Version: c.Version,
		Notes: []string{"fairseq prepare-wmt14en2de.sh; test is tokenized without punctuation normalisation, as in the script"},
	})
}
