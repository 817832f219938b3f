package bpe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSubwordNMTReference compares with subword-nmt's own test data when
// SUBWORD_NMT_TESTDATA names its subword_nmt/tests/data directory (not
// shipped here): corpus.en, bpe.ref (learn_bpe.py, 1000 symbols) and
// corpus.bpe.ref.en (apply_bpe.py with bpe.ref).
func TestSubwordNMTReference(t *testing.T) {
	dir := os.Getenv("SUBWORD_NMT_TESTDATA")
	if dir == "" {
		t.Skip("SUBWORD_NMT_TESTDATA not set")
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	corpus, ref, segRef := read("corpus.en"), read("bpe.ref"), read("corpus.bpe.ref.en")
	counts := map[string]int{}
	if err := CountWords(bytes.NewReader(corpus), counts); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	mustLearn(t, counts, LearnOptions{Merges: 1000}).WriteTo(&got)
	if !bytes.Equal(got.Bytes(), ref) {
		gl, rl := strings.Split(got.String(), "\n"), strings.Split(string(ref), "\n")
		for i := range min(len(gl), len(rl)) {
			if gl[i] != rl[i] {
				t.Fatalf("codes differ from bpe.ref at line %d: got %q, want %q", i+1, gl[i], rl[i])
			}
		}
		t.Fatalf("codes: %d lines, bpe.ref %d", len(gl), len(rl))
	}
	codes, err := ReadCodes(bytes.NewReader(ref))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEncoder(codes)
	// The test reads corpus.en with codecs, whose readline also ends lines
	// at U+2028 and the other separators CountWords documents; apply the
	// pieces between them one by one, as it does.
	var seg strings.Builder
	for _, line := range pySplitLines(string(corpus)) {
		seg.WriteString(e.Apply(line))
	}
	gl, rl := strings.SplitAfter(seg.String(), "\n"), strings.SplitAfter(string(segRef), "\n")
	for i := range min(len(gl), len(rl)) {
		if gl[i] != rl[i] {
			t.Fatalf("segmentation differs at line %d:\ngot  %q\nwant %q", i+1, gl[i], rl[i])
		}
	}
	if len(gl) != len(rl) {
		t.Fatalf("segmentation: %d lines, corpus.bpe.ref.en %d", len(gl), len(rl))
	}
}

// pySplitLines is Python's str.splitlines(keepends=True).
func pySplitLines(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		switch r {
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', 0x85, 0x2028, 0x2029:
		case '\r':
			if strings.HasPrefix(s[i+1:], "\n") {
				continue
			}
		default:
			continue
		}
		end := i + len(string(r))
		out = append(out, s[start:end])
		start = end
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
