package bleu

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestTokenizeXcheck compares the tokenizers and lowercasing with an
// independent oracle: testdata/tokenize-xcheck.jsonl holds 600 random
// strings drawn from ASCII punctuation, HTML entities, <skipped>, newlines,
// German, Greek, CJK and full-width characters, the zh ranges' edges,
// Python-only whitespace and combining marks (plus five sentences), each
// with the output of sacreBLEU's documented rules run by Python's re and
// regex engines: [input, 13a, intl, zh, char, none, lower()]. The tokenizer
// inputs are input.rstrip(), as BLEU passes them.
func TestTokenizeXcheck(t *testing.T) {
	f, err := os.Open("testdata/tokenize-xcheck.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	names := []string{"13a", "intl", "zh", "char", "none"}
	n := 0
	for line := 1; sc.Scan(); line++ {
		var rec []string
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || len(rec) != 7 {
			t.Fatalf("tokenize-xcheck.jsonl:%d: want a JSON array of 7 strings (%v)", line, err)
		}
		in := pyRstrip(rec[0])
		for k, name := range names {
			tok, _ := NewTokenizer(name)
			got := tok.Tokenize(in)
			if name == "char" || name == "none" {
				got = strings.Join(pyFields(nil, got), " ")
			}
			if got != rec[1+k] {
				t.Errorf("tokenize-xcheck.jsonl:%d: %s(%q) = %q, want %q", line, name, in, got, rec[1+k])
			}
		}
		if got := pyLower(rec[0]); got != rec[6] {
			t.Errorf("tokenize-xcheck.jsonl:%d: lower(%q) = %q, want %q", line, rec[0], got, rec[6])
		}
		n++
	}
	if n < 600 {
		t.Errorf("read %d cases, want at least 600", n)
	}
}
