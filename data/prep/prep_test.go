package prep

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data"
)

func writeCorpus(t *testing.T, dir string, n int) (string, string) {
	t.Helper()
	var de, en strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&de, "Der Hund Nummer %d schläft.\n", i)
		fmt.Fprintf(&en, "The dog number %d sleeps.\n", i)
	}
	s, g := filepath.Join(dir, "c.de"), filepath.Join(dir, "c.en")
	os.WriteFile(s, []byte(de.String()), 0o644)
	os.WriteFile(g, []byte(en.String()), 0o644)
	return s, g
}

func textSettings() Settings {
	return Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", Tokenize: true, Lowercase: true, Merges: 30, MinFrequency: 2, JoinedDictionary: true, Dict: data.DefaultDictConfig()}
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestRunHoldout(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 100)
	st := textSettings()
	st.ValidSize, st.TestSize, st.SplitSeed = 7, 5, 3
	in, err := TextConfig{TrainSrc: s, TrainTgt: g}.Inputs()
	if err != nil {
		t.Fatal(err)
	}
	run := func(out string) *Report {
		rep, err := Run(Config{Settings: st, Out: out, Inputs: in})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	out := filepath.Join(dir, "a")
	rep := run(out)
	if rep.Splits["train"].Pairs != 88 || rep.Splits["valid"].Pairs != 7 || rep.Splits["test"].Pairs != 5 {
		t.Errorf("splits %+v", rep.Splits)
	}
	var all []string
	for _, split := range []string{"train", "valid", "test"} {
		all = append(all, lines(t, filepath.Join(out, split+".raw.en"))...)
	}
	sort.Strings(all)
	want := lines(t, g)
	sort.Strings(want)
	if strings.Join(all, "\n") != strings.Join(want, "\n") {
		t.Error("splits do not hold every pair exactly once")
	}
	// Deterministic: the same seed gives the same files.
	out2 := filepath.Join(dir, "b")
	run(out2)
	for _, f := range []string{"valid.raw.de", "test.bpe.en", "codes", "dict.de.txt", "train.de-en.en.bin"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(out2, f))
		if string(a) != string(b) {
			t.Errorf("%s differs between two runs", f)
		}
	}
	// A second run into the same folder needs Force.
	if _, err := Run(Config{Settings: st, Out: out, Inputs: in}); err == nil || !strings.Contains(err.Error(), "already prepared") {
		t.Errorf("rerun: err = %v", err)
	}
	if _, err := Run(Config{Settings: st, Out: out, Inputs: in, Force: true}); err != nil {
		t.Errorf("rerun with Force: %v", err)
	}
}

