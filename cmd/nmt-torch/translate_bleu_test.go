package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/data/synth"
	"github.com/fixup-nmt/nmt/eval/bleu"
	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/translate"
)

// preparedData prepares generated German-English pairs as `nmt prepare
// text` does (Moses tokenizer, lowercase, 200 joint BPE merges) into
// train, valid and test splits.
func preparedData(t *testing.T) string {
	t.Helper()
	k, err := synth.Generate(synth.Config{Seed: 5, Train: 600, Valid: 20, Test: 40})
	if err != nil {
		t.Fatal(err)
	}
	input := func(split string, ps []synth.Pair) prep.Input {
		pairs := make([]prep.Pair, len(ps))
		for i, p := range ps {
			pairs[i] = prep.Pair{Src: p.De, Tgt: p.En}
		}
		return prep.Input{Split: split, Files: []string{"synth"}, Open: func() (prep.PairReader, error) { return &prep.SliceReader{Pairs: pairs}, nil }}
	}
	s := prep.Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", Tokenize: true, Lowercase: true, Merges: 200, MinFrequency: 2, JoinedDictionary: true, Dict: data.DefaultDictConfig()}
	dir := filepath.Join(t.TempDir(), "data")
	in := []prep.Input{input("train", k.Train), input("valid", k.Valid), input("test", k.Test)}
	if _, err := prep.Run(prep.Config{Settings: s, Out: dir, Inputs: in, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// trainedCheckpoint trains a Fixup Transformer of d 32, 1+1 layers for 300
// updates on dir and returns its checkpoint_last.
func trainedCheckpoint(t *testing.T, dir string) string {
	t.Helper()
	c, err := train.Recipe("small")
	if err != nil {
		t.Fatal(err)
	}
	c.Data.Dir, c.Checkpoint.SaveDir, c.Data.ValidSubset = dir, t.TempDir(), ""
	c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = 1, 1, 32, 64, 2
	c.Data.MaxTokens, c.Optim.LR, c.Optim.WarmupUpdates, c.Optim.MaxUpdate, c.Optim.MaxEpoch = 512, 3e-3, 5, 300, 0
	c.Checkpoint.SaveIntervalUpdates, c.Machine.Threads, c.Machine.Device = 0, 1, "cpu"
	tr, err := train.New(c, train.Options{Build: train.BuildTransformer, Log: io.Discard, Version: cmdinfo.Version})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+train.Ext)
}

// TestTranslateSplitBLEU runs `nmt translate --data DIR --split test
// --bleu` on a freshly trained checkpoint: it must print the tokenized
// and the detokenized (sacreBLEU) score lines with their signatures, and
// both must be what eval/bleu gives for the hypotheses the same command
// writes without --bleu (--format json: "tokenized" and "text") against
// test.tok.en and test.raw.en.
func TestTranslateSplitBLEU(t *testing.T) {
	tch.LockThread()
	dir := preparedData(t)
	ck := trainedCheckpoint(t, dir)
	args := []string{"--checkpoint", ck, "--data", dir, "--split", "test", "--max-len-a", "1", "--max-len-b", "5", "--device", "cpu", "--threads", "1"}
	out, errs, err := runCLI(t, "", append(args, "--bleu")...)
	if err != nil {
		t.Fatalf("--bleu: %v\n%s", err, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("--bleu printed %d lines, want 2 (tokenized, detokenized):\n%s", len(lines), out)
	}
	sig := map[string]string{
		"tokenized: ":               "BLEU|nrefs:1|case:mixed|eff:no|tok:none|smooth:exp|version:nmt-" + cmdinfo.Version + " = ",
		"detokenized (sacreBLEU): ": "BLEU|nrefs:1|case:lc|eff:no|tok:13a|smooth:exp|version:nmt-" + cmdinfo.Version + " = ",
	}
	for i, label := range []string{"tokenized: ", "detokenized (sacreBLEU): "} {
		if !strings.HasPrefix(lines[i], label+sig[label]) {
			t.Errorf("line %d: %q, want it to start with %q", i+1, lines[i], label+sig[label])
		}
	}

	out, errs, err = runCLI(t, "", append(args, "--format", "json")...)
	if err != nil {
		t.Fatalf("--format json: %v\n%s", err, errs)
	}
	var tok, det []string
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var j translate.JSONLine
		if err := json.Unmarshal([]byte(l), &j); err != nil || j.ID != i || len(j.Hypotheses) != 1 {
			t.Fatalf("json line %d: %v %q", i, err, l)
		}
		tok, det = append(tok, j.Hypotheses[0].Tokenized), append(det, j.Hypotheses[0].Text)
	}
	if len(tok) != 40 {
		t.Fatalf("%d hypotheses for 40 test pairs", len(tok))
	}
	for i, c := range []struct {
		refs string
		hyps []string
		cfg  bleu.Config
	}{
		{"test.tok.en", tok, bleu.Config{Tokenize: "none", Version: "nmt-" + cmdinfo.Version}},
		{"test.raw.en", det, bleu.Config{Tokenize: "13a", Lowercase: true, Version: "nmt-" + cmdinfo.Version}},
	} {
		b, err := os.ReadFile(filepath.Join(dir, c.refs))
		if err != nil {
			t.Fatal(err)
		}
		refs := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		sc, err := bleu.Corpus(c.hyps, [][]string{refs}, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !(sc.Score > 0) {
			t.Errorf("%s: BLEU %v: the model is too weak for the comparison to mean much", c.refs, sc.Score)
		}
		label := []string{"tokenized: ", "detokenized (sacreBLEU): "}[i]
		if want := label + sc.String(); lines[i] != want {
			t.Errorf("--bleu printed\n%s\neval/bleu on the written hypotheses and %s gives\n%s", lines[i], c.refs, want)
		}
	}
	t.Logf("%s\n%s", lines[0], lines[1])
}

// TestTranslateSplitOtherDictionary: a checkpoint whose dictionaries are
// not the prepared directory's is refused, naming both sizes (the ids of
// the split would be other words, or beyond the model's embeddings).
func TestTranslateSplitOtherDictionary(t *testing.T) {
	tch.LockThread()
	dir := preparedData(t)
	d, err := data.LoadDictionary(filepath.Join(dir, "dict.de.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, words := range []int{12, d.Len() - 4, d.Len() + 50} {
		ck := tinyCheckpointWords(t, words)
		for _, bleu := range []bool{false, true} {
			args := []string{"--checkpoint", ck, "--data", dir, "--split", "test", "--max-len-b", "3", "--device", "cpu"}
			if bleu {
				args = append(args, "--bleu")
			}
			out, _, err := runCLI(t, "", args...)
			want := fmt.Sprintf("the checkpoint's source dictionary has %d symbols, dict.de.txt has %d", words+4, d.Len())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("model dictionary of %d symbols, --bleu %v: err %v, want %q", words+4, bleu, err, want)
			}
			if out != "" {
				t.Errorf("model dictionary of %d symbols: wrote %q", words+4, out)
			}
		}
	}
}
