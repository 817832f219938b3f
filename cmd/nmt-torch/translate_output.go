package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/eval/bleu"
)

type jsonHyp struct {
	Text      string    `json:"text"`
	Tokenized string    `json:"tokenized"`
	Tokens    []int64   `json:"tokens"`
	Score     float64   `json:"score"`
	PosScores []float32 `json:"positional_scores"`
}

type jsonLine struct {
	ID         int       `json:"id"`
	Source     string    `json:"source"`
	Hypotheses []jsonHyp `json:"hypotheses"`
}

// write prints the translations of input line id (0-based). text: the
// n-best translations, one per line (an empty line for an empty input);
// json: one object per input line; fairseq: fairseq-generate's S-, H-
// (BPE removed, tokenized), D- (detokenized) and P- lines, with scores
// in base 2 as fairseq prints them.
func (t *translator) write(id int, src string, hyps []decode.Hypothesis) {
	switch t.form {
	case "text":
		if len(hyps) == 0 {
			fmt.Fprintln(t.out)
		}
		for _, h := range hyps {
			_, d := t.postprocess(h.Tokens)
			fmt.Fprintln(t.out, d)
		}
	case "json":
		l := jsonLine{ID: id, Source: src, Hypotheses: []jsonHyp{}}
		for _, h := range hyps {
			tk, d := t.postprocess(h.Tokens)
			l.Hypotheses = append(l.Hypotheses, jsonHyp{Text: d, Tokenized: tk, Tokens: h.Tokens, Score: h.Score, PosScores: h.PosScores})
		}
		b, _ := json.Marshal(l)
		t.out.Write(append(b, '\n'))
	case "fairseq":
		fmt.Fprintf(t.out, "S-%d\t%s\n", id, src)
		for _, h := range hyps {
			tk, d := t.postprocess(h.Tokens)
			sc := h.Score / math.Ln2
			fmt.Fprintf(t.out, "H-%d\t%.6g\t%s\n", id, sc, tk)
			fmt.Fprintf(t.out, "D-%d\t%.6g\t%s\n", id, sc, d)
			ps := make([]string, len(h.PosScores))
			for i, p := range h.PosScores {
				ps[i] = fmt.Sprintf("%.4f", float64(p)/math.Ln2)
			}
			fmt.Fprintf(t.out, "P-%d\t%s\n", id, strings.Join(ps, " "))
		}
	}
}

// scoreSplit translates a prepared split from its binarized source ids and
// scores it against the prepared directory's tok.SPLIT.TGT (tokenized,
// lowercased as prepared: BLEU with tokenizer none) and raw.SPLIT.TGT
// (detokenized output, sacreBLEU 13a).
func (t *translator) scoreSplit(dir, split string, score bool) error {
	s := t.cks[0].settings
	pair, err := data.OpenLanguagePair(dir, split, s.SrcLang, s.TgtLang)
	if err != nil {
		return err
	}
	defer pair.Close()
	src := make([][]int64, pair.Len())
	for i := range src {
		for _, v := range pair.Sample(i).Source {
			src[i] = append(src[i], int64(v))
		}
		if lim := t.opt.MaxPositions; lim > 0 && len(src[i]) > lim {
			src[i] = append(src[i][:lim-1], src[i][len(src[i])-1])
		}
	}
	res, err := decode.Translate(t.model, src, t.opt, t.batch, t.dev)
	if err != nil {
		return err
	}
	tokHyps := make([]string, len(res))
	detHyps := make([]string, len(res))
	for i, h := range res {
		tokHyps[i], detHyps[i] = t.postprocess(h[0].Tokens)
		if !score {
			t.write(i, "", h)
		}
	}
	if !score {
		return nil
	}
	for _, c := range []struct {
		file  string
		hyps  []string
		cfg   bleu.Config
		label string
	}{
		{prep.StagePath("", split, "tok", s.TgtLang), tokHyps, bleu.Config{Tokenize: "none", Smooth: "exp", Version: "nmt-" + version}, "tokenized"},
		// The raw reference keeps its case; a model trained on lowercased
		// text is scored case-insensitively there (sacrebleu -lc).
		{prep.StagePath("", split, "raw", s.TgtLang), detHyps, bleu.Config{Tokenize: "13a", Smooth: "exp", Lowercase: s.Lowercase, Version: "nmt-" + version}, "detokenized (sacreBLEU)"},
	} {
		refs, err := readLines(filepath.Join(dir, c.file))
		if err != nil {
			return err
		}
		if len(refs) != len(c.hyps) {
			return fmt.Errorf("%s: %d lines, the split has %d pairs", c.file, len(refs), len(c.hyps))
		}
		b, err := bleu.New([][]string{refs}, c.cfg)
		if err != nil {
			return err
		}
		sc, err := b.Corpus(c.hyps)
		if err != nil {
			return err
		}
		fmt.Fprintf(t.out, "%s: %v\n", c.label, sc)
	}
	return nil
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
