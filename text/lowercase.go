package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lowercase lowercases s as Perl's lc does for Unicode strings, which is
// what Moses' lowercase.perl (used by fairseq's prepare-iwslt14.sh) runs:
// every character takes its Unicode lowercase mapping, so Ä becomes ä
// (unlike tr '[:upper:]' '[:lower:]' in the C locale, which leaves
// non-ASCII letters alone). Bytes that are not UTF-8 are kept. Perl uses the full mapping, so İ (U+0130)
// becomes "i" followed by U+0307; no language-specific rules apply and a
// final Σ becomes σ like any other.
func Lowercase(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && n == 1:
			b.WriteByte(s[i]) // invalid UTF-8 stays as it is
		case c == 'İ':
			b.WriteString("i\u0307")
		default:
			b.WriteRune(unicode.ToLower(c))
		}
		i += n
	}
	return b.String()
}
