package text

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// readLines reads a testdata file as lines split at "\n" only, so a CR or
// other white space in a line stays part of it.
func readLines(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// checkGolden runs f on every line of testdata/in and compares the result
// with testdata/golden, which holds "in:" and "out:" lines per case so
// that it reads as a table. With -update it rewrites the golden file.
func checkGolden(t *testing.T, in, golden string, f func(string) string) {
	t.Helper()
	var b strings.Builder
	for _, line := range readLines(t, in) {
		b.WriteString("in:  " + line + "\n")
		b.WriteString("out: " + f(line) + "\n\n")
	}
	testfix.Golden(t, filepath.Join("testdata", golden), []byte(b.String()), *update)
}

func TestTokenizeGolden(t *testing.T) {
	tests := []struct {
		golden, in, lang string
		opt              TokenizerOptions
	}{
		{"tokenize.en.golden", "tokenize.en.in", "en", TokenizerOptions{}},
		{"tokenize.en.a.golden", "tokenize.en.in", "en", TokenizerOptions{Aggressive: true}},
		{"tokenize.en.noescape.golden", "tokenize.en.in", "en", TokenizerOptions{NoEscape: true}},
		{"tokenize.de.golden", "tokenize.de.in", "de", TokenizerOptions{}},
		{"tokenize.de.a.golden", "tokenize.de.in", "de", TokenizerOptions{Aggressive: true}},
		{"tokenize.fr.golden", "tokenize.xx.in", "fr", TokenizerOptions{}},
		{"tokenize.fi.golden", "tokenize.xx.in", "fi", TokenizerOptions{}},
		{"tokenize.ca.golden", "tokenize.xx.in", "ca", TokenizerOptions{}},
		{"tokenize.tdt.golden", "tokenize.xx.in", "tdt", TokenizerOptions{}},
		{"tokenize.it.golden", "tokenize.xx.in", "it", TokenizerOptions{}},
		{"tokenize.es.golden", "tokenize.xx.in", "es", TokenizerOptions{}},
		{"tokenize.xx.golden", "tokenize.xx.in", "xx", TokenizerOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			tok := NewTokenizer(tt.lang, tt.opt)
			checkGolden(t, tt.in, tt.golden, tok.Tokenize)
		})
	}
}

func TestDetokenizeGolden(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr", "it", "cs", "fi"} {
		t.Run(lang, func(t *testing.T) {
			checkGolden(t, "detokenize.in", "detokenize."+lang+".golden", NewDetokenizer(lang).Detokenize)
		})
	}
	t.Run("en-u", func(t *testing.T) {
		d := NewDetokenizerWith("en", DetokenizerOptions{UppercaseFirst: true})
		checkGolden(t, "detokenize.in", "detokenize.en.u.golden", d.Detokenize)
	})
}

func TestNormalizeGolden(t *testing.T) {
	for _, lang := range []string{"en", "de", "cs"} {
		t.Run(lang, func(t *testing.T) {
			checkGolden(t, "normalize.in", "normalize."+lang+".golden", func(s string) string {
				return NormalizePunctuation(s, lang)
			})
		})
	}
	t.Run("en-penn", func(t *testing.T) {
		checkGolden(t, "normalize.in", "normalize.en.penn.golden", func(s string) string {
			return NormalizePunctuationPenn(s, "en")
		})
	})
	t.Run("nonprinting", func(t *testing.T) {
		checkGolden(t, "normalize.in", "nonprinting.golden", RemoveNonPrinting)
	})
}
