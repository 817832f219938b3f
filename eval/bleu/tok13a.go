package bleu

import (
	"bytes"
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

func (t tok13a) Tokenize(line string) string { return strings.Join(t.tokens(nil, line, nil), " ") }

func (tok13a) tokens(dst []string, line string, ar *arena) []string {
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
	return postTokenize(dst, line, true, ar)
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

// postTokenize runs the regexp passes shared by 13a and zh
// (sacreBLEU's TokenizerRegexp), then splits on whitespace, appending the
// tokens to dst:
//
//	s/([\{-\~\[-\` -\&\(-\+\:-\@\/])/ \1 /g   spaced punctuation
//	s/([^0-9])([\.,])/\1 \2 /g                period, comma not after a digit
//	s/([\.,])([^0-9])/ \1 \2/g                period, comma not before a digit
//	s/([0-9])(-)/\1 \2 /g                     dash after a digit
//	line.split()
//
// Each pass scans left to right and a match consumes both of its
// characters, as Python's re.sub does. The passes work on bytes: every
// pattern character other than [^0-9] is ASCII, and a multi-byte character
// is never a digit, so byte-wise matching gives the same output. A match
// can only occur at a '.', ',' or '-' (or spaced punctuation), so each pass
// jumps from one of those to the next and copies the bytes between in one
// go; last marks the end of what the previous match consumed.
func postTokenize(dst []string, line string, pad bool, ar *arena) []string {
	sc := bufPool.Get().(*tokBufs)
	a, b, dots := sc.a[:0], sc.b[:0], sc.dots[:0]

	// Pass 1, with the padding spaces of 13a (" line " after pass 1). The
	// positions of '.' and ',' in a are noted for passes 2 and 3.
	if pad {
		a = append(a, ' ', ' ', ' ')
	}
	hasDash := false
	last := 0
	for j := 0; j < len(line); j++ {
		switch cls13a[line[j]] {
		case clsPlain:
		case clsSpaced:
			a = append(a, line[last:j]...)
			a = append(a, ' ', line[j], ' ')
			last = j + 1
		case clsDot:
			dots = append(dots, int32(len(a)+j-last))
		case clsDash:
			hasDash = true
		}
	}
	a = append(a, line[last:]...)
	if pad {
		a = append(a, ' ', ' ', ' ')
	}

	if len(dots) > 0 {
		// Pass 2: ([^0-9])([\.,]) -> \1 \2 ' ', a match ending at a dot p.
		b, last = b[:0], 0
		for k, p32 := range dots {
			p := int(p32)
			if p >= 1 && p-1 >= last && !isDigit(a[p-1]) {
				b = append(b, a[last:p]...)
				dots[k] = int32(len(b) + 1)
				b = append(b, ' ', a[p], ' ')
				last = p + 1
			} else {
				dots[k] = int32(len(b) + p - last)
			}
		}
		b = append(b, a[last:]...)
		// Pass 3: ([\.,])([^0-9]) -> ' ' \1 ' ' \2, a match starting at a dot q.
		a, last = a[:0], 0
		for _, q32 := range dots {
			q := int(q32)
			if q >= last && q+1 < len(b) && !isDigit(b[q+1]) {
				a = append(a, b[last:q]...)
				a = append(a, ' ', b[q], ' ', b[q+1])
				last = q + 2
			}
		}
		a = append(a, b[last:]...)
	}
	if hasDash {
		// Pass 4: ([0-9])(-) -> \1 \2 ' ', a match ending at a dash j.
		b, last = b[:0], 0
		for j := 0; ; j++ {
			k := bytes.IndexByte(a[j:], '-')
			if k < 0 {
				break
			}
			j += k
			if j >= 1 && j-1 >= last && isDigit(a[j-1]) {
				b = append(b, a[last:j]...)
				b = append(b, ' ', '-', ' ')
				last = j + 1
			}
		}
		b = append(b, a[last:]...)
		a, b = b, a
	}
	dst = appendFields(dst, a, ar)
	sc.a, sc.b, sc.dots = a, b, dots
	bufPool.Put(sc)
	return dst
}

// tokBufs is postTokenize's reusable working memory.
type tokBufs struct {
	a, b []byte
	dots []int32
}

var bufPool = sync.Pool{New: func() any { return &tokBufs{a: make([]byte, 0, 512), b: make([]byte, 0, 512)} }}

// Byte classes of postTokenize's first pass.
const (
	clsPlain = iota
	clsSpaced
	clsDot
	clsDash
)

var cls13a = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case spacedPunct[c]:
			t[c] = clsSpaced
		case c == '.' || c == ',':
			t[c] = clsDot
		case c == '-':
			t[c] = clsDash
		}
	}
	return t
}()

// appendFields appends the whitespace-separated fields of b (Python's
// split()) to dst, copying each into ar; b is not retained.
func appendFields(dst []string, b []byte, ar *arena) []string {
	start := -1
	for i := 0; i < len(b); {
		w, space := 1, false
		switch spaceByte[b[i]] {
		case 1:
			space = true
		case 2:
			var r rune
			r, w = utf8.DecodeRune(b[i:])
			space = isPySpace(r)
		}
		if space {
			if start >= 0 {
				dst = append(dst, ar.str(b[start:i]))
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += w
	}
	if start >= 0 {
		dst = append(dst, ar.str(b[start:]))
	}
	return dst
}
