package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detokenizer joins tokens back into text by the rules of Moses'
// detokenizer.perl. It holds no mutable state and is safe for concurrent
// use.
type Detokenizer struct {
	lang string
	opt  DetokenizerOptions
}

// DetokenizerOptions are detokenizer.perl's switches.
type DetokenizerOptions struct {
	// UppercaseFirst uppercases the first letter of the line, after any
	// leading punctuation and spaces (detokenizer.perl -u).
	UppercaseFirst bool
	// Penn reads Penn Treebank tokens (detokenizer.perl -penn, English
	// only): -LRB- brackets, `` and '' quotes, "n't".
	Penn bool
}

// NewDetokenizer returns a detokenizer for lang. English, French,
// Italian, Czech and Finnish have rules of their own; other languages get
// the common ones.
func NewDetokenizer(lang string) *Detokenizer {
	return &Detokenizer{lang: lang}
}

// NewDetokenizerWith is NewDetokenizer with options.
func NewDetokenizerWith(lang string, opt DetokenizerOptions) *Detokenizer {
	return &Detokenizer{lang: lang, opt: opt}
}

// Detokenize detokenizes one line of space-separated tokens. A final "\n"
// is dropped. Lines that are blank or look like an XML tag (<...>) come
// back unchanged.
//
// The rules, in detokenizer.perl's order: "@-@" joins hyphens; Moses
// escapes are undone; then each token is attached to its left or right
// neighbour or set off by a space: consecutive CJK words join (not in Korean); currency
// symbols and ( [ { ¿ ¡ attach right; , . ? ! : ; \ % } ] ) attach left
// (French puts a space before ? ! : ; \ %); English "'s" attaches left;
// French/Italian "l'" attaches right; Czech floats and "-li" join;
// straight quotes alternate between opening (attach right) and closing
// (attach left), except that in English ' after a word ending in s closes
// a possessive; Finnish case endings after "EU:" join.
func (d *Detokenizer) Detokenize(line string) string {
	line = strings.TrimSuffix(line, "\n")
	if isBlank(line) || isTagLine(line) {
		return line
	}
	if d.opt.Penn {
		return d.detokenizePenn(line)
	}
	s := " " + line + " "
	s = strings.ReplaceAll(s, " @-@ ", "-")
	s = Unescape(s)
	words := strings.Split(s, " ")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	out := strings.TrimSuffix(strings.TrimPrefix(squeeze(d.join(words)), " "), " ")
	if d.opt.UppercaseFirst {
		out = uppercaseFirst(out)
	}
	return out
}

// join decides for each word whether a space goes before it and after it.
// An empty word (from two spaces in a row) takes part like any other.
func (d *Detokenizer) join(words []string) string {
	var b strings.Builder
	quotes := map[string]int{}
	space := " " // what goes before the next word
	n := len(words)
	for i := 0; i < n; i++ {
		w := words[i]
		switch {
		case startsWithCJK(w):
			if i > 0 && endsWithCJK(words[i-1]) && d.lang != "ko" {
				b.WriteString(w)
			} else {
				b.WriteString(space)
				b.WriteString(w)
			}
			space = " "
		case allRunes(w, isOpening):
			b.WriteString(space)
			b.WriteString(w)
			space = ""
		case allRunes(w, isClosing):
			if d.lang == "fr" && len(w) == 1 && strings.IndexByte(`?!:;\%`, w[0]) >= 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			space = " "
		case d.lang == "en" && i > 0 && isContraction(w) && endsWith(words[i-1], isAlnum):
			b.WriteString(w)
			space = " "
		case d.lang == "cs" && i > 1 && allASCIIDigits(words[i-2]) && (words[i-1] == "." || words[i-1] == ",") && allASCIIDigits(w):
			b.WriteString(w)
			space = " "
		case (d.lang == "fr" || d.lang == "it") && i <= n-2 && isElision(w) && startsWith(words[i+1], isAlpha):
			b.WriteString(space)
			b.WriteString(w)
			space = ""
		case d.lang == "cs" && i < n-3 && endsWith(w, isAlpha) && (words[i+1] == "-" || words[i+1] == "–") && isCzechDashWord(words[i+2]):
			b.WriteString(space)
			b.WriteString(w)
			b.WriteString(words[i+1])
			i++
			space = ""
		case w != "" && allRunes(w, isQuoteChar):
			space = d.quote(&b, quotes, w, words, i, space)
		case d.lang == "fi" && endsWith(prevWord(words, i), func(c rune) bool { return c == ':' }) && isFinnishCaseEnding(w):
			b.WriteString(Lowercase(w))
			space = " "
		default:
			b.WriteString(space)
			b.WriteString(w)
			space = " "
		}
	}
	return b.String()
}

