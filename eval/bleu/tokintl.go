package bleu

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokIntl is sacreBLEU's "intl" tokenizer, which mimics mteval-v14.pl's
// international tokenization with Unicode classes (P punctuation,
// N number, S symbol):
//
//	s/(\P{N})(\p{P})/\1 \2 /g   punctuation after a non-number
//	s/(\p{P})(\P{N})/ \1 \2/g   punctuation before a non-number
//	s/(\p{S})/ \1 /g            every symbol
//	' '.join(line.split())
//
// So 1,000.5 keeps its separators, while a number followed by a final
// period keeps the period too ("1990." stays one token): mteval-v14 has the
// same quirk because, unlike 13a, the line is not padded with spaces.
// HTML entities are not unescaped.
type tokIntl struct{}

func (tokIntl) Signature() string { return "intl" }

// runeClass caches the P/N/S class of ASCII runes.
const (
	clsP = 1 << iota
	clsN
	clsS
)

var asciiClass = func() (t [128]uint8) {
	for r := rune(0); r < 128; r++ {
		t[r] = classOf(r)
	}
	return t
}()

func classOf(r rune) uint8 {
	var c uint8
	if unicode.IsPunct(r) {
		c |= clsP
	}
	if unicode.IsNumber(r) {
		c |= clsN
	}
	if unicode.IsSymbol(r) {
		c |= clsS
	}
	return c
}

func runeClass(r rune) uint8 {
	if r < 128 && r >= 0 {
		return asciiClass[r]
	}
	return classOf(r)
}

func (t tokIntl) Tokenize(line string) string { return strings.Join(t.tokens(nil, line, nil), " ") }

func (tokIntl) tokens(dst []string, line string, ar *arena) []string {
	rs := make([]rune, 0, len(line))
	cls := make([]uint8, 0, len(line))
	for i, r := range line {
		if r == utf8.RuneError {
			// An invalid byte: keep it as a non-class character.
			_, w := utf8.DecodeRuneInString(line[i:])
			if w == 1 {
				r = rune(0xDC00 + int(line[i])) // a surrogate: never P, N or S
			}
		}
		rs = append(rs, r)
		cls = append(cls, runeClass(r))
	}
	out := make([]rune, 0, 2*len(rs)+8)
	// Pass 1: (\P{N})(\p{P}) -> \1 \2 ' '
	for i := 0; i < len(rs); i++ {
		if cls[i]&clsN == 0 && i+1 < len(rs) && cls[i+1]&clsP != 0 {
			out = append(out, rs[i], ' ', rs[i+1], ' ')
			i++
			continue
		}
		out = append(out, rs[i])
	}
	rs, out = out, rs[:0]
	cls = recls(cls[:0], rs)
	// Pass 2: (\p{P})(\P{N}) -> ' ' \1 ' ' \2
	for i := 0; i < len(rs); i++ {
		if cls[i]&clsP != 0 && i+1 < len(rs) && cls[i+1]&clsN == 0 {
			out = append(out, ' ', rs[i], ' ', rs[i+1])
			i++
			continue
		}
		out = append(out, rs[i])
	}
	rs, out = out, rs[:0]
	cls = recls(cls[:0], rs)
	// Pass 3: (\p{S}) -> ' ' \1 ' '
	for i, r := range rs {
		if cls[i]&clsS != 0 {
			out = append(out, ' ', r, ' ')
			continue
		}
		out = append(out, r)
	}
	buf := make([]byte, 0, len(line)+len(out))
	for _, r := range out {
		if r >= 0xDC80 && r <= 0xDCFF {
			buf = append(buf, byte(r-0xDC00)) // an invalid input byte
			continue
		}
		buf = utf8.AppendRune(buf, r)
	}
	return appendFields(dst, buf, ar)
}

func recls(cls []uint8, rs []rune) []uint8 {
	for _, r := range rs {
		cls = append(cls, runeClass(r))
	}
	return cls
}
