package wmt

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func fixtureConfig(t *testing.T) Config {
	c := DefaultConfig()
	c.Raw, c.Out, c.Merges = "testdata/orig", filepath.Join(t.TempDir(), "out"), 200
	return c
}

// TestPrepareFixture runs the whole recipe on testdata/orig, a miniature
// of the script's unpacked archives (230 training pairs in three corpora,
// commoncrawl gzipped; the German newstest2014 SGM with <seg>, text and
// </seg> on separate lines).
func TestPrepareFixture(t *testing.T) {
	c := fixtureConfig(t)
	rep, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	out := c.Out
	if rep.RawPairs["train"] != 230 || rep.RawPairs["test"] != 4 {
		t.Fatalf("raw pairs %v", rep.RawPairs)
	}
	// valid = lines 100 and 200 of the tokenized training text, before
	// BPE and cleaning.
	valid := readLines(t, filepath.Join(out, "valid.tok.en"))
	if len(valid) != 2 || !strings.Contains(valid[0], " 100 May .") || !strings.Contains(valid[1], " 200 May .") {
		t.Errorf("valid.tok.en = %q, want lines 100 and 200", valid)
	}
	if n := len(readLines(t, filepath.Join(out, "train.tok.en"))); n != 228 {
		t.Errorf("train.tok.en: %d lines, want 228", n)
	}
	// Cleaning after BPE drops the empty pair (line 10), the 1:8 pair
	// (line 50) and the 301-token pair (line 150).
	d := rep.Dropped["train_bpe"]
	if d["empty"] != 1 || d["too_long"] != 1 || d["ratio"] < 1 {
		t.Errorf("dropped after BPE: %v", d)
	}
	dropped := 0
	for _, n := range d {
		dropped += n
	}
	if rep.Splits["train"].Pairs != 228-dropped || rep.Splits["valid"].Pairs != 2 || rep.Splits["test"].Pairs != 4 {
		t.Errorf("splits %+v, dropped %d", rep.Splits, dropped)
	}
	// Aggressive hyphen splitting, punctuation normalisation (the „“
	// quotes become "), non-printing removal.
	train := readLines(t, filepath.Join(out, "train.tok.de"))
	joined := strings.Join(train, "\n")
	for _, want := range []string{" @-@ ", "&quot; Reform &quot;"} {
		if !strings.Contains(joined, want) {
			t.Errorf("train.tok.de has no %q", want)
		}
	}
	if strings.ContainsAny(joined, "\u200b\u201e\u201c") {
		t.Error("train.tok.de kept a zero-width space or typographic quotes")
	}
	// The test set is only tokenized (-a): quotes stay typographic, U+2019
	// becomes an escaped apostrophe.
	test := readLines(t, filepath.Join(out, "test.tok.en"))
	if want := "\u201c That &apos;s child @-@ play , \u201d he said ."; test[2] != want {
		t.Errorf("test.tok.en line 3 = %q, want %q", test[2], want)
	}
	if got := readLines(t, filepath.Join(out, "test.tok.de"))[0]; got != "Gutach : Noch mehr Sicherheit für Fußgänger" {
		t.Errorf("test.tok.de line 1 = %q (three-line <seg> layout)", got)
	}
	if !reflect.DeepEqual(readLines(t, filepath.Join(out, "dict.en.txt")), readLines(t, filepath.Join(out, "dict.de.txt"))) {
		t.Error("joined dictionary: dict.en.txt and dict.de.txt differ")
	}
}

// TestPrepareTSV reads news-commentary as a German-first TSV file instead
// of two plain files: the same pairs, so the same output.
func TestPrepareTSV(t *testing.T) {
	a := fixtureConfig(t)
	b := fixtureConfig(t)
	b.Corpora = []string{a.Corpora[0], a.Corpora[1], "training/news-commentary-v14.de-en.tsv"}
	for _, c := range []Config{a, b} {
		if _, err := Prepare(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"train.bpe.en", "train.bpe.de", "valid.bpe.de", "codes", "dict.de.txt"} {
		if !reflect.DeepEqual(readLines(t, filepath.Join(a.Out, f)), readLines(t, filepath.Join(b.Out, f))) {
			t.Errorf("%s differs between plain and TSV input", f)
		}
	}
}

func TestPrepareBadInput(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string // raw files to write
		config func(c *Config)
		err    string
	}{
		{"tsv with 3 fields", map[string]string{"x.de-en.tsv": "a\tb\nc\td\te\n"}, func(c *Config) { c.Corpora = []string{"x.de-en.tsv"} },
			"x.de-en.tsv:2: want 2 tab-separated fields, got 3"},
		{"tsv without order", map[string]string{"x.tsv": "a\tb\n"}, func(c *Config) { c.Corpora = []string{"x.tsv"} },
			"want the column order in the name"},
		{"line counts differ", map[string]string{"c.en": "a\nb\n", "c.de": "a\n"}, func(c *Config) { c.Corpora = []string{"c"} },
			"c.de:2: want as many lines as"},
		{"missing corpus", nil, func(c *Config) { c.Corpora = []string{"nothing"} }, "nothing.en: want a corpus file (plain or .gz)"},
		{"bad gzip", map[string]string{"z.en.gz": "this is not a gzip file", "z.de": "x\n"}, func(c *Config) { c.Corpora = []string{"z"} }, "z.en.gz: gzip: invalid header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := t.TempDir()
			os.MkdirAll(filepath.Join(raw, "test-full"), 0o755)
			for _, f := range []string{"newstest2014-deen-src.en.sgm", "newstest2014-deen-ref.de.sgm"} {
				b, _ := os.ReadFile(filepath.Join("testdata/orig/test-full", f))
				os.WriteFile(filepath.Join(raw, "test-full", f), b, 0o644)
			}
			for name, text := range tt.files {
				os.WriteFile(filepath.Join(raw, name), []byte(text), 0o644)
			}
			c := DefaultConfig()
			c.Raw, c.Out, c.Merges = raw, filepath.Join(t.TempDir(), "out"), 10
			tt.config(&c)
			_, err := Prepare(c)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if _, err := os.Stat(c.Out); !os.IsNotExist(err) {
				t.Errorf("output folder left behind")
			}
		})
	}
}
