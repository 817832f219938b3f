package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/internal/testfix"
)

// TestPrepareSynthCLI is the quickstart's data path: generate the synth
// corpus, prepare it, open the binarized training data.
func TestPrepareSynthCLI(t *testing.T) {
	dir := t.TempDir()
	corpus, out := filepath.Join(dir, "corpus"), filepath.Join(dir, "bin")
	run := func(args ...string) error { return newApp().Run(append([]string{"nmt"}, args...)) }
	if err := run("corpus", "synth", "--out", corpus, "--train", "800", "--valid", "50", "--test", "50"); err != nil {
		t.Fatal(err)
	}
	err := run("prepare", "text", "--quiet",
		"--train-src", filepath.Join(corpus, "train.de"), "--train-tgt", filepath.Join(corpus, "train.en"),
		"--valid-src", filepath.Join(corpus, "valid.de"), "--valid-tgt", filepath.Join(corpus, "valid.en"),
		"--test-src", filepath.Join(corpus, "test.de"), "--test-tgt", filepath.Join(corpus, "test.en"),
		"--src-lang", "de", "--tgt-lang", "en", "--bpe-merges", "300", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	p, err := data.OpenLanguagePair(out, "train", "de", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Len() != 800 {
		t.Errorf("train pairs %d, want 800", p.Len())
	}
	err = run("prepare", "text", "--quiet", "--train-src", filepath.Join(corpus, "train.de"), "--train-tgt", filepath.Join(corpus, "valid.en"),
		"--src-lang", "de", "--tgt-lang", "en", "--out", filepath.Join(dir, "bad"))
	if err == nil || !strings.Contains(err.Error(), "valid.en:51: want as many lines as") {
		t.Errorf("mismatched files: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); !os.IsNotExist(err) {
		t.Error("output folder left after an error")
	}
}

// TestPrepareSPMCLI: nmt prepare text --spm on the synth corpus with the
// SentencePiece model trained on it (spm/testdata), and the refusals.
func TestPrepareSPMCLI(t *testing.T) {
	dir := t.TempDir()
	corpus, out := filepath.Join(dir, "corpus"), filepath.Join(dir, "bin")
	model := testfix.SPMModel(t, "uni")
	run := func(args ...string) error { return newApp().Run(append([]string{"nmt"}, args...)) }
	if err := run("corpus", "synth", "--out", corpus, "--train", "300", "--valid", "20", "--test", "20"); err != nil {
		t.Fatal(err)
	}
	files := []string{"--train-src", filepath.Join(corpus, "train.de"), "--train-tgt", filepath.Join(corpus, "train.en"),
		"--valid-src", filepath.Join(corpus, "valid.de"), "--valid-tgt", filepath.Join(corpus, "valid.en"),
		"--src-lang", "de", "--tgt-lang", "en"}
	if err := run(append(append([]string{"prepare", "text", "--quiet"}, files...), "--spm", model, "--out", out)...); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "prepare.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"spm": {`, `"src_model": "spm.model"`, `"kind": "unigram"`, `"tokenize": false`, `"bpe_merges": 0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("prepare.json lacks %s:\n%s", want, b)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "train.spm.en")); err != nil {
		t.Error(err)
	}
	for _, bad := range [][]string{
		{"--spm", model, "--bpe-merges", "100"},
		{"--spm", model, "--spm-src", model, "--spm-tgt", model},
		{"--spm-src", model},
		{"--spm", filepath.Join(dir, "missing.model")},
	} {
		args := append(append([]string{"prepare", "text", "--quiet"}, files...), append(bad, "--out", filepath.Join(dir, "bad"))...)
		if err := run(args...); err == nil {
			t.Errorf("nmt prepare text %v succeeded", bad)
		}
	}
}
