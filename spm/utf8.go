package spm

import "unicode/utf8"

// decodeRune decodes one UTF-8 character from b as SentencePiece's
// IsValidDecodeUTF8 accepts it; it returns -1 for an invalid sequence.
func decodeRune(b []byte) (rune, int) {
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return -1, 1
	}
	return r, size
}
