package iwslt

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
)

// copyRelease copies testdata/de-en (a miniature release in the exact
// layout) into a temporary folder, applying edits (file -> new content).
func copyRelease(t *testing.T, edit func(dir string)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "de-en")
	os.MkdirAll(dir, 0o755)
	ents, err := os.ReadDir("testdata/de-en")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join("testdata/de-en", e.Name()))
		os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
	}
	if edit != nil {
		edit(dir)
	}
	return dir
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestPrepareFixture(t *testing.T) {
	raw := copyRelease(t, nil)
	out := filepath.Join(t.TempDir(), "out")
	c := DefaultConfig()
	c.Raw, c.Out, c.Merges = filepath.Dir(raw), out, 60
	rep, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	// 2 talks x (title + description + 26 lines) = 56 pairs; cleaning
	// drops 3 (ratio, empty, 176 tokens); valid = kept lines 23 and 46.
	if rep.RawPairs["train"] != 56 || rep.RawPairs["test"] != 9 {
		t.Errorf("raw pairs %v, want train 56 test 9", rep.RawPairs)
	}
	if want := map[string]int{"ratio": 1, "empty": 1, "too_long": 1}; !reflect.DeepEqual(rep.Dropped["train"], want) {
		t.Errorf("dropped %v, want %v", rep.Dropped["train"], want)
	}
	for split, n := range map[string]int{"train": 51, "valid": 2, "test": 9} {
		if rep.Splits[split].Pairs != n {
			t.Errorf("%s: %d pairs, want %d", split, rep.Splits[split].Pairs, n)
		}
		for _, l := range []string{"de", "en"} {
			for _, stage := range []string{"raw", "tok", "bpe"} {
				if got := len(readLines(t, filepath.Join(out, split+"."+stage+"."+l))); got != n {
					t.Errorf("%s.%s.%s: %d lines, want %d", split, stage, l, got, n)
				}
			}
		}
	}
	// Kept line 23: talk 1 has title, description, then lines 1-26 with
	// 5, 9, 14 dropped, so kept line 23 is content line 24.
	if got := readLines(t, filepath.Join(out, "valid.raw.en"))[0]; !strings.HasSuffix(got, "number 24.") {
		t.Errorf("valid line 1 = %q, want content line 24", got)
	}
	train := readLines(t, filepath.Join(out, "train.tok.de"))
	if train[0] != "david gallo : unterwasser-wunder" {
		t.Errorf("train line 1 = %q: want the title without tags, tokenized, lowercased", train[0])
	}
	test := readLines(t, filepath.Join(out, "test.tok.en"))
	want := []string{"this is a test .", "we &apos;re going home .", "tedx is local .", "good morning !"}
	if !reflect.DeepEqual(test[:4], want) {
		t.Errorf("test.tok.en = %q, want %q (dev2010, TEDX.dev2012, tst2010 order; U+2019 -> ')", test[:4], want)
	}
	for _, f := range []string{"codes", "dict.de.txt", "dict.en.txt", "prepare.json", "train.de-en.de.bin", "train.de-en.en.idx", "test.de-en.en.bin"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	pair, err := data.OpenLanguagePair(out, "valid", "de", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	bpeLine := readLines(t, filepath.Join(out, "valid.bpe.de"))[1]
	if got := pair.SrcDict.Decode(pair.Sample(1).Source); got != bpeLine {
		t.Errorf("binarized valid line 2 decodes to %q, want %q", got, bpeLine)
	}
	checkNoTemp(t, out)
	back, err := prep.LoadReport(out)
	if err != nil || back.Splits["train"].Pairs != 51 || back.Recipe != "iwslt14" || !back.Lowercase {
		t.Errorf("prepare.json: %+v, %v", back, err)
	}
}

func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary %s left in %s", e.Name(), dir)
		}
	}
}

func TestPrepareBadInput(t *testing.T) {
	appendTo := func(name, text string) func(string) {
		return func(dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(text)
			f.Close()
		}
	}
	replace := func(name, old, new string) func(string) {
		return func(dir string) {
			p := filepath.Join(dir, name)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
		}
	}
	tests := []struct {
		name string
		edit func(dir string)
		err  string
	}{
		{"one more English line", appendTo("train.tags.de-en.en", "An extra line.\n"),
			"train.tags.de-en.de: want as many text lines as "},
		{"invalid UTF-8", replace("train.tags.de-en.de", "Nummer 7.", "Nummer \xff7."),
			"train.tags.de-en.de:12: want UTF-8 text, got invalid byte 0xff"},
		{"malformed seg", replace("IWSLT14.TED.tst2011.de-en.en.xml", `<seg id="1"> Hello world. </seg>`, `<seg id="1"> Hello world.`),
			`IWSLT14.TED.tst2011.de-en.en.xml:14: want </seg> closing the <seg> of line 10, got end of file`},
		{"seg id not a number", replace("IWSLT14.TED.tst2011.de-en.en.xml", `<seg id="1">`, `<seg id="a1">`),
			`IWSLT14.TED.tst2011.de-en.en.xml:10: want <seg id="N">text</seg>`},
		{"missing test file", func(dir string) { os.Remove(filepath.Join(dir, "IWSLT14.TED.tst2012.de-en.en.xml")) },
			"IWSLT14.TED.tst2012.de-en.en.xml: no such file"},
		{"missing segment", replace("IWSLT14.TED.tst2012.de-en.de.xml", `<seg id="3"> Ja. </seg>`, ``),
			"IWSLT14.TED.tst2012.de-en.de.xml: want as many segments as"},
		{"empty corpus", func(dir string) {
			os.WriteFile(filepath.Join(dir, "train.tags.de-en.de"), nil, 0o644)
			os.WriteFile(filepath.Join(dir, "train.tags.de-en.en"), nil, 0o644)
		}, "train.tags.de-en.de: want at least one train pair, got an empty corpus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := copyRelease(t, tt.edit)
			out := filepath.Join(t.TempDir(), "out")
			c := DefaultConfig()
			c.Raw, c.Out, c.Merges = raw, out, 20
			_, err := Prepare(c)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				ents, _ := os.ReadDir(out)
				t.Errorf("left behind: %s %v", out, ents)
			}
		})
	}
}
