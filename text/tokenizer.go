package text

import (
	"regexp"
	"strings"
)

// TokenizerOptions are tokenizer.perl's switches.
type TokenizerOptions struct {
	// Aggressive splits hyphens between letters or digits into the
	// token "@-@" (tokenizer.perl -a): "a-b" becomes "a @-@ b".
	Aggressive bool
	// NoEscape leaves & | < > ' " [ ] as they are (tokenizer.perl
	// -no-escape); by default they become &amp; &#124; &lt; &gt; &apos;
	// &quot; &#91; &#93;.
	NoEscape bool
	// Protected holds patterns whose matches are kept whole
	// (tokenizer.perl -protected FILE; see ReadProtected).
	Protected []*regexp.Regexp
	// SkipXML copies lines that look like one XML tag (<...>) through
	// unchanged (tokenizer.perl -x).
	SkipXML bool
	// Penn tokenizes the Penn Treebank way (tokenizer.perl -penn): ``
	// and '' quotes, -LRB- brackets, "n't" split off, only a final
	// period split. Aggressive, NoEscape and Protected do not apply.
	Penn bool
}

// Tokenizer splits text into tokens by the rules of Moses'
// tokenizer.perl for one language. It holds no mutable state, so one
// Tokenizer may be used from many goroutines.
type Tokenizer struct {
	lang     string
	opt      TokenizerOptions
	prefixes prefixSet
	keep     rune // a symbol kept inside words (':' fi/sv, '\'' tdt, '·' ca), or 0
	apos     aposRule
}

// aposRule is the language's treatment of the apostrophe.
type aposRule uint8

const (
	aposSplitAll aposRule = iota // every ' is a token (de and most languages)
	aposEnglish                  // "it 's", "1990 's": attach to the right
	aposRomance                  // "l' homme": attach to the left (fr, it, ga, ca)
	aposGlottal                  // keep ' between letters (so, tdt)
)

// NewTokenizer returns a tokenizer for lang, a language code as Moses
// uses them ("en", "de", "fr", ...). Languages without their own rules
// get the generic ones: English nonbreaking prefixes and every apostrophe
// split off, exactly as tokenizer.perl does for them.
func NewTokenizer(lang string, opt TokenizerOptions) *Tokenizer {
	t := &Tokenizer{lang: lang, opt: opt, prefixes: prefixesFor(lang)}
	switch lang {
	case "fi", "sv":
		t.keep = ':'
	case "tdt":
		t.keep = '\''
	case "ca":
		t.keep = '·'
	}
	switch lang {
	case "en":
		t.apos = aposEnglish
	case "fr", "it", "ga", "ca":
		t.apos = aposRomance
	case "so", "tdt":
		t.apos = aposGlottal
	}
	return t
}

// Lang returns the language the tokenizer was made for.
func (t *Tokenizer) Lang() string { return t.lang }

// Tokenize tokenizes one line and returns the tokens joined by single
// spaces, as tokenizer.perl prints them. A final "\n" is dropped. A line
// that is empty or only white space comes back unchanged (Moses copies
// such lines through).
//
// The steps, in tokenizer.perl's order: white space is collapsed and
// ASCII control characters dropped; every character that is not a
// letter, digit, or one of . ' ` , - becomes its own token; hyphens are
// split if Aggressive; runs of dots become one token; commas are split
// except inside numbers; apostrophes follow the language rule; a final
// period is split from each word unless the word is a nonbreaking prefix,
// an abbreviation with inner periods, or is followed by a lowercase word;
// special characters are escaped unless NoEscape.
func (t *Tokenizer) Tokenize(line string) string {
	line = strings.TrimSuffix(line, "\n")
	if isBlank(line) || t.opt.SkipXML && isTagLine(line) {
		return line
	}
	if t.opt.Penn {
		return t.tokenizePenn(line)
	}
	r := collapseSpace(line)
	var found []string
	if len(t.opt.Protected) > 0 {
		var s string
		s, found = protect(" "+string(r)+" ", t.opt.Protected)
		r = collapseSpace(s)
	}
	r = t.splitSymbols(r)
	if t.opt.Aggressive {
		r = splitHyphens(r)
	}
	if hasDotRun(r) || strings.Contains(line, "DOTMULTI") {
		r = []rune(protectMultiDots(string(r)))
	}
	r = splitCommas(r)
	r = t.splitApostrophes(r)
	s := t.splitPeriods(r)
	if strings.HasSuffix(s, ".'") {
		// A sentence that ends in .' has the period missed above.
		s = s[:len(s)-2] + " . ' "
	}
	s = unprotect(s, found)
	s = restoreMultiDots(s)
	if !t.opt.NoEscape {
		s = Escape(s)
	}
	return s
}

