package synth

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// Config sizes a generated corpus.
type Config struct {
	Seed               int64
	Train, Valid, Test int
}

// DefaultConfig is the quickstart's corpus: 20,000 / 1,000 / 1,000 pairs.
func DefaultConfig() Config { return Config{Seed: 1, Train: 20000, Valid: 1000, Test: 1000} }

// Corpus holds the three splits. No German sentence occurs twice, so
// valid and test sentences are never seen in training.
type Corpus struct{ Train, Valid, Test []Pair }

// Generate makes a corpus; the same Config always gives the same corpus.
func Generate(c Config) (*Corpus, error) {
	if c.Train <= 0 || c.Valid < 0 || c.Test < 0 {
		return nil, fmt.Errorf("synth: want train > 0, valid and test >= 0, got %d, %d, %d", c.Train, c.Valid, c.Test)
	}
	g := NewGenerator(c.Seed)
	seen := map[string]bool{}
	take := func(n int) ([]Pair, error) {
		out := make([]Pair, 0, n)
		for tries := 0; len(out) < n; tries++ {
			if tries > 50*n+1000 {
				return nil, fmt.Errorf("synth: found only %d distinct sentences of %d", len(out), n)
			}
			p := g.Sentence()
			if seen[p.De] {
				continue
			}
			seen[p.De] = true
			out = append(out, p)
		}
		return out, nil
	}
	var k Corpus
	var err error
	if k.Test, err = take(c.Test); err != nil {
		return nil, err
	}
	if k.Valid, err = take(c.Valid); err != nil {
		return nil, err
	}
	if k.Train, err = take(c.Train); err != nil {
		return nil, err
	}
	return &k, nil
}

// Write writes DIR/{train,valid,test}.{de,en}, one sentence a line, each
// file atomically. Empty splits are not written.
func (k *Corpus) Write(dir string) error {
	for _, s := range []struct {
		name  string
		pairs []Pair
	}{{"train", k.Train}, {"valid", k.Valid}, {"test", k.Test}} {
		if len(s.pairs) == 0 {
			continue
		}
		for _, lang := range []string{"de", "en"} {
			err := atomicfile.Write(filepath.Join(dir, s.name+"."+lang), func(w io.Writer) error {
				for _, p := range s.pairs {
					line := p.De
					if lang == "en" {
						line = p.En
					}
					if _, err := io.WriteString(w, line+"\n"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
