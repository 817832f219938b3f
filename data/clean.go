package data

import (
	"fmt"
	"strings"
	"unicode"
)

// CleanConfig holds the settings of Moses' clean-corpus-n.perl:
// `clean-corpus-n.perl -ratio Ratio corpus l1 l2 out Min Max`.
type CleanConfig struct {
	Min, Max      int     // tokens per side, inclusive
	Ratio         float64 // longest/shortest side at most this (Moses default 9)
	MaxWordLength int     // drop pairs with a longer token, in characters (Moses: 1000)
}

// Validate reports impossible settings.
func (c CleanConfig) Validate() error {
	if c.Min < 0 || c.Max < c.Min || c.Max == 0 || c.Ratio <= 0 || c.MaxWordLength <= 0 {
		return fmt.Errorf("data: clean: want 0 <= Min <= Max, Max > 0, Ratio > 0, MaxWordLength > 0, got %+v", c)
	}
	return nil
}

// CleanReason says why Cleaner dropped a pair (or CleanKept).
type CleanReason int

const (
	CleanKept         CleanReason = iota
	CleanEmpty                    // a side is empty after white space is normalised
	CleanTooLong                  // a side has more than Max tokens
	CleanTooShort                 // a side has fewer than Min tokens
	CleanRatio                    // one side is more than Ratio times longer
	CleanLongWord                 // a token has more than MaxWordLength characters
	CleanOverlongLine             // a line was longer than MaxLineBytes (our rule)
	numCleanReasons
)

var cleanReasonNames = [...]string{"kept", "empty", "too_long", "too_short", "ratio", "long_word", "overlong_line"}

func (r CleanReason) String() string { return cleanReasonNames[r] }

// CleanStats counts pairs by the rule that dropped them.
type CleanStats struct {
	In, Kept int
	Dropped  map[string]int
}

// Cleaner applies clean-corpus-n.perl's rules pair by pair, in its order:
//
//   - on the first pair, the corpus counts as factored if either side has a
//     "|"; otherwise every "|" is deleted;
//   - runs of Unicode white space become one space, ends are trimmed (the
//     kept lines are written in this form);
//   - a pair is dropped if a side is empty, has more than Max or fewer than
//     Min tokens (tokens = fields between single spaces), if
//     tgt/src > Ratio or src/tgt > Ratio, or if a side has a run of more
//     than MaxWordLength characters other than white space and "|".
type Cleaner struct {
	cfg      CleanConfig
	n        int
	factored bool
	counts   [numCleanReasons]int
}

// NewCleaner returns a Cleaner for one corpus.
func NewCleaner(cfg CleanConfig) (*Cleaner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Cleaner{cfg: cfg}, nil
}

// Clean checks one pair and returns its normalised sides and why it was
// dropped (CleanKept if not).
func (c *Cleaner) Clean(src, tgt string) (string, string, CleanReason) {
	c.n++
	if c.n == 1 {
		c.factored = strings.Contains(src, "|") || strings.Contains(tgt, "|")
	}
	f, e := c.normalize(src), c.normalize(tgt)
	r := c.reason(f, e)
	c.counts[r]++
	return f, e, r
}

// Overlong counts a pair that could not be read because a line was longer
// than MaxLineBytes.
func (c *Cleaner) Overlong() {
	c.n++
	c.counts[CleanOverlongLine]++
}

func (c *Cleaner) reason(f, e string) CleanReason {
	if f == "" || e == "" {
		return CleanEmpty
	}
	ec, fc := wordCount(e), wordCount(f)
	switch {
	case ec > c.cfg.Max || fc > c.cfg.Max:
		return CleanTooLong
	case ec < c.cfg.Min || fc < c.cfg.Min:
		return CleanTooShort
	case float64(ec)/float64(fc) > c.cfg.Ratio || float64(fc)/float64(ec) > c.cfg.Ratio:
		return CleanRatio
	case longestWord(e) > c.cfg.MaxWordLength || longestWord(f) > c.cfg.MaxWordLength:
		return CleanLongWord
	}
	return CleanKept
}

func (c *Cleaner) normalize(s string) string {
	if !c.factored {
		s = strings.ReplaceAll(s, "|", "")
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// wordCount is Perl's scalar(split(/ /, $line)) on a normalised line.
func wordCount(s string) int { return strings.Count(s, " ") + 1 }

// longestWord is the longest run of characters other than space and "|".
func longestWord(s string) int {
	longest, run := 0, 0
	for _, r := range s {
		if r == ' ' || r == '|' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// Stats returns the counts so far.
func (c *Cleaner) Stats() CleanStats {
	st := CleanStats{In: c.n, Kept: c.counts[CleanKept], Dropped: map[string]int{}}
	for r := CleanEmpty; r < numCleanReasons; r++ {
		if c.counts[r] > 0 {
			st.Dropped[r.String()] = c.counts[r]
		}
	}
	return st
}
