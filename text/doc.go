// Package text normalises, tokenises and detokenises text the way the Moses
// SMT toolkit's scripts do, without Perl.
//
// The package reproduces, rule for rule, the preprocessing scripts that
// translation recipes (fairseq's prepare-iwslt14.sh, prepare-wmt14en2de.sh)
// run before BPE:
//
//	tokenizer.perl             NewTokenizer(lang, opt).Tokenize
//	detokenizer.perl           NewDetokenizer(lang).Detokenize
//	normalize-punctuation.perl NormalizePunctuation
//	remove-non-printing-char   RemoveNonPrinting
//	lowercase.perl (Perl lc)   Lowercase
//
// Everything works on one line at a time and keeps no state between lines,
// so tokenizers and detokenizers can be shared between goroutines.
//
// Usage, as fairseq prepares IWSLT'14 German:
//
//	tok := text.NewTokenizer("de", text.TokenizerOptions{})
//	for each line {
//		out := text.Lowercase(tok.Tokenize(line))
//	}
//
// and as it prepares WMT'14 (normalise, clean, aggressive hyphen splitting):
//
//	tok := text.NewTokenizer("en", text.TokenizerOptions{Aggressive: true})
//	out := tok.Tokenize(text.RemoveNonPrinting(text.NormalizePunctuation(line, "en")))
//
// Languages: English, German, French, Italian and Spanish have their own
// nonbreaking-prefix lists (see nonbreaking/README.md); the apostrophe rules of tokenizer.perl for
// en, fr/it/ga/ca and so/tdt, and its word-internal colon (fi, sv), middle
// dot (ca) and apostrophe (tdt) are implemented. Any other language code
// gets tokenizer.perl's generic behaviour: English prefixes, every
// apostrophe split off.
//
// Differences from the Perl scripts are limited to the Unicode version
// (package unicode may know characters that the Perl that made a corpus did
// not) and to tokenizer.perl options that are not implemented: -penn,
// -protected, -x.
package text
