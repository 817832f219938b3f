package text

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Splitter splits paragraphs into sentences by the rules of Moses'
// split-sentences.perl for one language. It holds no mutable state, so
// one Splitter may be used from many goroutines.
//
//	sp := text.NewSplitter("en", text.SplitterOptions{})
//	sentences := sp.Split("Mr. Smith arrived. He sat down.")
//	// ["Mr. Smith arrived.", "He sat down."]
type Splitter struct {
	lang     string
	opt      SplitterOptions
	prefixes prefixSet
	rules    []rewrite // the regular-expression passes, in the script's order
	word     *regexp.Regexp
	acronym  *regexp.Regexp
	next     *regexp.Regexp
}

// SplitterOptions are split-sentences.perl's switches that change
// sentences (the ones that change the document layout, -n and -k, are in
// DocumentOptions).
type SplitterOptions struct {
	// ListItems keeps "1." "(a)." "iv." at the start of a line with the
	// text after it (split-sentences.perl -i).
	ListItems bool
	// Prefixes replaces the language's nonbreaking prefixes (-p FILE;
	// see ReadMosesPrefixes).
	Prefixes map[string]PrefixKind
}

// PrefixKind says how a nonbreaking prefix keeps its period.
type PrefixKind = prefixKind

// The kinds of nonbreaking prefix.
const (
	PrefixAlways  = prefixAlways  // never ends a sentence ("Mr.")
	PrefixNumeric = prefixNumeric // only before a number ("No. 5")
)

// Perl character classes the script uses, as the inside of a Go regexp
// [...] class.
var (
	classUpper = `\p{Lu}` + rangeClass(unicode.Other_Uppercase)                       // \p{IsUpper}
	classAlnum = `\p{L}\p{Nl}\p{Nd}` + rangeClass(unicode.Other_Alphabetic)           // \p{IsAlnum}
	classSpace = `\t\n\v\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}` + // \s
		`\x{202F}\x{205F}\x{3000}`
)