// quote places a token made of straight or German quotes: an even count
// so far opens (attach right), an odd count closes (attach left). It
// returns the new separator.
func (d *Detokenizer) quote(b *strings.Builder, count map[string]int, w string, words []string, i int, space string) string {
	key := w
	if allRunes(w, func(c rune) bool { return c == '„' || c == '“' || c == '”' }) {
		key = `"`
	}
	if d.lang == "cs" && w == "„" {
		count[key] = 0 // always opens in Czech
	}
	if d.lang == "cs" && w == "“" {
		count[key] = 1 // usually closes in Czech
	}
	if count[key]%2 == 0 {
		if d.lang == "en" && w == "'" && i > 0 && strings.HasSuffix(words[i-1], "s") {
			b.WriteString(w) // possessive: "the Jones' house"
			return " "
		}
		b.WriteString(space)
		b.WriteString(w)
		count[key]++
		return ""
	}
	b.WriteString(w)
	count[key]++
	return " "
}

// isTagLine reports whether line is <...> with at least one character
// inside.
func isTagLine(line string) bool {
	return len(line) >= 3 && line[0] == '<' && line[len(line)-1] == '>'
}

func isOpening(c rune) bool {
	return isCurrency(c) || c == '(' || c == '[' || c == '{' || c == '¿' || c == '¡'
}

func isClosing(c rune) bool { return strings.ContainsRune(`,.?!:;\%}])`, c) }

func isQuoteChar(c rune) bool { return strings.ContainsRune("'\"„“`", c) }

// isContraction: ' followed by a letter ("'s", "'ll").
func isContraction(w string) bool {
	return len(w) > 1 && w[0] == '\'' && isAlpha(firstRune(w[1:]))
}

// isElision: a letter followed by a final ' ("l'", "dell'").
func isElision(w string) bool {
	if !strings.HasSuffix(w, "'") {
		return false
	}
	return endsWith(w[:len(w)-1], isAlpha)
}

// isCzechDashWord: "li" or a word starting with "mail", in any case.
func isCzechDashWord(w string) bool {
	return strings.EqualFold(w, "li") || len(w) >= 4 && strings.EqualFold(w[:4], "mail")
}

// prevWord is words[i-1], where index -1 means the last word (as in Perl).
func prevWord(words []string, i int) string {
	if i == 0 {
		return words[len(words)-1]
	}
	return words[i-1]
}

func allRunes(s string, f func(rune) bool) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !f(c) {
			return false
		}
	}
	return true
}

func allASCIIDigits(s string) bool { return allRunes(s, isASCIIDigit) }

func startsWith(s string, f func(rune) bool) bool { return s != "" && f(firstRune(s)) }

func endsWith(s string, f func(rune) bool) bool {
	if s == "" {
		return false
	}
	c, _ := utf8.DecodeLastRuneInString(s)
	return f(c)
}

// isCJK reports whether c is in the Unicode blocks detokenizer.perl treats
// as Chinese, Japanese or Korean.
func isCJK(c rune) bool {
	switch {
	case 0x1100 <= c && c <= 0x11FF, // Hangul Jamo
		0x2E80 <= c && c <= 0xA4CF,   // radicals, kana, CJK ideographs, Yi ...
		0xA840 <= c && c <= 0xA87F,   // Phags-pa
		0xAC00 <= c && c <= 0xD7AF,   // Hangul syllables
		0xF900 <= c && c <= 0xFAFF,   // CJK compatibility ideographs
		0xFE30 <= c && c <= 0xFE4F,   // CJK compatibility forms
		0xFF65 <= c && c <= 0xFFDC,   // halfwidth Katakana and Hangul
		0x20000 <= c && c <= 0x2FFFF: // supplementary ideographic plane
		return true
	}
	return false
}

func startsWithCJK(w string) bool { return startsWith(w, isCJK) }
func endsWithCJK(w string) bool   { return endsWith(w, isCJK) }

// uppercaseFirst uppercases the first letter after leading punctuation
// and white space, as Perl's uc would (ß becomes SS).
func uppercaseFirst(s string) string {
	for i, c := range s {
		if isSpace(c) || isPerlPunct(c) {
			continue
		}
		if !isAlpha(c) {
			return s
		}
		n := len(string(c))
		up, ok := fullUpper[c]
		if !ok {
			up = string(unicode.ToUpper(c))
		}
		return s[:i] + up + s[i+n:]
	}
	return s
}

// isPerlPunct is [[:punct:]] for Unicode strings: punctuation, plus the
// ASCII symbols.
func isPerlPunct(c rune) bool {
	if c < 128 {
		return strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c)
	}
	return unicode.IsPunct(c)
}
