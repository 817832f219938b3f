package bleu

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// tok13a is sacreBLEU's default tokenizer, equivalent to mteval-v13a.pl as
// used by WMT. Its rules, in order:
//
//  1. drop "<skipped>", join "-\n" line breaks, turn "\n" into a space;
//  2. if the line has '&': unescape &quot; &amp; &lt; &gt; (in that order,
//     each replacement applied to the result of the previous one);
//  3. pad the line with a space on both sides and run the regexp passes of
//     postTokenize.
type tok13a struct{}

func (tok13a) Signature() string { return "13a" }

func (tok13a) Tokenize(line string) string {
	if strings.Contains(line, "<skipped>") {
		line = strings.ReplaceAll(line, "<skipped>", "")
	}
	if strings.IndexByte(line, '\n') >= 0 {
		line = strings.ReplaceAll(line, "-\n", "")
		line = strings.ReplaceAll(line, "\n", " ")
	}
	if strings.IndexByte(line, '&') >= 0 {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	return postTokenize(line, true)
}

// spacedPunct marks the ASCII characters that 13a surrounds with spaces
// wherever they occur: the regexp class [\{-\~\[-\` -\&\(-\+\:-\@\/], that
// is { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ and /.
// Not in it: ' , - . digits and letters.
var spacedPunct = func() (t [256]bool) {
	for _, rg := range [][2]byte{{'{', '~'}, {'[', '`'}, {' ', '&'}, {'(', '+'}, {':', '@'}, {'/', '/'}} {
		for c := rg[0]; c <= rg[1]; c++ {
			t[c] = true
		}
	}
	return t
}()

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isDotComma(c byte) bool { return c == '.' || c == ',' }

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// postTokenize runs the regexp passes shared by 13a and zh
// (sacreBLEU's TokenizerRegexp), then collapses whitespace:
//
//	s/([\{-\~\[-\` -\&\(-\+\:-\@\/])/ \1 /g   spaced punctuation
//	s/([^0-9])([\.,])/\1 \2 /g                period, comma not after a digit
//	s/([\.,])([^0-9])/ \1 \2/g                period, comma not before a digit
//	s/([0-9])(-)/\1 \2 /g                     dash after a digit
//	' '.join(line.split())
//
// Each pass scans left to right and a match consumes both of its
// characters, as Python's re.sub does. The passes work on bytes: every
// pattern character other than [^0-9] is ASCII, and a multi-byte character
// is never a digit, so byte-wise matching gives the same output.
func postTokenize(line string, pad bool) string {
	pa := bufPool.Get().(*[]byte)
	pb := bufPool.Get().(*[]byte)
	a, b := (*pa)[:0], (*pb)[:0]

	// Pass 1, with the padding spaces of 13a.
	if pad {
		a = append(a, ' ', ' ', ' ')
	}
	hasDot, hasDash := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if spacedPunct[c] {
			a = append(a, ' ', c, ' ')
			continue
		}
		a = append(a, c)
		hasDot = hasDot || isDotComma(c)
		hasDash = hasDash || c == '-'
	}
	if pad {
		a = append(a, ' ', ' ', ' ')
	}

	if hasDot {
		// Pass 2: ([^0-9])([\.,]) -> \1 \2
		b = b[:0]
		for i := 0; i < len(a); i++ {
			c := a[i]
			if !isDigit(c) && i+1 < len(a) && isDotComma(a[i+1]) {
				b = append(b, c, ' ', a[i+1], ' ')
				i++
				continue
			}
			b = append(b, c)
		}
		// Pass 3: ([\.,])([^0-9]) -> ' \1 \2'
		a = a[:0]
		for i := 0; i < len(b); i++ {
			c := b[i]
			if isDotComma(c) && i+1 < len(b) && !isDigit(b[i+1]) {
				a = append(a, ' ', c, ' ', b[i+1])
				i++
				continue
			}
			a = append(a, c)
		}
	}
	if hasDash {
		// Pass 4: ([0-9])(-) -> \1 \2
		b = b[:0]
		for i := 0; i < len(a); i++ {
			c := a[i]
			if isDigit(c) && i+1 < len(a) && a[i+1] == '-' {
				b = append(b, c, ' ', '-', ' ')
				i++
				continue
			}
			b = append(b, c)
		}
		a, b = b, a
	}
	out := joinFieldsBytes(a)
	*pa, *pb = a, b
	bufPool.Put(pa)
	bufPool.Put(pb)
	return out
}

// joinFieldsBytes returns ' '.join(s.split()) for the bytes in s.
func joinFieldsBytes(s []byte) string {
	var out strings.Builder
	out.Grow(len(s))
	sep := false
	for i := 0; i < len(s); {
		c := s[i]
		w := 1
		var space bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, w = utf8.DecodeRune(s[i:])
			space = isPySpace(r)
		}
		if space {
			sep = out.Len() > 0
		} else {
			if sep {
				out.WriteByte(' ')
				sep = false
			}
			out.Write(s[i : i+w])
		}
		i += w
	}
	return out.String()
}
