package text

import (
	"regexp"
	"strings"
)

// Penn Treebank tokenization, tokenizer.perl -penn and detokenizer.perl
// -penn: Robert MacIntyre's sed script as Moses adapted it. The rules are
// kept as the ordered list of substitutions the scripts apply.

type rewrite struct {
	re   *regexp.Regexp
	repl string
}

func rewrites(pairs ...string) []rewrite {
	out := make([]rewrite, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, rewrite{regexp.MustCompile(pairs[i]), pairs[i+1]})
	}
	return out
}

func applyRewrites(s string, rs []rewrite) string {
	for _, r := range rs {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s
}

var pennQuotes = rewrites(
	"^``", "`` ",
	`^"`, "`` ",
	"^`([^`])", "` $1",
	"^'", "`  ",
	`([ (\[{<])"`, "$1 `` ",
	"([ (\\[{<])``", "$1 `` ",
	"([ (\\[{<])`([^`])", "$1 ` $2",
	`([ (\[{<])'`, "$1 ` ",
	`\.\.\.`, " _ELLIPSIS_ ",
	`([^\pN]),([^\pN])`, "$1 , $2",
	`([\pN]),([^\pN])`, "$1 , $2",
	`([^\pN]),([\pN])`, "$1 , $2",
	`([;:@#$%&\p{Sc}\p{So}])`, " $1 ",
)

var pennPunct = rewrites(
	`([^.])([.])([\])}>"']*) ?$`, "$1 $2$3 ",
	`([?!])`, " $1 ",
	`([\]\[(){}<>])`, " $1 ",
	`\(`, "-LRB-",
	`\)`, "-RRB-",
	`\[`, "-LSB-",
	`\]`, "-RSB-",
	`\{`, "-LCB-",
	`\}`, "-RCB-",
	`--`, " -- ",
)

var pennContractions = rewrites(
	`"`, " '' ",
	`([^'])' `, "$1 ' ",
	`'([sSmMdD]) `, " '$1 ",
	`'ll `, " 'll ",
	`'re `, " 're ",
	`'ve `, " 've ",
	`n't `, " n't ",
	`'LL `, " 'LL ",
	`'RE `, " 'RE ",
	`'VE `, " 'VE ",
	`N'T `, " N'T ",
	` ([Cc])annot `, " ${1}an not ",
	` ([Dd])'ye `, " ${1}' ye ",
	` ([Gg])imme `, " ${1}im me ",
	` ([Gg])onna `, " ${1}on na ",
	` ([Gg])otta `, " ${1}ot ta ",
	` ([Ll])emme `, " ${1}em me ",
	` ([Mm])ore'n `, " ${1}ore 'n ",
	` '([Tt])is `, " '$1 is ",
	` '([Tt])was `, " '$1 was ",
	` ([Ww])anna `, " ${1}an na ",
)

// tokenizePenn is tokenizer.perl's tokenize_penn.
func (t *Tokenizer) tokenizePenn(line string) string {
	s := perlSpaces(line)
	s = applyRewrites(s, pennQuotes)
	s = splitSlashes(s)
	s = applyRewrites(s, pennPunct)
	s = " " + s + " "
	s = applyRewrites(s, pennContractions)

	words := strings.Split(s, " ")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	var b strings.Builder
	for i, w := range words {
		if len(w) >= 2 && w[len(w)-1] == '.' && !t.keepsPeriod(w[:len(w)-1], words, i, false) {
			w = w[:len(w)-1] + " ."
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	s = strings.ReplaceAll(b.String(), "_ELLIPSIS_", "...")
	s = strings.Trim(squeeze(s), " ")
	return Escape(s)
}

// perlSpaces is s/\s+/ /g then s/[\000-\037]//g, without trimming.
func perlSpaces(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	space := false
	for _, c := range line {
		if isSpace(c) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(c)
	}
	return strings.Map(func(c rune) rune {
		if c < 0x20 {
			return -1
		}
		return c
	}, b.String())
}

// splitSlashes turns a slash between two letters or digits into " @/@ ".
func splitSlashes(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	in := []rune(s)
	out := make([]rune, 0, len(in)+8)
	for i := 0; i < len(in); i++ {
		if i+2 < len(in) && in[i+1] == '/' && isAlnum(in[i]) && isAlnum(in[i+2]) {
			out = append(out, in[i], ' ', '@', '/', '@', ' ', in[i+2])
			i += 2
			continue
		}
		out = append(out, in[i])
	}
	return string(out)
}

var pennDetokenize = rewrites(
	` n't `, "n't ",
	` N'T `, "N'T ",
	` ([Cc])an not `, " ${1}annot ",
	` ([Dd])' ye `, " ${1}'ye ",
	` ([Gg])im me `, " ${1}imme ",
	` ([Gg])on na `, " ${1}onna ",
	` ([Gg])ot ta `, " ${1}otta ",
	` ([Ll])em me `, " ${1}emme ",
	` '([Tt]) is `, " '${1}is ",
	` '([Tt]) was `, " '${1}was ",
	` ([Ww])an na `, " ${1}anna ",
	`-LRB-`, "(",
	`-RRB-`, ")",
	`-LSB-`, "[",
	`-RSB-`, "]",
	`-LCB-`, "{",
	`-RCB-`, "}",
)

// detokenizePenn is detokenizer.perl's detokenize_penn.
func (d *Detokenizer) detokenizePenn(line string) string {
	s := " " + line + " "
	s = strings.ReplaceAll(s, " @-@ ", "-")
	s = strings.ReplaceAll(s, " @/@ ", "/")
	s = Unescape(s)
	s = applyRewrites(s, pennDetokenize)
	words := strings.Split(s, " ")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	var b strings.Builder
	space := " "
	for i, w := range words {
		switch {
		case allRunes(w, isOpening):
			b.WriteString(space + w)
			space = ""
		case allRunes(w, isClosing):
			b.WriteString(w)
			space = " "
		case i > 0 && isContraction(w) && endsWith(words[i-1], isAlnum):
			b.WriteString(w)
			space = " "
		case w == "`":
			b.WriteString(space + "'")
			space = ""
		case w == "``":
			b.WriteString(space + `"`)
			space = ""
		case w == "'":
			b.WriteString("'")
			space = " "
		case w == "''":
			b.WriteString(`"`)
			space = " "
		default:
			b.WriteString(space + w)
			space = " "
		}
	}
	out := strings.Trim(squeeze(b.String()), " ")
	if d.opt.UppercaseFirst {
		out = uppercaseFirst(out)
	}
	return out
}
