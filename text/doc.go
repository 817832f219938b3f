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
//	split-sentences.perl       NewSplitter(lang, opt).Split, SplitDocument
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
// Languages: every language Moses ships a nonbreaking-prefix list for (as
// bn ca cs de el en es et fi fr ga gu hi hu is it kn lt lv ml mni mr nl or
// pa pl pt ro ru sk sl sv ta tdt te yue zh; see nonbreaking/README.md),
// the apostrophe rules of tokenizer.perl for en, fr/it/ga/ca and so/tdt,
// its word-internal colon (fi, sv), middle dot (ca) and apostrophe (tdt),
// and detokenizer.perl's rules for en, fr, it, cs, fi and ko. Any other
// language code gets tokenizer.perl's generic behaviour: English
// prefixes, every apostrophe split off.
//
// Options of tokenizer.perl: -a, -no-escape, -x, -protected FILE
// (ReadProtected; Perl patterns compiled with Go's regexp) and -penn; of
// detokenizer.perl: -u and -penn.
//
// Differences from the Perl scripts are limited to the Unicode version
// (package unicode may know characters that the Perl that made a corpus did
// not) and to protected patterns that use Perl features Go's regexp lacks
// (look-around, back-references), which are refused with an error.
package text
