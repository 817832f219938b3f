package bleu

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reproduces the few pieces of Python's str semantics that
// sacreBLEU's numbers depend on: what counts as whitespace for split(),
// strip() and rstrip(), and what lower() does.

// isPySpace reports whether Python's str.isspace() is true for r: the
// characters of general category Zs or bidirectional class WS, B or S.
// Unlike unicode.IsSpace it includes U+001C..U+001F.
func isPySpace(r rune) bool {
	switch {
	case r == ' ', r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x1f:
		return true
	case r < 0x80:
		return false
	case r == 0x85, r == 0xa0, r == 0x1680, r >= 0x2000 && r <= 0x200a,
		r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// asciiSpace marks the ASCII bytes that Python treats as whitespace.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true}

// spaceByte marks the bytes that may start Python whitespace: the ASCII
// spaces (1) and the lead bytes of the non-ASCII ones (2: U+0085, U+00A0,
// U+1680, U+2000..U+205F, U+3000).
var spaceByte = func() (t [256]uint8) {
	for c := range 128 {
		if asciiSpace[c] {
			t[c] = 1
		}
	}
	t[0xc2], t[0xe1], t[0xe2], t[0xe3] = 2, 2, 2, 2
	return t
}()

// pyFields splits s like Python's s.split() with no argument, appending the
// fields (substrings of s) to dst.
func pyFields(dst []string, s string) []string {
	start := -1
	for i := 0; i < len(s); {
		w, space := 1, false
		switch spaceByte[s[i]] {
		case 1:
			space = true
		case 2:
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			space = isPySpace(r)
		}
		if space {
			if start >= 0 {
				dst = append(dst, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += w
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// pyRstrip removes trailing Python whitespace, like s.rstrip().
func pyRstrip(s string) string {
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return s
			}
			s = s[:len(s)-1]
			continue
		}
		r, w := utf8.DecodeLastRuneInString(s)
		if !isPySpace(r) {
			return s
		}
		s = s[:len(s)-w]
	}
	return s
}

// pyStrip removes leading and trailing Python whitespace, like s.strip().
func pyStrip(s string) string {
	s = pyRstrip(s)
	for len(s) > 0 {
		r, w := utf8.DecodeRuneInString(s)
		if !isPySpace(r) {
			return s
		}
		s = s[w:]
	}
	return s
}

// pyJoinFields returns ' '.join(s.split()).
func pyJoinFields(s string) string {
	f := pyFields(nil, s)
	return strings.Join(f, " ")
}

// pyLower lowercases s like Python's str.lower(): the simple lowercase
// mapping, except that U+0130 (İ) becomes "i̇" (two code points) and a
// capital sigma at the end of a word becomes final sigma ς.
func pyLower(s string) string {
	ascii := true
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3a3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3c2)
			} else {
				b.WriteRune(0x3c3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma reports whether the capital sigma at rs[i] is in Unicode's
// Final_Sigma context: preceded by a cased letter and not followed by one,
// skipping case-ignorable characters on both sides (as CPython does).
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && isCaseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !isCased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && isCaseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !isCased(rs[j])
}

func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func isCaseIgnorable(r rune) bool {
	switch r {
	// Word_Break MidLetter, MidNumLet and Single_Quote.
	case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
