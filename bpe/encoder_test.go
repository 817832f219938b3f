package bpe

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// handCodes is written by hand. Ranks: 0 "e r</w>", 1 "l o", 2 "lo w",
// 3 "t h", 4 "th e</w>", 5 "n e", 6 "e w", 7 "w er</w>", 8 "a a", and
// "l o" again, which changes nothing (apply_bpe.py keeps the first).
const handCodes = `#version: 0.2
e r</w>
l o
lo w
t h
th e</w>
n e
e w
w er</w>
a a
l o
`

func mustReadCodes(t testing.TB, s string) *Codes {
	t.Helper()
	c, err := ReadCodes(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApplyHandCodes applies handCodes as apply_bpe.py would; each result
// is worked out by hand: every round merges all occurrences of the pair
// with the lowest rank among the word's adjacent pairs.
func TestApplyHandCodes(t *testing.T) {
	e := NewEncoder(mustReadCodes(t, handCodes))
	tests := []struct{ in, want string }{
		// l o w e r</w> -0-> l o w er</w> -1-> lo w er</w> -2-> low er</w>;
		// "low er</w>" is no merge.
		{"lower", "low@@ er"},
		// n e w e r</w> -0-> n e w er</w> -5-> ne w er</w> -7-> ne wer</w>:
		// "n e" (5) takes the "e" before "e w" (6) can.
		{"newer", "ne@@ wer"},
		{"the", "the"},
		// t h e m</w> -3-> th e m</w>; "th e</w>" needs a final "e".
		{"them", "th@@ e@@ m"},
		// a a a</w> -8-> aa a</w>: left to right, no overlap.
		{"aaa", "aa@@ a"},
		// a a a a</w> -8-> aa a a</w>: "a a</w>" is no merge.
		{"aaaa", "aa@@ a@@ a"},
		// Characters never seen stay single pieces.
		{"lö", "l@@ ö"},
		{"x", "x"},
		{"日本語", "日@@ 本@@ 語"},
		// Whitespace at both ends is kept, runs of spaces inside collapse.
		{"  lower  the \n", "  low@@ er the \n"},
		{"lower\r\n", "low@@ er\r\n"},
		{"", ""},
		{" \n", " \n"},
		// U+00A0 and tabs are characters, not word breaks.
		{"lo\u00a0wer", "lo@@ \u00a0@@ wer"},
		{"lo\twer", "lo@@ \t@@ wer"},
		// Invalid UTF-8 is split into bytes and kept.
		{"lo\xffwer", "lo@@ \xff@@ wer"},
	}
	for _, tt := range tests {
		if got := e.Apply(tt.in); got != tt.want {
			t.Errorf("Apply(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := e.Segment("lower"); !reflect.DeepEqual(got, []string{"low@@", "er"}) {
		t.Errorf("Segment: got %q", got)
	}
}

// TestApplyVersion01 uses version 0.1 codes, where "</w>" is a symbol.
func TestApplyVersion01(t *testing.T) {
	c := mustReadCodes(t, "l o\nlo w\ne r\ner </w>\n")
	e := NewEncoder(c)
	tests := []struct{ in, want string }{
		// l o w e r </w> -> lo w e r </w> -> low e r </w> -> low er </w>
		// -> low er</w>
		{"lower", "low@@ er"},
		// low </w>: "low </w>" is no merge, and the bare "</w>" is dropped.
		{"low", "low"},
		{"er", "er"},
		{"ox", "o@@ x"},
	}
	for _, tt := range tests {
		if got := e.Apply(tt.in); got != tt.want {
			t.Errorf("Apply(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestApplyOptions(t *testing.T) {
	codes := mustReadCodes(t, handCodes)
	vocab := map[string]bool{"lo@@": true, "w@@": true, "the": true}
	tests := []struct {
		name string
		opt  EncoderOptions
		in   string
		want string
	}{
		{"separator", EncoderOptions{Separator: "##"}, "lower newer", "low## er ne## wer"},
		// "low@@" is out: undo "lo w"; "lo@@" and "w@@" are in. "er" is
		// out: undo "e r</w>" into "e" and "r", which no merge made.
		{"vocabulary", EncoderOptions{Vocabulary: vocab}, "lower", "lo@@ w@@ e@@ r"},
		// "ne@@" undoes to n, e; "wer" undoes "w er</w>" ("w@@" is in),
		// then "er" as before.
		{"vocabulary deep", EncoderOptions{Vocabulary: vocab}, "newer", "n@@ e@@ w@@ e@@ r"},
		{"vocabulary keeps", EncoderOptions{Vocabulary: vocab}, "the", "the"},
		// Single characters are never checked.
		{"vocabulary single", EncoderOptions{Vocabulary: vocab}, "q", "q"},
		// An empty vocabulary filters nothing, as apply_bpe.py's "if vocab".
		{"empty vocabulary", EncoderOptions{Vocabulary: map[string]bool{}}, "lower", "low@@ er"},
		{"glossary whole", EncoderOptions{Glossaries: []string{"lower"}}, "lower newer", "lower ne@@ wer"},
		{"glossary inside", EncoderOptions{Glossaries: []string{"lower"}}, "xlowerlower", "x@@ lower@@ lower"},
		{"glossary regexp", EncoderOptions{Glossaries: []string{`[0-9]+`}}, "lower1999the", "low@@ er@@ 1999@@ the"},
		// apply_bpe.py's test: glossaries isolate, the rest is encoded
		// (with no merges here, into characters).
		{"glossaries", EncoderOptions{Glossaries: []string{"like", "Manuel", "USA"}}, "wordlikeword likeManuelword",
			"w@@ o@@ r@@ d@@ like@@ w@@ o@@ r@@ d like@@ Manuel@@ w@@ o@@ r@@ d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := codes
			if tt.name == "glossaries" {
				c = &Codes{Version: "0.2"}
			}
			e, err := NewEncoderWith(c, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Apply(tt.in); got != tt.want {
				t.Errorf("Apply(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadVocabulary(t *testing.T) {
	v, err := ReadVocabulary(strings.NewReader("lo@@ 5\nw@@ 2\nthe 10\n"), 3)
	if err != nil || !reflect.DeepEqual(v, map[string]bool{"lo@@": true, "the": true}) {
		t.Errorf("got %v, %v", v, err)
	}
	_, err = ReadVocabulary(strings.NewReader("a 1\nb\n"), 0)
	if err == nil || err.Error() != `line 2: want "word count", got 1 space-separated fields` {
		t.Errorf("got error %v", err)
	}
	_, err = ReadVocabulary(strings.NewReader("a x\n"), 0)
	if err == nil || err.Error() != `line 1: bad count "x"` {
		t.Errorf("got error %v", err)
	}
}

// TestIsolateGlossaries repeats the cases of subword-nmt's
// test_glossaries.py.
func TestIsolateGlossaries(t *testing.T) {
	tests := []struct {
		gloss []string
		in    string
		want  []string
	}{
		{[]string{"like"}, "", []string{""}},
		{[]string{"like"}, "word", []string{"word"}},
		{[]string{"like"}, "like", []string{"like"}},
		{[]string{"like"}, "likeword", []string{"like", "word"}},
		{[]string{"like"}, "wordlikeword", []string{"word", "like", "word"}},
		{[]string{"like"}, "likelike", []string{"like", "like"}},
		{[]string{"like"}, "wordlikewordlike", []string{"word", "like", "word", "like"}},
		{[]string{"like", "Manuel", "USA"}, "wordlikeUSAwordManuelManuelwordUSA",
			[]string{"word", "like", "USA", "word", "Manuel", "Manuel", "word", "USA"}},
		{[]string{`<country>\w*</country>`, `<name>\w*</name>`, `\d+`},
			"wordlike<country>USA</country>word10001word<name>Manuel</name>word<country>USA</country>",
			[]string{"wordlike", "<country>USA</country>", "word", "10001", "word", "<name>Manuel</name>", "word", "<country>USA</country>"}},
	}
	for _, tt := range tests {
		g, err := newGlossaries(tt.gloss)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.isolate(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("isolate(%q) with %q = %q, want %q", tt.in, tt.gloss, got, tt.want)
		}
	}
	for _, bad := range []string{"a(", "x*"} {
		if _, err := NewEncoderWith(&Codes{}, EncoderOptions{Glossaries: []string{bad}}); err == nil {
			t.Errorf("glossary %q: no error", bad)
		}
	}
}

// TestApplyConcurrent applies from several goroutines and compares with a
// fresh encoder used alone.
func TestApplyConcurrent(t *testing.T) {
	counts := randomCorpus(3, 3000, "abcdefghij")
	codes := mustLearn(t, counts, LearnOptions{Merges: 300})
	var lines []string
	for i := range 2000 {
		lines = append(lines, fmt.Sprintf("abc%d defg hij%dab %s", i%37, i%11, strings.Repeat("ab", i%7)))
	}
	alone := NewEncoder(codes)
	want := make([]string, len(lines))
	for i, l := range lines {
		want[i] = alone.Apply(l)
	}
	shared := NewEncoder(codes)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				k := (i + g*251) % len(lines)
				if got := shared.Apply(lines[k]); got != want[k] {
					errs <- fmt.Sprintf("line %d: got %q, want %q", k, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
