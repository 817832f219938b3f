package bpe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzApply checks that no input crashes Apply, that only whitespace at
// the ends and the "@@ " markers are added, and that Remove undoes Apply
// for text without "@@" of its own. Run: go test -fuzz FuzzApply ./bpe
func FuzzApply(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "unseen.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		f.Add(l)
	}
	f.Add("the lowest  price \r\n")
	f.Add("a@ @b x@")
	counts := map[string]int{}
	if err := CountFile(filepath.Join("testdata", "toy.txt"), counts); err != nil {
		f.Fatal(err)
	}
	codes, err := Learn(counts, LearnOptions{Merges: 200})
	if err != nil {
		f.Fatal(err)
	}
	plain := NewEncoder(codes)
	vocab := map[string]bool{"th@@": true, "e": true, "er": true}
	withVocab, err := NewEncoderWith(codes, EncoderOptions{Vocabulary: vocab, Glossaries: []string{"[0-9]+", "Preis"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, e := range []*Encoder{plain, withVocab} {
			out := e.Apply(line)
			if utf8.ValidString(line) && !utf8.ValidString(out) {
				t.Fatalf("Apply(%q) = %q: invalid UTF-8 from valid input", line, out)
			}
			if strings.Contains(line, "@@") {
				continue
			}
			if got, want := Remove(out), canonicalSpaces(line); got != want {
				t.Fatalf("Remove(Apply(%q)) = %q, want %q", line, got, want)
			}
		}
	})
}
