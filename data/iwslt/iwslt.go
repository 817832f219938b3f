package iwslt

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
)

// TestSets are the test files in the order prepare-iwslt14.sh
// concatenates them.
var TestSets = []string{"IWSLT14.TED.dev2010", "IWSLT14.TEDX.dev2012", "IWSLT14.TED.tst2010", "IWSLT14.TED.tst2011", "IWSLT14.TED.tst2012"}

// Config is one run of the recipe.
type Config struct {
	Raw, Out         string // release folder, output folder
	Src, Tgt         string // "de", "en"
	Merges           int    // joint BPE merges (10,000)
	JoinedDictionary bool
	Workers          int
	Progress         io.Writer
	Force            bool
	Version          string
}

// DefaultConfig is the script's setting.
func DefaultConfig() Config { return Config{Src: "de", Tgt: "en", Merges: 10000} }

// Settings returns the recipe's preparation settings.
func (c Config) Settings() prep.Settings {
	return prep.Settings{
		Recipe: "iwslt14", SrcLang: c.Src, TgtLang: c.Tgt,
		Tokenize: true, Lowercase: true,
		Clean:      &data.CleanConfig{Min: 1, Max: 175, Ratio: 1.5, MaxWordLength: 1000},
		CleanStage: "tok", ValidEvery: 23,
		Merges: c.Merges, MinFrequency: 2,
		JoinedDictionary: c.JoinedDictionary, Dict: data.DefaultDictConfig(),
	}
}

// releaseDir finds the folder holding train.tags.*: raw itself or raw/de-en.
func releaseDir(raw, src, tgt string) (string, error) {
	name := fmt.Sprintf("train.tags.%s-%s.%s", src, tgt, src)
	for _, d := range []string{raw, filepath.Join(raw, src+"-"+tgt)} {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("%s: want the IWSLT'14 release (%s), got no such file", raw, name)
}

// Inputs returns the train and test inputs of the release in raw.
func Inputs(raw, src, tgt string) ([]prep.Input, error) {
	dir, err := releaseDir(raw, src, tgt)
	if err != nil {
		return nil, err
	}
	lp := src + "-" + tgt
	trainS := filepath.Join(dir, fmt.Sprintf("train.tags.%s.%s", lp, src))
	trainT := filepath.Join(dir, fmt.Sprintf("train.tags.%s.%s", lp, tgt))
	var testFiles []string
	var opens []func() (prep.PairReader, error)
	for _, set := range TestSets {
		s := filepath.Join(dir, fmt.Sprintf("%s.%s.%s.xml", set, lp, src))
		t := filepath.Join(dir, fmt.Sprintf("%s.%s.%s.xml", set, lp, tgt))
		for _, f := range []string{s, t} {
			if _, err := os.Stat(f); err != nil {
				return nil, err
			}
		}
		testFiles = append(testFiles, s, t)
		opens = append(opens, func() (prep.PairReader, error) { return prep.OpenSegPairs(s, t) })
	}
	if _, err := os.Stat(trainT); err != nil {
		return nil, err
	}
	return []prep.Input{
		{Split: "train", Files: []string{trainS, trainT}, Open: func() (prep.PairReader, error) { return OpenTrainPairs(trainS, trainT) }},
		{Split: "test", Files: testFiles, Open: func() (prep.PairReader, error) { return prep.Concat(opens...), nil }},
	}, nil
}

// Prepare runs the recipe.
func Prepare(c Config) (*prep.Report, error) {
	in, err := Inputs(c.Raw, c.Src, c.Tgt)
	if err != nil {
		return nil, err
	}
	return prep.Run(prep.Config{
		Settings: c.Settings(), Out: c.Out, Inputs: in,
		Workers: c.Workers, Progress: c.Progress, Force: c.Force, Version: c.Version,
		Notes: []string{"fairseq prepare-iwslt14.sh; published split sizes 160239/7283/6750"},
	})
}
