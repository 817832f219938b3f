package data

import (
	"strings"
	"testing"
)

func TestCleaner(t *testing.T) {
	cfg := CleanConfig{Min: 1, Max: 5, Ratio: 1.5, MaxWordLength: 10}
	tests := []struct {
		name, src, tgt   string
		wantSrc, wantTgt string
		want             CleanReason
	}{
		{"kept and normalised", "  a \t b\u00a0c ", "x y z", "a b c", "x y z", CleanKept},
		{"empty side", "a", "   ", "a", "", CleanEmpty},
		{"too long", "a b c d e f", "a b c d e f", "a b c d e f", "a b c d e f", CleanTooLong},
		{"ratio 2/1", "a b", "x", "a b", "x", CleanRatio},
		{"ratio 3/2 is allowed", "a b c", "x y", "a b c", "x y", CleanKept},
		{"ratio tgt side", "a b", "v w x y", "a b", "v w x y", CleanRatio},
		{"long word", "abcdefghijk", "x", "abcdefghijk", "x", CleanLongWord},
		{"pipes removed", "a|b", "x", "ab", "x", CleanKept},
		{"10 chars is fine", "äbcdefghij", "x", "äbcdefghij", "x", CleanKept},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCleaner(cfg)
			if err != nil {
				t.Fatal(err)
			}
			c.Clean("first", "pair") // not factored
			s, g, r := c.Clean(tt.src, tt.tgt)
			if s != tt.wantSrc || g != tt.wantTgt || r != tt.want {
				t.Errorf("Clean(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.src, tt.tgt, s, g, r, tt.wantSrc, tt.wantTgt, tt.want)
			}
		})
	}
}

func TestCleanerFactoredAndStats(t *testing.T) {
	c, _ := NewCleaner(CleanConfig{Min: 1, Max: 175, Ratio: 1.5, MaxWordLength: 1000})
	if s, _, _ := c.Clean("a|N b|V", "x|N y|V"); s != "a|N b|V" {
		t.Errorf("factored corpus lost its factors: %q", s)
	}
	c.Clean("a b c", "x")
	c.Clean(strings.Repeat("w ", 176), strings.Repeat("w ", 176))
	c.Overlong()
	st := c.Stats()
	if st.In != 4 || st.Kept != 1 || st.Dropped["ratio"] != 1 || st.Dropped["too_long"] != 1 || st.Dropped["overlong_line"] != 1 {
		t.Errorf("stats %+v", st)
	}
}