func TestRunValidEveryNoBPE(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 30)
	st := textSettings()
	st.ValidEvery, st.Merges = 10, 0
	in, _ := TextConfig{TrainSrc: s, TrainTgt: g, TestSrc: s, TestTgt: g}.Inputs()
	out := filepath.Join(dir, "out")
	rep, err := Run(Config{Settings: st, Out: out, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Splits["valid"].Pairs != 3 || rep.Splits["train"].Pairs != 27 || rep.Splits["test"].Pairs != 30 {
		t.Errorf("splits %+v", rep.Splits)
	}
	if got := lines(t, filepath.Join(out, "valid.tok.de"))[2]; got != "der hund nummer 30 schläft ." {
		t.Errorf("valid line 3 = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "codes")); !os.IsNotExist(err) {
		t.Error("codes written without BPE")
	}
	// Rerun with BPE and no test set: the old test files go.
	st.Merges = 20
	in, _ = TextConfig{TrainSrc: s, TrainTgt: g}.Inputs()
	if _, err := Run(Config{Settings: st, Out: out, Inputs: in, Force: true}); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"codes": true, "train.bpe.de": true, "test.tok.de": false, "test.de-en.de.bin": false} {
		if _, err := os.Stat(filepath.Join(out, f)); (err == nil) != want {
			t.Errorf("after rerun: %s exists = %v, want %v", f, err == nil, want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 5)
	short := filepath.Join(dir, "short.en")
	os.WriteFile(short, []byte("one\ntwo\n"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	tests := []struct {
		name string
		cfg  TextConfig
		mod  func(*Settings)
		err  string
	}{
		{"mismatched lines", TextConfig{TrainSrc: s, TrainTgt: short}, nil, "short.en:3: want as many lines as"},
		{"empty corpus", TextConfig{TrainSrc: empty, TrainTgt: empty}, nil, "want at least one train pair, got an empty corpus"},
		{"missing file", TextConfig{TrainSrc: s, TrainTgt: g + ".nope"}, nil, "c.en.nope: no such file"},
		{"half a pair", TextConfig{TrainSrc: s, TrainTgt: g, ValidSrc: s}, nil, "want both --valid-src and --valid-tgt"},
		{"holdout too big", TextConfig{TrainSrc: s, TrainTgt: g}, func(st *Settings) { st.ValidSize = 5 }, "want more than 5 pairs to hold out"},
		{"same language", TextConfig{TrainSrc: s, TrainTgt: g}, func(st *Settings) { st.TgtLang = "de" }, "want two different languages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			st := textSettings()
			if tt.mod != nil {
				tt.mod(&st)
			}
			in, err := tt.cfg.Inputs()
			if err == nil {
				_, err = Run(Config{Settings: st, Out: out, Inputs: in})
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("output folder left behind")
			}
		})
	}
}

func TestSegReader(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
		err         string
	}{
		{"one a line", "<doc>\n<seg id=\"1\"> A b. </seg>\n<seg id=\"2\">It\u2019s</seg>\n</doc>\n", []string{"A b.", "It's"}, ""},
		{"three lines", "<seg id=\"1\">\nText\nmore\n</seg>\n<seg id=\"2\">x</seg>\n", []string{"Text more", "x"}, ""},
		{"unclosed", "<seg id=\"1\">\nText\n<seg id=\"2\">x</seg>\n", nil, "f.sgm:3: want </seg> closing the <seg> of line 1"},
		{"bad id", "<seg id=x>t</seg>\n", nil, "f.sgm:1: want <seg id=\"N\">text</seg>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.sgm")
			os.WriteFile(p, []byte(tt.input), 0o644)
			r, err := OpenSegs(p)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []string
			for {
				s, _, err := r.Read()
				if err != nil {
					if tt.err == "" && err.Error() != "EOF" || tt.err != "" && !strings.Contains(err.Error(), tt.err) {
						t.Errorf("err = %v, want %q", err, tt.err)
					}
					break
				}
				got = append(got, s)
			}
			if tt.err == "" && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("segs %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPreprocessor(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 40)
	in, _ := TextConfig{TrainSrc: s, TrainTgt: g}.Inputs()
	out := filepath.Join(dir, "out")
	if _, err := Run(Config{Settings: textSettings(), Out: out, Inputs: in}); err != nil {
		t.Fatal(err)
	}
	p, err := NewPreprocessor(out, "de")
	if err != nil {
		t.Fatal(err)
	}
	// The same raw line gives the same text as the training file.
	want := lines(t, filepath.Join(out, "train.bpe.de"))[6]
	if got := p.Apply("Der Hund Nummer 7 schläft."); got != want {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	if _, err := NewPreprocessor(out, "fr"); err == nil {
		t.Error("fr: want an error")
	}
}

func TestRunOverlongLines(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 20)
	long := filepath.Join(dir, "long.de")
	b, _ := os.ReadFile(s)
	text := strings.Replace(string(b), "Nummer 3 ", strings.Repeat("x", data.MaxLineBytes+1)+" ", 1)
	os.WriteFile(long, []byte(text), 0o644)
	in, _ := TextConfig{TrainSrc: long, TrainTgt: g}.Inputs()
	rep, err := Run(Config{Settings: textSettings(), Out: filepath.Join(dir, "a"), Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dropped["train"]["overlong_line"] != 1 || rep.Splits["train"].Pairs != 19 {
		t.Errorf("dropped %v, train %d", rep.Dropped, rep.Splits["train"].Pairs)
	}
	in, _ = TextConfig{TrainSrc: s, TrainTgt: g, TestSrc: long, TestTgt: g}.Inputs()
	_, err = Run(Config{Settings: textSettings(), Out: filepath.Join(dir, "b"), Inputs: in})
	if err == nil || !strings.Contains(err.Error(), "long.de:3: want lines of at most 1048576 bytes in test data") {
		t.Errorf("err = %v", err)
	}
}

// TestPostprocessor: the ids of a prepared target line come back as its
// tokenized text, detokenized as Moses does; <unk> is written as Unk.
func TestPostprocessor(t *testing.T) {
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 40)
	in, _ := TextConfig{TrainSrc: s, TrainTgt: g}.Inputs()
	out := filepath.Join(dir, "out")
	st := textSettings()
	st.Merges = 8 // few enough to leave pieces
	if _, err := Run(Config{Settings: st, Out: out, Inputs: in}); err != nil {
		t.Fatal(err)
	}
	dict, err := data.LoadDictionary(filepath.Join(out, "dict.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := st.Postprocessor(dict)
	bpeLine := lines(t, filepath.Join(out, "train.bpe.en"))[6]
	if !strings.Contains(bpeLine, "@@ ") {
		t.Fatalf("train.bpe.en line 7 %q has no BPE pieces: the test needs some", bpeLine)
	}
	ids := []int64{int64(data.BOSID)}
	for _, id := range dict.Encode(bpeLine, nil) {
		ids = append(ids, int64(id))
	}
	tok := lines(t, filepath.Join(out, "train.tok.en"))[6]
	if got := p.Tokenized(ids); got != tok {
		t.Errorf("Tokenized = %q, want %q", got, tok)
	}
	if got, want := p.Text(ids), "the dog number 7 sleeps."; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	ids = append([]int64{int64(data.UNKID)}, ids...)
	p.Unk = "UNK!"
	if got := p.Tokenized(ids); got != "UNK! "+tok {
		t.Errorf("with <unk>: %q", got)
	}
	p.Join, p.Detok = nil, nil
	if got := p.Text(ids); got != "UNK! "+bpeLine {
		t.Errorf("without Join and Detok: %q, want the BPE line %q", got, bpeLine)
	}
}
