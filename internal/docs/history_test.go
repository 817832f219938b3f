package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// productPages are the pages that describe the product as it is: what a
// feature does, how to use it, its figures with their command and machine.
var productPages = []string{"README.md", "docs/*.md", "experiments/results/README.md"}

// history matches development-history wording: which session or round of
// work did what, and commits quoted as history. A figure may say when and
// on what machine it was measured; the order in which the code was written
// belongs in git log.
var history = regexp.MustCompile(`(?i)\b(` +
	`(this|that|last|next|earlier|later|a previous|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)) sessions?` +
	`|sessions?'s?\b.{0,20}\b(work|changes|builds)` +
	`|round [0-9]+` +
	`|previously` +
	`|than before` +
	`|commit [0-9a-f]{7,40}` +
	`)\b`)

// TestDocsNoHistory checks the product pages for development-history
// wording, outside code blocks and code spans.
func TestDocsNoHistory(t *testing.T) {
	n := 0
	for _, pat := range productPages {
		names, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range names {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := filepath.Rel(root, p)
			n++
			// Join the prose lines so that wording broken across lines
			// is found too; starts maps an offset back to its line.
			var text strings.Builder
			var starts, lines []int
			prose(string(b), func(line int, s string) {
				starts = append(starts, text.Len())
				lines = append(lines, line)
				text.WriteString(s + " ")
			})
			for _, m := range history.FindAllStringIndex(text.String(), -1) {
				i := sort.SearchInts(starts, m[0]+1) - 1
				t.Errorf("%s:%d: development history %q: say what the product does and its figures with command and machine (git log keeps the history)", name, lines[i], text.String()[m[0]:m[1]])
			}
		}
	}
	if n < 3 {
		t.Fatalf("found %d product pages, want README.md and docs/*.md", n)
	}
}

func TestHistoryPattern(t *testing.T) {
	for _, c := range []struct {
		text string
		bad  bool
	}{
		{"measured in the sixth session", true},
		{"this session's decoding changes", true},
		{"| round 1 (07:54) |", true},
		{"it was previously slower", true},
		{"now faster than before", true},
		{"measured on commit 12e9268", true},
		{"medians of three runs, 2026-11-26, on the 2-core machine", false},
		{"a session cookie", false},
		{"three rounds of 1,000 requests", false},
	} {
		if got := history.MatchString(c.text); got != c.bad {
			t.Errorf("%q: matched %v, want %v", c.text, got, c.bad)
		}
	}
}
