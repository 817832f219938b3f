package text

import "strings"

// Punctuation normalisation as Moses' normalize-punctuation.perl (the
// version on mosesdecoder master, as fairseq's prepare-wmt14en2de.sh runs
// it). That script works on bytes, not characters, so \d is [0-9] and
// [a-z] is ASCII only; and it sees each line with its final newline, which
// matters for the German/French quote rule (see normalizeQuotes).

const nbsp = "\u00a0"

// NormalizePunctuation normalises one line (without its newline) as
// normalize-punctuation.perl -l lang does: spaces around brackets, typographic
// quotes and dashes to ASCII, French guillemets and no-break spaces,
// the position of a comma or period next to a closing quote (English puts
// it inside, other languages outside, Czech leaves it), and a no-break
// space inside a number ("1 000" becomes 1,000 in de/es/fr/cs, 1.000
// otherwise). Leading and trailing spaces that the rules create are kept,
// as in the Perl output.
func NormalizePunctuation(line, lang string) string {
	return normalizePunct(line, lang, false, true)
}

// NormalizePunctuationPenn is NormalizePunctuation with the -penn switch:
// ` and ” are left alone, for text in Penn Treebank quote style.
func NormalizePunctuationPenn(line, lang string) string {
	return normalizePunct(line, lang, true, true)
}

// NormalizeLastLine is for the last line of a file that has no final
// newline: normalize-punctuation.perl then moves no period past a quote at
// the end of the line.
func NormalizeLastLine(line, lang string, penn bool) string {
	return normalizePunct(line, lang, penn, false)
}

func normalizePunct(s, lang string, penn, newline bool) string {
	s = strings.TrimSuffix(s, "\n")
	r := strings.ReplaceAll
	// Spaces around brackets and before : ;
	s = r(s, "\r", "")
	s = r(s, "(", " (")
	s = squeeze(r(s, ")", ") "))
	s = closeBracketPunct(s)
	s = r(s, "( ", "(")
	s = r(s, " )", ")")
	s = digitSpacePercent(s)
	s = r(s, " :", ":")
	s = r(s, " ;", ";")
	// Quotes, dashes, ellipsis.
	if !penn {
		s = r(s, "`", "'")
		s = r(s, "''", ` " `)
	}
	s = r(s, "„", `"`)
	s = r(s, "“", `"`)
	s = r(s, "”", `"`)
	s = r(s, "–", "-")
	s = squeeze(r(s, "—", " - "))
	s = r(s, "´", "'")
	s = apostropheBetweenLetters(s, "‘")
	s = apostropheBetweenLetters(s, "’")
	s = r(s, "‘", "'")
	s = r(s, "‚", "'")
	s = r(s, "’", `"`)
	s = r(s, "''", `"`)
	s = r(s, "´´", `"`)
	s = r(s, "…", "...")
	// French quotes.
	s = r(s, nbsp+"«"+nbsp, ` "`)
	s = r(s, "«"+nbsp, `"`)
	s = r(s, "«", `"`)
	s = r(s, nbsp+"»"+nbsp, `" `)
	s = r(s, nbsp+"»", `"`)
	s = r(s, "»", `"`)
	// No-break spaces before punctuation and units.
	s = r(s, nbsp+"%", "%")
	s = r(s, "nº"+nbsp, "nº ")
	s = r(s, nbsp+":", ":")
	s = r(s, nbsp+"ºC", " ºC")
	s = r(s, nbsp+"cm", " cm")
	s = r(s, nbsp+"?", "?")
	s = r(s, nbsp+"!", "!")
	s = r(s, nbsp+";", ";")
	s = squeeze(r(s, ","+nbsp, ", "))
	// Comma and period next to a closing quote.
	switch lang {
	case "en":
		s = periodInsideQuote(s)
	case "cs", "cz":
	default:
		s = r(s, `,"`, `",`)
		s = normalizeQuotes(s, newline)
	}
	// A no-break space between digits is a thousands separator.
	sep := byte('.')
	switch lang {
	case "de", "es", "cz", "cs", "fr":
		sep = ','
	}
	return digitGroups(s, sep)
}

// squeeze turns runs of spaces into one space.
func squeeze(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// closeBracketPunct removes the space in ") ." and with ! : ? ; , too.
func closeBracketPunct(s string) string {
	if !strings.Contains(s, ") ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ')' && i+2 < len(s) && s[i+1] == ' ' && strings.IndexByte(".!:?;,", s[i+2]) >= 0 {
			b.WriteByte(')')
			b.WriteByte(s[i+2])
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// digitSpacePercent removes the space in "5 %".
func digitSpacePercent(s string) string {
	if !strings.Contains(s, " %") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) && i+2 < len(s) && s[i+1] == ' ' && s[i+2] == '%' {
			b.WriteByte(s[i])
			b.WriteByte('%')
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// apostropheBetweenLetters turns q into ' between two ASCII letters.
func apostropheBetweenLetters(s, q string) string {
	if !strings.Contains(s, q) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if isLetterByte(s[i]) && strings.HasPrefix(s[i+1:], q) && i+1+len(q) < len(s) && isLetterByte(s[i+1+len(q)]) {
			b.WriteByte(s[i])
			b.WriteByte('\'')
			b.WriteByte(s[i+1+len(q)])
			i += 1 + len(q)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// periodInsideQuote moves commas and periods after a quote inside it
// (English style): `"Yes",` becomes `"Yes,"`.
func periodInsideQuote(s string) string {
	if !strings.Contains(s, `",`) && !strings.Contains(s, `".`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			j := i + 1
			for j < len(s) && (s[j] == ',' || s[j] == '.') {
				j++
			}
			if j > i+1 {
				b.WriteString(s[i+1 : j])
				b.WriteByte('"')
				i = j - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// normalizeQuotes moves periods after a closing quote (German, French and
// most languages): `"Ja.".` ... becomes `"Ja".`. The Perl rule wants some
// character other than '<' after the quote, after optional white space;
// at the end of a line that character is the newline itself, so a line
// that ends in ." gets it swapped too (newline=true). What the rule
// matches is consumed, so in `."."` only the first pair is swapped.
func normalizeQuotes(s string, newline bool) string {
	if !strings.Contains(s, `."`) {
		return s
	}
	if newline {
		s += "\n"
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '.' {
			b.WriteByte(s[i])
			continue
		}
		j := i
		for j < len(s) && s[j] == '.' {
			j++
		}
		// s[i:j] is a run of dots; it needs a quote and then something.
		if j+1 < len(s) && s[j] == '"' && s[j+1] != '<' {
			k := j + 1
			for k < len(s) && isSpaceByte(s[k]) {
				k++
			}
			if k < len(s) && s[k] != '<' {
				k++ // the [^<] character
			}
			b.WriteByte('"')
			b.WriteString(s[i:j])
			b.WriteString(s[j+1 : k])
			i = k - 1
			continue
		}
		b.WriteString(s[i:j])
		i = j - 1
	}
	s = b.String()
	if newline {
		s = s[:len(s)-1]
	}
	return s
}

// digitGroups replaces a no-break space between two digits by sep.
func digitGroups(s string, sep byte) string {
	if !strings.Contains(s, nbsp) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) && strings.HasPrefix(s[i+1:], nbsp) && i+3 < len(s) && isDigitByte(s[i+3]) {
			b.WriteByte(s[i])
			b.WriteByte(sep)
			b.WriteByte(s[i+3])
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigitByte(c byte) bool  { return '0' <= c && c <= '9' }
func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isSpaceByte is Perl's \s on bytes.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
