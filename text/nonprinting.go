package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// RemoveNonPrinting replaces every character of Unicode category C by a
// space, as Moses' remove-non-printing-char.perl does (its \p{C}): control
// characters (Cc, including tab and CR), format characters (Cf: soft
// hyphen, zero-width space and joiners, BOM, bidi marks), private use (Co),
// surrogates (Cs) and unassigned code points (Cn). Bytes that are not valid
// UTF-8 count as non-printing too. A final "\n" is dropped; spaces are not
// squeezed (the tokenizer does that).
func RemoveNonPrinting(line string) string {
	line = strings.TrimSuffix(line, "\n")
	i := 0
	for i < len(line) {
		c := line[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		if nonPrinting(r, n) {
			break
		}
		i += n
	}
	if i == len(line) {
		return line
	}
	var b strings.Builder
	b.Grow(len(line))
	b.WriteString(line[:i])
	for i < len(line) {
		r, n := utf8.DecodeRuneInString(line[i:])
		if nonPrinting(r, n) {
			b.WriteByte(' ')
		} else {
			b.WriteString(line[i : i+n])
		}
		i += n
	}
	return b.String()
}

// nonPrinting reports whether the rune r, n bytes long, is in \p{C}.
func nonPrinting(r rune, n int) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	if r == utf8.RuneError && n == 1 {
		return true // invalid UTF-8
	}
	return unicode.Is(unicode.C, r) || !assigned(r)
}

// assigned reports whether r has a general category other than Cn.
func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C)
}
