package bleu

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A Tokenizer splits a detokenized segment into the words BLEU counts.
// Tokenize returns the tokens joined by single spaces, exactly the string
// sacreBLEU's tokenizer of the same name returns; Signature is the name
// printed after "tok:" in the BLEU signature.
type Tokenizer interface {
	Tokenize(line string) string
	Signature() string
}

// tokenizer is implemented by the built-in tokenizers: the tokens of line
// (what BLEU counts after splitting Tokenize's output), appended to dst.
// Tokens that are not substrings of line are stored in ar.
type tokenizer interface {
	Tokenizer
	tokens(dst []string, line string, ar *arena) []string
}

// Tokenizers lists the tokenizer names NewTokenizer accepts, in sacreBLEU's
// order. (sacreBLEU's ja-mecab and spm need external models and are not
// provided.)
var Tokenizers = []string{"none", "zh", "13a", "char", "intl"}

// NewTokenizer returns sacreBLEU's tokenizer called name.
func NewTokenizer(name string) (Tokenizer, error) { return newTokenizer(name) }

func newTokenizer(name string) (tokenizer, error) {
	switch name {
	case "13a":
		return tok13a{}, nil
	case "intl":
		return tokIntl{}, nil
	case "zh":
		return tokZh{}, nil
	case "char":
		return tokChar{}, nil
	case "none":
		return tokNone{}, nil
	}
	return nil, fmt.Errorf("bleu: unknown tokenizer %q (want one of %s)", name, strings.Join(Tokenizers, ", "))
}

// tokNone leaves the segment as it is; BLEU then splits it on whitespace.
type tokNone struct{}

func (tokNone) Tokenize(line string) string { return line }
func (tokNone) Signature() string           { return "none" }

func (tokNone) tokens(dst []string, line string, _ *arena) []string { return pyFields(dst, line) }

// tokChar puts a space between every two characters (code points), so every
// non-whitespace character becomes a token.
type tokChar struct{}

func (tokChar) Signature() string { return "char" }

// tokens returns every non-whitespace character (the fields of Tokenize's
// output), as substrings of line.
func (tokChar) tokens(dst []string, line string, _ *arena) []string {
	for i := 0; i < len(line); {
		r, w := utf8.DecodeRuneInString(line[i:])
		if !isPySpace(r) {
			dst = append(dst, line[i:i+w])
		}
		i += w
	}
	return dst
}

func (tokChar) Tokenize(line string) string {
	var b strings.Builder
	b.Grow(2 * len(line))
	for i, r := range line {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r == utf8.RuneError {
			// Keep invalid bytes as they are rather than turning them
			// into U+FFFD: callers validate UTF-8 before scoring.
			_, w := utf8.DecodeRuneInString(line[i:])
			b.WriteString(line[i : i+w])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
