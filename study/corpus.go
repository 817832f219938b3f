package study

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/data/synth"
)

// Prepare makes the study's corpus when c.Data is empty: c.TrainPairs
// pairs of the project's generated German-English corpus (data/synth,
// seed c.Seed), tokenized, lowercased, joint BPE with c.Merges merges and
// binarized by data/prep into OUT/data, and sets c.Data to it. A
// directory prepared before (prepare.json present) is reused.
func Prepare(c *Config, log io.Writer) error {
	if c.Data != "" {
		return nil
	}
	dir := filepath.Join(c.Out, "data")
	c.Data = dir
	if _, err := os.Stat(filepath.Join(dir, "prepare.json")); err == nil {
		fmt.Fprintf(log, "study: reusing the prepared corpus in %s\n", dir)
		return nil
	}
	k, err := synth.Generate(synth.Config{Seed: c.Seed, Train: c.TrainPairs, Valid: 0, Test: 0})
	if err != nil {
		return fmt.Errorf("study: corpus: %w", err)
	}
	pairs := make([]prep.Pair, len(k.Train))
	for i, p := range k.Train {
		pairs[i] = prep.Pair{Src: p.De, Tgt: p.En}
	}
	in := []prep.Input{{Split: "train", Files: []string{fmt.Sprintf("synth(seed %d, %d pairs)", c.Seed, c.TrainPairs)},
		Open: func() (prep.PairReader, error) { return &prep.SliceReader{Pairs: pairs}, nil }}}
	s := prep.Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", Tokenize: true, Lowercase: true,
		Merges: c.Merges, MinFrequency: 2, JoinedDictionary: true, Dict: data.DefaultDictConfig()}
	fmt.Fprintf(log, "study: preparing %d synth pairs (BPE %d merges) in %s\n", c.TrainPairs, c.Merges, dir)
	if _, err := prep.Run(prep.Config{Settings: s, Out: dir, Inputs: in, Force: true}); err != nil {
		return fmt.Errorf("study: corpus: %w", err)
	}
	return nil
}
