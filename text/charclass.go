package text

import "unicode"

// Character classes as Perl defines them for Unicode strings. Moses'
// scripts read their input with the :utf8 layer, so their \p{IsAlpha},
// \p{IsAlnum}, \p{IsN}, \p{IsLower} and \s follow these definitions:
//
//	\p{IsAlpha}  Alphabetic: letters, Nl, and marks with Other_Alphabetic
//	\p{IsAlnum}  Alphabetic or Nd (not No: "²" is a number but not alnum)
//	\p{IsN}      any number: Nd, Nl, No
//	\p{IsLower}  Lowercase: Ll and Other_Lowercase (ª, º, ʰ, ...)
//	\p{Ll}       the general category only
//	\s           White_Space: tab to CR, space, U+0085, U+00A0, U+1680,
//	             U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
//
// ASCII is looked up in a table; everything else goes to package unicode
// (whose Unicode version may be a little newer than a given Perl's).

const (
	cAlpha = 1 << iota
	cDigit // Nd
	cNum   // N
	cLower // Lowercase
	cSpace // Perl \s
)

var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cAlpha | cLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cAlpha
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit | cNum
	}
	for _, c := range "\t\n\v\f\r " {
		t[c] = cSpace
	}
	return t
}()

func isAlpha(r rune) bool {
	if r < 128 {
		return asciiClass[r]&cAlpha != 0
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

func isAlnum(r rune) bool {
	if r < 128 {
		return asciiClass[r]&(cAlpha|cDigit) != 0
	}
	return unicode.IsDigit(r) || isAlpha(r)
}

func isNumber(r rune) bool {
	if r < 128 {
		return asciiClass[r]&cNum != 0
	}
	return unicode.IsNumber(r)
}

func isLower(r rune) bool {
	if r < 128 {
		return asciiClass[r]&cLower != 0
	}
	return unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r)
}

// isLl is the general category Ll, which Moses uses in its Finnish,
// Swedish, Catalan and Tetun rules.
func isLl(r rune) bool {
	if r < 128 {
		return 'a' <= r && r <= 'z'
	}
	return unicode.IsLower(r)
}

// isSpace is Perl's \s; it is the same set as unicode.IsSpace.
func isSpace(r rune) bool {
	if r < 128 {
		return asciiClass[r]&cSpace != 0
	}
	return unicode.IsSpace(r)
}

// isCurrency is \p{IsSc}.
func isCurrency(r rune) bool {
	if r < 128 {
		return r == '$'
	}
	return unicode.Is(unicode.Sc, r)
}

func isASCIIDigit(r rune) bool { return '0' <= r && r <= '9' }
