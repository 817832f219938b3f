package text

import (
	"strings"
	"unicode/utf8"
)

// The later tokenizer passes: apostrophes, final periods, dot runs.
//
// Each pass scans left to right and, where its pattern matches, consumes
// the matched characters before looking again, the way a global Perl
// substitution does. That detail matters: in "a'b'c" the English rule
// joins "'b" to the right and the second apostrophe, whose left neighbour
// was consumed, is left alone.

// splitApostrophes applies the language's apostrophe rule.
func (t *Tokenizer) splitApostrophes(in []rune) []rune {
	if !containsRune(in, '\'') {
		return in
	}
	notAlpha := func(c rune) bool { return !isAlpha(c) }
	switch t.apos {
	case aposEnglish:
		in = aposPass(in, notAlpha, notAlpha, true, true)
		in = aposPass(in, func(c rune) bool { return !isAlpha(c) && !isNumber(c) }, isAlpha, true, true)
		in = aposPass(in, isAlpha, notAlpha, true, true)
		in = aposPass(in, isAlpha, isAlpha, true, false)                                // it 's
		in = aposPass(in, isNumber, func(c rune) bool { return c == 's' }, true, false) // 1990 's
	case aposRomance:
		in = aposPass(in, notAlpha, notAlpha, true, true)
		in = aposPass(in, notAlpha, isAlpha, true, true)
		in = aposPass(in, isAlpha, notAlpha, true, true)
		in = aposPass(in, isAlpha, isAlpha, false, true) // l' homme
	case aposGlottal:
		in = aposPass(in, notAlpha, notAlpha, true, true)
		in = aposPass(in, notAlpha, isAlpha, true, true)
		in = aposPass(in, isAlpha, notAlpha, true, true)
	default:
		out := make([]rune, 0, len(in)+8)
		for _, c := range in {
			if c == '\'' {
				out = append(out, ' ', c, ' ')
			} else {
				out = append(out, c)
			}
		}
		in = out
	}
	return in
}

// aposPass rewrites every left ' right triple (left and right being single
// characters) as left [space] ' [space] right.
func aposPass(in []rune, left, right func(rune) bool, spaceBefore, spaceAfter bool) []rune {
	first := -1
	for i := 1; i+1 < len(in); i++ {
		if in[i] == '\'' && left(in[i-1]) && right(in[i+1]) {
			first = i - 1
			break
		}
	}
	if first < 0 {
		return in // nothing to do: spare the copy
	}
	out := make([]rune, first, len(in)+8)
	copy(out, in[:first])
	for i := first; i < len(in); i++ {
		if i+2 < len(in) && in[i+1] == '\'' && left(in[i]) && right(in[i+2]) {
			out = append(out, in[i])
			if spaceBefore {
				out = append(out, ' ')
			}
			out = append(out, '\'')
			if spaceAfter {
				out = append(out, ' ')
			}
			out = append(out, in[i+2])
			i += 2
			continue
		}
		out = append(out, in[i])
	}
	return out
}

// splitPeriods splits the text at spaces and separates a final period
// from each word that needs it, then joins the words with single spaces.
//
// A word "X." keeps its period when it is not the last word and
//   - X contains a period and a letter ("U.S.", "z.B."), or
//   - X is a nonbreaking prefix ("Mr"), or
//   - the next word starts with a lowercase letter, or
//   - X is a numeric-only prefix and the next word starts with a digit.
//
// An empty field (two spaces in a row) counts as a next word that starts
// with neither.
func (t *Tokenizer) splitPeriods(in []rune) string {
	words := strings.Split(string(in), " ")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	var b strings.Builder
	b.Grow(len(in) + 16)
	for i, w := range words {
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if len(w) >= 2 && w[len(w)-1] == '.' && !t.keepsPeriod(w[:len(w)-1], words, i, true) {
			b.WriteString(w[:len(w)-1])
			b.WriteString(" .")
			continue
		}
		b.WriteString(w)
	}
	return b.String()
}

// keepsPeriod decides for the word pre+"." at index i of words. With
// lastSplits the last word always loses its period (the -penn rules do
// not have that rule).
func (t *Tokenizer) keepsPeriod(pre string, words []string, i int, lastSplits bool) bool {
	last := i == len(words)-1
	if last && lastSplits {
		return false // the last word ends the sentence
	}
	if strings.IndexByte(pre, '.') >= 0 && strings.IndexFunc(pre, isAlpha) >= 0 {
		return true
	}
	kind := t.prefixes[pre]
	if kind == prefixAlways {
		return true
	}
	if last {
		return false
	}
	next := words[i+1]
	if next != "" {
		c := firstRune(next)
		if isLower(c) {
			return true
		}
		if kind == prefixNumeric && isASCIIDigit(c) {
			return true
		}
	}
	return false
}

func firstRune(s string) rune {
	for _, c := range s {
		return c
	}
	return -1
}

// Dot runs ("..", "...") must survive the period rule as one token.
// tokenizer.perl hides them behind placeholder words, DOTMULTI for the
// first dot and DOT for each further one; we use the same words so that
// text which happens to contain them comes out as it does from Moses.

// protectMultiDots replaces each run of two or more dots by a placeholder
// word with a space on each side.
func protectMultiDots(s string) string {
	if !strings.Contains(s, "..") && !strings.Contains(s, "DOTMULTI") {
		return s
	}
	// A run "." + more dots becomes " DOTMULTI" + more dots.
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '.' && i+1 < len(s) && s[i+1] == '.' {
			j := i + 1
			for j < len(s) && s[j] == '.' {
				j++
			}
			b.WriteString(" DOTMULTI")
			b.WriteString(s[i+1 : j])
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	s = b.String()
	// Each further dot is folded into the word, one per round, and the
	// word is cut off from what follows it.
	for strings.Contains(s, "DOTMULTI.") {
		b.Reset()
		for i := 0; i < len(s); {
			if strings.HasPrefix(s[i:], "DOTMULTI.") && i+9 < len(s) && s[i+9] != '.' {
				_, n := utf8.DecodeRuneInString(s[i+9:])
				b.WriteString("DOTDOTMULTI ")
				b.WriteString(s[i+9 : i+9+n])
				i += 9 + n
				continue
			}
			b.WriteByte(s[i])
			i++
		}
		s = strings.ReplaceAll(b.String(), "DOTMULTI.", "DOTDOTMULTI")
	}
	return s
}

// restoreMultiDots turns the placeholder words back into dots.
func restoreMultiDots(s string) string {
	if !strings.Contains(s, "DOTMULTI") {
		return s
	}
	for strings.Contains(s, "DOTDOTMULTI") {
		s = strings.ReplaceAll(s, "DOTDOTMULTI", "DOTMULTI.")
	}
	return strings.ReplaceAll(s, "DOTMULTI", ".")
}
