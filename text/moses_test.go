package text

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

// The fixtures in testdata/moses were made with Moses' tokenizer.perl and
// detokenizer.perl (README.md there has the commands): sentences.in holds
// hand-written sentences in every supported language, random.in random
// lines over many scripts, and expected.tar.gz the prefix lines generated
// from each Moses prefix list (prefixes.L.in) and the scripts' outputs.

// mosesLangs are the languages Moses ships a prefix list for, plus so (its
// own apostrophe rule), ko (its own detokenizer rule), ja and xx (no list).
var mosesLangs = strings.Fields(`as bn ca cs de el en es et fi fr ga gu hi hu is it kn lt lv
	ml mni mr nl or pa pl pt ro ru sk sl sv ta tdt te yue zh so ko ja xx`)

var (
	mosesOnce  sync.Once
	mosesFiles map[string][]string
	mosesErr   error
)

// mosesFixture returns the lines of one file of testdata/moses, from the
// folder or from expected.tar.gz.
func mosesFixture(t *testing.T, name string) []string {
	t.Helper()
	mosesOnce.Do(func() { mosesFiles, mosesErr = readTarGz(filepath.Join("testdata", "moses", "expected.tar.gz")) })
	if mosesErr != nil {
		t.Fatal(mosesErr)
	}
	if lines, ok := mosesFiles[name]; ok {
		return lines
	}
	return readLines(t, filepath.Join("moses", name))
}

func readTarGz(path string) (map[string][]string, error) {
	raw, err := testfix.TarGz(path)
	if err != nil {
		return nil, err
	}
	files := map[string][]string{}
	for name, b := range raw {
		files[name] = splitFileLines(string(b))
	}
	return files, nil
}

// splitFileLines splits at "\n" only; a final "\n" ends the last line.
func splitFileLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// compareLines runs f over in and reports the first few lines that differ
// from want.
func compareLines(t *testing.T, name string, in, want []string, f func(string) string) {
	t.Helper()
	if len(in) != len(want) {
		t.Fatalf("%s: %d input lines, %d expected", name, len(in), len(want))
	}
	bad := 0
	for i, line := range in {
		if got := f(line); got != want[i] {
			if bad++; bad <= 5 {
				t.Errorf("%s:%d: input %q\n got %q\nwant %q", name, i+1, line, got, want[i])
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d lines differ", name, bad, len(in))
	}
}

// TestMosesLanguages: tokenizer.perl -l L and detokenizer.perl -l L on
// sentences in every language and on every prefix of L's Moses list, each
// before an uppercase word, a number, a lowercase word and at the end.
func TestMosesLanguages(t *testing.T) {
	sentences := mosesFixture(t, "sentences.in")
	for _, lang := range mosesLangs {
		t.Run(lang, func(t *testing.T) {
			in := append([]string(nil), sentences...)
			if lang != "so" && lang != "ko" && lang != "ja" && lang != "xx" {
				if !HasPrefixList(lang) {
					t.Errorf("no prefix list for %s", lang)
				}
				in = append(in, mosesFixture(t, "prefixes."+lang+".in")...)
			}
			tok := mosesFixture(t, "tok."+lang+".out")
			compareLines(t, "tok."+lang+".out", in, tok, NewTokenizer(lang, TokenizerOptions{}).Tokenize)
			compareLines(t, "detok."+lang+".out", tok, mosesFixture(t, "detok."+lang+".out"), NewDetokenizer(lang).Detokenize)
		})
	}
}

// TestMosesOptions: -a, -no-escape and detokenizer -u on the sentences.
func TestMosesOptions(t *testing.T) {
	sentences := mosesFixture(t, "sentences.in")
	compareLines(t, "tok.en.a.out", sentences, mosesFixture(t, "tok.en.a.out"), NewTokenizer("en", TokenizerOptions{Aggressive: true}).Tokenize)
	compareLines(t, "tok.en.noescape.out", sentences, mosesFixture(t, "tok.en.noescape.out"), NewTokenizer("en", TokenizerOptions{NoEscape: true}).Tokenize)
	d := NewDetokenizerWith("en", DetokenizerOptions{UppercaseFirst: true})
	compareLines(t, "detok.en.u.out", mosesFixture(t, "tok.en.out"), mosesFixture(t, "detok.en.u.out"), d.Detokenize)
}

// TestMosesRandom: random lines over many scripts and symbols, for the
// languages whose rules differ.
func TestMosesRandom(t *testing.T) {
	in := mosesFixture(t, "random.in")
	for _, lang := range strings.Fields("en fi sv ca tdt fr so xx hi ta") {
		t.Run(lang, func(t *testing.T) {
			tok := mosesFixture(t, "random.tok."+lang+".out")
			compareLines(t, "random.tok."+lang+".out", in, tok, NewTokenizer(lang, TokenizerOptions{}).Tokenize)
			compareLines(t, "random.detok."+lang+".out", tok, mosesFixture(t, "random.detok."+lang+".out"), NewDetokenizer(lang).Detokenize)
		})
	}
}

// TestMosesPenn: tokenizer.perl -penn and detokenizer.perl -penn.
func TestMosesPenn(t *testing.T) {
	in := append(mosesFixture(t, "sentences.in"), mosesFixture(t, "penn.in")...)
	tok := mosesFixture(t, "penn.tok.en.out")
	compareLines(t, "penn.tok.en.out", in, tok, NewTokenizer("en", TokenizerOptions{Penn: true}).Tokenize)
	d := NewDetokenizerWith("en", DetokenizerOptions{Penn: true})
	compareLines(t, "penn.detok.en.out", tok, mosesFixture(t, "penn.detok.en.out"), d.Detokenize)
}

// TestMosesProtected: tokenizer.perl -protected with Moses'
// basic-protected-patterns (tags, e-mail addresses, URLs), and -x.
func TestMosesProtected(t *testing.T) {
	res, err := ReadProtected(filepath.Join("testdata", "moses", "basic-protected-patterns"))
	if err != nil {
		t.Fatal(err)
	}
	in := append(mosesFixture(t, "sentences.in"), mosesFixture(t, "protected.in")...)
	compareLines(t, "protected.tok.en.out", in, mosesFixture(t, "protected.tok.en.out"),
		NewTokenizer("en", TokenizerOptions{Protected: res}).Tokenize)
	compareLines(t, "x.tok.en.out", in, mosesFixture(t, "x.tok.en.out"),
		NewTokenizer("en", TokenizerOptions{SkipXML: true}).Tokenize)
}