// rangeClass writes a range table as the inside of a [...] class.
func rangeClass(t *unicode.RangeTable) string {
	var b strings.Builder
	add := func(lo, hi, stride uint32) {
		if stride == 1 {
			fmt.Fprintf(&b, `\x{%X}-\x{%X}`, lo, hi)
			return
		}
		for c := lo; c <= hi; c += stride {
			fmt.Fprintf(&b, `\x{%X}`, c)
		}
	}
	for _, r := range t.R16 {
		add(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range t.R32 {
		add(r.Lo, r.Hi, r.Stride)
	}
	return b.String()
}

// sentenceStart is the class of characters that may start a sentence:
// uppercase letters, digits, and for some languages their script.
func sentenceStart(lang string) string {
	s := classUpper + "0-9"
	switch lang {
	case "hi", "mr":
		s += `\x{0900}-\x{097F}\x{A8E0}-\x{A8FF}` // Devanagari, Devanagari Extended
	case "gu":
		s += `\x{0A80}-\x{0AFF}`
	case "as", "bn", "mni":
		s += `\x{0980}-\x{09FF}`
	case "kn":
		s += `\x{0C80}-\x{0CFF}`
	case "ml":
		s += `\x{0D00}-\x{0D7F}`
	case "or":
		s += `\x{0B00}-\x{0B7F}`
	case "pa":
		s += `\x{0A00}-\x{0A7F}`
	case "ta":
		s += `\x{0B80}-\x{0BFF}`
	case "te":
		s += `\x{0C00}-\x{0C7F}`
	case "ko": // Hangul syllables, compatibility jamo, jamo, jamo extended A and B
		s += `\x{AC00}-\x{D7AF}\x{3130}-\x{318F}\x{1100}-\x{11FF}\x{A960}-\x{A97F}\x{D7B0}-\x{D7FF}`
	case "fa":
		s += `\p{Arabic}`
	}
	return s
}

// NewSplitter returns a sentence splitter for lang, a language code as
// Moses uses them. Languages without a prefix list use the English one.
func NewSplitter(lang string, opt SplitterOptions) *Splitter {
	start := sentenceStart(lang)
	open := `'"(\[¿¡\p{Pi}`
	sp := &Splitter{lang: lang, opt: opt, prefixes: prefixesFor(lang)}
	if opt.Prefixes != nil {
		sp.prefixes = opt.Prefixes
	}
	sp.rules = rewrites(
		// ? ! and the dandas followed by a sentence start
		`([?!؟\x{0964}\x{0965}]) +([`+open+`]*[`+start+`])`, "$1\n$2",
		// multiple dots followed by a sentence start
		`(\.[.]+) +([`+open+`]*[`+start+`])`, "$1\n$2",
		// an end inside quotes or brackets
		`([?!؟.\x{0964}\x{0965}][ ]*[\x{300d}\x{300f}'")\]\p{Pf}]+) +([`+open+`]*[ ]*[`+start+`])`, "$1\n$2",
		// an end followed by opening punctuation
		`([?!؟.\x{0964}\x{0965}]) +([\x{300d}\x{300f}`+open+`]+[ ]*[`+start+`])`, "$1\n$2",
	)
	switch lang {
	case "yue", "zh", "ja":
		sp.rules = append(sp.rules, rewrites(
			`([\x{3002}\x{ff0e}\x{FF1F}\x{FF01}]+[`+classSpace+`]*["\x{201d}\x{201e}\x{300d}\x{300f}]?[`+classSpace+`]*)`, "$1\n",
			`([.?!؟]) *([\x{4E00}-\x{9FFF}])`, "$1\n$2",
			`(\pP) *(\pP)`, " $1 $2 ",
		)...)
	case "ur":
		sp.rules = append(sp.rules, rewrites(
			`((?:[.?!\x{06d4}]|\.\.+)['"\x{201e}\x{bb}(\[¿¡\p{Pf}]*)[`+classSpace+`]+(['"\x{201e}\x{bb}(\[¿¡\p{Pi}]*[\x{0600}-\x{06ff}])`, "$1\n$2",
		)...)
	}
	sp.word = regexp.MustCompile(`([` + classAlnum + `.\-]*)(['")\]%\p{Pf}]*)(\.+)\n?$`)
	sp.acronym = regexp.MustCompile(`(\.)[` + classUpper + `\-]+(\.+)\n?$`)
	sp.next = regexp.MustCompile(`^([ ]*[` + open + `]*[ ]*[0-9` + start + `])`)
	return sp
}

// Lang returns the language the splitter was made for.
func (sp *Splitter) Lang() string { return sp.lang }

// Split splits one paragraph into sentences, as split-sentences.perl
// prints them for a block of text. Line breaks inside the paragraph are
// not kept: lines of a paragraph are joined with spaces, as the script
// joins the lines of a block. An empty or all-space paragraph gives no
// sentences.
func (sp *Splitter) Split(paragraph string) []string {
	paragraph = strings.ReplaceAll(paragraph, "\n", " ")
	if paragraph == "" || paragraph == "0" {
		return nil // Perl treats "0" as false and prints nothing
	}
	out := sp.split(paragraph)
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// split is split-sentences.perl's preprocess: the paragraph in, the
// sentences out, each ending in "\n".
func (sp *Splitter) split(text string) string {
	text = cleanSpaces(text)
	text = applyRewrites(text, sp.rules)

	words := splitHSpace(text)
	var b strings.Builder
	b.Grow(len(text) + 16)
	i := 0
	for ; i < len(words)-1; i++ {
		w := words[i]
		if m := sp.word.FindStringSubmatch(w); m != nil && sp.breaksAfter(words, i, m[1], m[2]) {
			w += "\n"
			words[i] = w // the list-item rule looks at the previous word's break
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	if i < len(words) {
		b.WriteString(words[i])
	}
	text = cleanSpaces(b.String())
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text
}

// breaksAfter decides whether a sentence ends after words[i], which ends
// in periods; prefix and punct are what precedes them (letters, digits,
// dots, hyphens; then closing quotes and brackets).
func (sp *Splitter) breaksAfter(words []string, i int, prefix, punct string) bool {
	w := words[i]
	kind := prefixNone
	if prefix != "" && prefix != "0" && punct == "" {
		kind = sp.prefixes[prefix]
	}
	switch {
	case kind == prefixAlways:
		return false
	case sp.acronym.MatchString(w):
		return false // an uppercase acronym: "U.S.A."
	case sp.opt.ListItems && (i == 0 || strings.HasSuffix(words[i-1], "\n")) && isListItem(w):
		return false
	case sp.next.MatchString(words[i+1]):
		return !(kind == prefixNumeric && startsWithDigit(words[i+1]))
	}
	return false
}

var listItem = regexp.MustCompile(`^\(?(([0-9]+)|([ivx]+)|([A-Za-z]))\)?\.\n?$`)

func isListItem(w string) bool { return listItem.MatchString(w) }

func startsWithDigit(s string) bool { return s != "" && isASCIIDigit(rune(s[0])) }

// cleanSpaces squeezes runs of spaces and removes spaces at the start and
// end of the text and of each line in it.
func cleanSpaces(s string) string {
	s = squeeze(s)
	s = strings.ReplaceAll(s, "\n ", "\n")
	s = strings.ReplaceAll(s, " \n", "\n")
	s = strings.TrimPrefix(s, " ")
	return strings.TrimSuffix(s, " ")
}

// splitHSpace is Perl's split(/\h/, s): fields between single horizontal
// white-space characters, trailing empty fields dropped.
func splitHSpace(s string) []string {
	var words []string
	start := 0
	for i, c := range s {
		if isHSpace(c) {
			words = append(words, s[start:i])
			start = i + len(string(c))
		}
	}
	words = append(words, s[start:])
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	return words
}

// isHSpace is Perl's \h.
func isHSpace(c rune) bool {
	switch c {
	case '\t', ' ', 0xA0, 0x1680, 0x202F, 0x205F, 0x3000:
		return true
	}
	return 0x2000 <= c && c <= 0x200A
}
