package translate

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/eval/bleu"
)

// TranslateSplit translates a split of a prepared directory from its
// binarized source ids (already preprocessed, so Source.Text is empty);
// sentences longer than the model takes are cut. The directory's
// dictionaries must be the model's: ids of other dictionaries would be
// other words (or out of the model's range).
func (m *Model) TranslateSplit(ctx context.Context, dir, split string, o Options) ([]Translation, error) {
	s := m.settings
	pair, err := data.OpenLanguagePair(dir, split, s.SrcLang, s.TgtLang)
	if err != nil {
		return nil, err
	}
	defer pair.Close()
	for _, d := range []struct {
		side       string
		model, dir *data.Dictionary
		lang       string
	}{{"source", m.srcDict, pair.SrcDict, s.SrcLang}, {"target", m.tgtDict, pair.TgtDict, s.TgtLang}} {
		if diff, ok := sameDict(d.model, d.dir); !ok {
			return nil, fmt.Errorf("%s: the checkpoint's %s dictionary has %d symbols, dict.%s.txt has %d%s: the model was trained on other data",
				dir, d.side, d.model.Len(), d.lang, d.dir.Len(), diff)
		}
	}
	srcs := make([]Source, pair.Len())
	for i := range srcs {
		v := pair.Sample(i).Source
		ids := make([]int64, len(v))
		for j, x := range v {
			ids[j] = int64(x)
		}
		srcs[i] = Source{IDs: m.truncate(ids), Tokens: len(ids)}
	}
	return m.Search(ctx, srcs, o)
}

// sameDict reports whether a and b hold the same symbols in the same
// order; if not, diff names the first symbol that differs (empty when
// one is a prefix of the other).
func sameDict(a, b *data.Dictionary) (diff string, ok bool) {
	for i := 0; i < min(a.Len(), b.Len()); i++ {
		if x, y := a.Symbol(int32(i)), b.Symbol(int32(i)); x != y {
			return fmt.Sprintf(" (symbol %d: %q against %q)", i, x, y), false
		}
	}
	return "", a.Len() == b.Len()
}

// SplitScore is one BLEU score of a split.
type SplitScore struct {
	Label string // "tokenized" or "detokenized (sacreBLEU)"
	Score bleu.Score
}

// ScoreSplit scores the best hypotheses of a split's translations
// (TranslateSplit) against the prepared directory's references: the
// tokenized output against tok.SPLIT.TGT (as prepared, lowercased if it
// was: BLEU with tokenizer none) and the detokenized output against
// raw.SPLIT.TGT (sacreBLEU 13a, case-insensitive for a lowercased model).
// version goes into the signatures.
func (m *Model) ScoreSplit(dir, split string, tr []Translation, version string) ([]SplitScore, error) {
	s := m.settings
	tok := make([]string, len(tr))
	det := make([]string, len(tr))
	for i, t := range tr {
		if len(t.Hyps) > 0 {
			tok[i], det[i] = t.Hyps[0].Tokenized, t.Hyps[0].Text
		}
	}
	var out []SplitScore
	for _, c := range []struct {
		file  string
		hyps  []string
		cfg   bleu.Config
		label string
	}{
		{prep.StagePath("", split, "tok", s.TgtLang), tok, bleu.Config{Tokenize: "none", Smooth: "exp", Version: version}, "tokenized"},
		// The raw reference keeps its case; a model trained on lowercased
		// text is scored case-insensitively there (sacrebleu -lc).
		{prep.StagePath("", split, "raw", s.TgtLang), det, bleu.Config{Tokenize: "13a", Smooth: "exp", Lowercase: s.Lowercase, Version: version}, "detokenized (sacreBLEU)"},
	} {
		refs, err := readLines(filepath.Join(dir, c.file))
		if err != nil {
			return nil, err
		}
		if len(refs) != len(c.hyps) {
			return nil, fmt.Errorf("%s: %d lines, the split has %d pairs", c.file, len(refs), len(c.hyps))
		}
		b, err := bleu.New([][]string{refs}, c.cfg)
		if err != nil {
			return nil, err
		}
		sc, err := b.Corpus(c.hyps)
		if err != nil {
			return nil, err
		}
		out = append(out, SplitScore{Label: c.label, Score: sc})
	}
	return out, nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out, sc.Err()
}
