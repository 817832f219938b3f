package text

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

// The fixtures in testdata/split are split-sentences.perl's output
// (README.md there has the commands).

func checkSplitDocument(t *testing.T, in, want, lang string, opt SplitterOptions, dopt DocumentOptions) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "split", in))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(filepath.Join("testdata", "split", want))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := NewSplitter(lang, opt).SplitDocument(bytes.NewReader(src), &out, dopt); err != nil {
		t.Fatal(err)
	}
	testfix.FirstDiff(t, want, out.String(), string(exp))
}

// TestSplitSentencesMoses: split-sentences.perl -l L on a document with
// abbreviations, numbers, quotes, brackets, <p> and <P> lines, blank
// lines and list items in many languages and scripts.
func TestSplitSentencesMoses(t *testing.T) {
	for _, lang := range strings.Fields("en de fr it es cs ru fi el zh ja yue ko hi bn kn ml ta te pa gu or fa ur pt nl pl xx") {
		t.Run(lang, func(t *testing.T) {
			checkSplitDocument(t, "doc.in", "doc."+lang+".out", lang, SplitterOptions{}, DocumentOptions{})
		})
	}
	t.Run("en-i", func(t *testing.T) {
		checkSplitDocument(t, "doc.in", "doc.en.i.out", "en", SplitterOptions{ListItems: true}, DocumentOptions{})
	})
	t.Run("en-n", func(t *testing.T) {
		checkSplitDocument(t, "doc.in", "doc.en.n.out", "en", SplitterOptions{}, DocumentOptions{NoParagraphMarks: true})
	})
	t.Run("en-k", func(t *testing.T) {
		checkSplitDocument(t, "doc.in", "doc.en.k.out", "en", SplitterOptions{}, DocumentOptions{KeepLines: true})
	})
}

// TestSplitSentencesRandom: random paragraphs of abbreviations, numbers,
// quotes and sentence ends.
func TestSplitSentencesRandom(t *testing.T) {
	for _, lang := range strings.Fields("en de zh hi ur") {
		t.Run(lang, func(t *testing.T) {
			checkSplitDocument(t, "random.in", "random."+lang+".out", lang, SplitterOptions{}, DocumentOptions{})
		})
	}
	t.Run("en-i-n-k", func(t *testing.T) {
		checkSplitDocument(t, "random.in", "random.en.ink.out", "en", SplitterOptions{ListItems: true}, DocumentOptions{NoParagraphMarks: true, KeepLines: true})
	})
}

func TestSplitParagraph(t *testing.T) {
	sp := NewSplitter("en", SplitterOptions{})
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Mr. Smith arrived. He sat down.", []string{"Mr. Smith arrived.", "He sat down."}},
		{"One line\nbroken. Two.", []string{"One line broken.", "Two."}},
		{"No. 5 is here. No. Six is not.", []string{"No. 5 is here.", "No.", "Six is not."}},
	}
	for _, tt := range tests {
		if got := sp.Split(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadMosesPrefixes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	os.WriteFile(path, []byte("# comment\nFoo\nNo #NUMERIC_ONLY#\nBar  #NUMERIC_ONLY#\n\n"), 0o644)
	p, err := ReadMosesPrefixes(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]PrefixKind{"Foo": PrefixAlways, "No": PrefixNumeric, "Bar ": PrefixNumeric}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %v, want %v", p, want)
	}
	sp := NewSplitter("en", SplitterOptions{Prefixes: p})
	if got := sp.Split("Foo. Bar. Mr. Smith."); !reflect.DeepEqual(got, []string{"Foo. Bar.", "Mr.", "Smith."}) {
		t.Errorf("custom prefixes: %q", got)
	}
}
