package prep

import "github.com/fixup-nmt/nmt/text"

// LineFunc returns the text steps of s for one side, in the recipes'
// order: normalise punctuation, remove non-printing characters, tokenize,
// lowercase. It is safe for concurrent use.
func (s Settings) LineFunc(lang string) func(string) string {
	var tok *text.Tokenizer
	if s.Tokenize {
		tok = text.NewTokenizer(lang, text.TokenizerOptions{Aggressive: s.Aggressive, NoEscape: s.NoEscape})
	}
	return func(line string) string {
		if s.NormalizePunctuation {
			line = text.NormalizePunctuation(line, lang)
		}
		if s.RemoveNonPrinting {
			line = text.RemoveNonPrinting(line)
		}
		if tok != nil {
			line = tok.Tokenize(line)
		}
		if s.Lowercase {
			line = text.Lowercase(line)
		}
		return line
	}
}