// isBlank reports whether s is empty or all Perl white space.
func isBlank(s string) bool {
	for _, c := range s {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// collapseSpace turns every run of white space into one space, drops
// the ASCII control characters U+0000-U+001F that are not white space,
// and trims the ends.
func collapseSpace(s string) []rune {
	out := make([]rune, 0, len(s)+16)
	pending := false
	for _, c := range s {
		switch {
		case isSpace(c):
			pending = true
		case c < 0x20:
			// dropped; spaces on both sides still merge
		default:
			if pending && len(out) > 0 {
				out = append(out, ' ')
			}
			pending = false
			out = append(out, c)
		}
	}
	return out
}

// splitSymbols puts spaces around every character that is not a letter,
// digit, space, or one of . ' ` , - (and the language's word-internal
// symbol, which is split only when no lowercase letter follows it; for
// Catalan see below).
func (t *Tokenizer) splitSymbols(in []rune) []rune {
	out := make([]rune, 0, len(in)+len(in)/2)
	for i, c := range in {
		switch {
		case c == t.keep && t.lang == "ca":
			// tokenizer.perl has no "use utf8", so its Catalan rules see
			// the two bytes of "·" as the characters "Â·": both are kept
			// inside words, and only the pair "Â·" is split off when no
			// lowercase letter follows it.
			if i > 0 && in[i-1] == 'Â' && !(i+1 < len(in) && isLl(in[i+1])) {
				out = append(out[:len(out)-1], ' ', 'Â', c, ' ')
			} else {
				out = append(out, c)
			}
		case c == t.keep && t.keep != 0:
			if i+1 < len(in) && isLl(in[i+1]) {
				out = append(out, c)
			} else {
				out = append(out, ' ', c, ' ')
			}
		case c == ' ' || c == '.' || c == '\'' || c == '`' || c == ',' || c == '-' || isAlnum(c):
			out = append(out, c)
		default:
			out = append(out, ' ', c, ' ')
		}
	}
	return out
}

// splitHyphens turns a hyphen between two letters or digits into " @-@ ".
func splitHyphens(in []rune) []rune {
	if !containsRune(in, '-') {
		return in
	}
	out := make([]rune, 0, len(in)+8)
	for i, c := range in {
		if c == '-' && i > 0 && i+1 < len(in) && isAlnum(in[i-1]) && isAlnum(in[i+1]) {
			out = append(out, ' ', '@', '-', '@', ' ')
			continue
		}
		out = append(out, c)
	}
	return out
}

// splitCommas splits commas off, except between two numbers ("5,300"),
// in tokenizer.perl's two passes: first a comma after a non-number, then
// a comma before a non-number, then a comma that ends the line.
func splitCommas(in []rune) []rune {
	if !containsRune(in, ',') {
		return in
	}
	out := make([]rune, 0, len(in)+8)
	for i := 0; i < len(in); i++ {
		if i+1 < len(in) && in[i+1] == ',' && !isNumber(in[i]) {
			out = append(out, in[i], ' ', ',', ' ')
			i++
			continue
		}
		out = append(out, in[i])
	}
	in, out = out, make([]rune, 0, len(out)+8)
	for i := 0; i < len(in); i++ {
		if in[i] == ',' && i+1 < len(in) && !isNumber(in[i+1]) {
			out = append(out, ' ', ',', ' ', in[i+1])
			i++
			continue
		}
		out = append(out, in[i])
	}
	if n := len(out); n >= 2 && out[n-1] == ',' && isNumber(out[n-2]) {
		out = append(out[:n-1], ' ', ',')
	}
	return out
}

// hasDotRun reports whether r contains "..".
func hasDotRun(r []rune) bool {
	for i := 1; i < len(r); i++ {
		if r[i] == '.' && r[i-1] == '.' {
			return true
		}
	}
	return false
}

func containsRune(r []rune, c rune) bool {
	for _, x := range r {
		if x == c {
			return true
		}
	}
	return false
}
