package text

import "strings"

// Moses escapes the characters that its decoder and XML input treat
// specially: & (escape), | (factor separator), < > ' " (XML) and [ ]
// (syntax non-terminals).

// Escape replaces & | < > ' " [ ] by &amp; &#124; &lt; &gt; &apos; &quot;
// &#91; &#93;, as tokenizer.perl does after tokenizing.
func Escape(s string) string {
	if strings.IndexAny(s, "&|<>'\"[]") < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '|':
			b.WriteString("&#124;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\'':
			b.WriteString("&apos;")
		case '"':
			b.WriteString("&quot;")
		case '[':
			b.WriteString("&#91;")
		case ']':
			b.WriteString("&#93;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// entities are the escapes Unescape understands: Escape's, and the legacy
// &bar; &bra; &ket; that older Moses versions wrote.
var entities = []struct{ name, char string }{
	{"&amp;", "&"}, {"&#124;", "|"}, {"&lt;", "<"}, {"&gt;", ">"},
	{"&apos;", "'"}, {"&quot;", "\""}, {"&#91;", "["}, {"&#93;", "]"},
	{"&bar;", "|"}, {"&bra;", "["}, {"&ket;", "]"},
}

// Unescape undoes Escape, as detokenizer.perl does. Anything else that
// looks like an entity is left alone, and "&amp;lt;" becomes "&lt;", not
// "<": every entity is replaced once.
func Unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if e, ok := entityAt(s[i:]); ok {
				b.WriteString(e.char)
				i += len(e.name)
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func entityAt(s string) (e struct{ name, char string }, ok bool) {
	for _, e := range entities {
		if strings.HasPrefix(s, e.name) {
			return e, true
		}
	}
	return e, false
}
