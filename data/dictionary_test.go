package data

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func counter(lines ...string) *Counter {
	c := NewCounter()
	for _, l := range lines {
		c.AddLine(l)
	}
	return c
}

func TestBuildDictionary(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		cfg   DictConfig
		want  []string // symbols after the specials
	}{
		{"ties in code point order", []string{"b a c", "c b", "Z é"}, DictConfig{}, []string{"b", "c", "Z", "a", "é"}},
		{"padding to 8", []string{"x y"}, DefaultDictConfig(), []string{"x", "y", "madeupword0000", "madeupword0001"}},
		{"threshold", []string{"a a b", "a b c"}, DictConfig{Threshold: 2}, []string{"a", "b"}},
		{"nwords counts specials", []string{"a a a b b c"}, DictConfig{NWords: 6}, []string{"a", "b"}},
		{"special spelled in text", []string{"<unk> a"}, DictConfig{}, []string{"a"}},
		{"already a multiple", []string{"a b c d"}, DictConfig{PaddingFactor: 8}, []string{"a", "b", "c", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := BuildDictionary(counter(tt.lines...), tt.cfg)
			var got []string
			for i := NSpecial; i < d.Len(); i++ {
				got = append(got, d.Symbol(int32(i)))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("symbols = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDictionarySpecials(t *testing.T) {
	d := BuildDictionary(counter("a b", "a"), DefaultDictConfig())
	for id, s := range []string{BOS, PAD, EOS, UNK} {
		if d.Index(s) != int32(id) {
			t.Errorf("Index(%q) = %d, want %d", s, d.Index(s), id)
		}
	}
	if d.Count(EOSID) != 2 {
		t.Errorf("EOS count = %d, want 2 (one per line)", d.Count(EOSID))
	}
	if got := d.Encode("a  zz b", nil); !reflect.DeepEqual(got, []int32{4, UNKID, 5, EOSID}) {
		t.Errorf("Encode = %v", got)
	}
	unk := 0
	d.Encode("q r a", &unk)
	if unk != 2 {
		t.Errorf("unk count = %d, want 2", unk)
	}
	if got := d.Decode([]int32{4, 5, EOSID, PADID}); got != "a b" {
		t.Errorf("Decode = %q", got)
	}
}

func TestDictionaryRoundTrip(t *testing.T) {
	d := BuildDictionary(counter("der Hund@@ bellt .", "die Katze schläft .", "der der"), DefaultDictConfig())
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	want := "der 3\n. 2\nHund@@ 1\nKatze 1\nbellt 1\ndie 1\nschläft 1\nmadeupword0000 0\nmadeupword0001 0\nmadeupword0002 0\nmadeupword0003 0\nmadeupword0004 0\n"
	if buf.String() != want {
		t.Fatalf("dict.txt =\n%s\nwant\n%s", buf.String(), want)
	}
	e, err := ReadDictionary(strings.NewReader(buf.String()), "dict.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e.symbols, d.symbols) || !reflect.DeepEqual(e.counts[NSpecial:], d.counts[NSpecial:]) {
		t.Errorf("read back %q %v, want %q %v", e.symbols, e.counts, d.symbols, d.counts)
	}
}

func TestReadDictionaryErrors(t *testing.T) {
	tests := []struct {
		name, input, err string
	}{
		{"no count", "a 1\nb\n", `dict.txt:2: want "<symbol> <count> [flags]", got "b"`},
		{"bad count", "a x\n", `dict.txt:1: want "<symbol> <count> [flags]", got "a x"`},
		{"duplicate", "a 1\nb 2\na 3\n", `dict.txt:3: want each symbol once, got "a" again`},
		{"invalid utf8", "a 1\n\xff 2\n", "dict.txt:2: want UTF-8 text, got invalid bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadDictionary(strings.NewReader(tt.input), "dict.txt")
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestReadDictionaryOverwrite(t *testing.T) {
	d, err := ReadDictionary(strings.NewReader("a 1\nb 2\na 5 #fairseq:overwrite\n"), "d")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != NSpecial+3 || d.Index("a") != NSpecial+2 || d.Count(d.Index("a")) != 5 {
		t.Errorf("overwrite: len %d, a=%d", d.Len(), d.Index("a"))
	}
}

func ExampleBuildDictionary() {
	c := NewCounter()
	c.AddLine("das Haus ist groß")
	c.AddLine("das Haus")
	d := BuildDictionary(c, DefaultDictConfig())
	// Ties in count go in code point order, so "Haus" before "das".
	fmt.Println(d.Len(), d.Encode("das Haus ist klein", nil))
	d.WriteTo(os.Stdout)
	// Output:
	// 8 [5 4 7 3 2]
	// Haus 2
	// das 2
	// groß 1
	// ist 1
}
