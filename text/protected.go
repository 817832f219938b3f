package text

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Protected patterns (tokenizer.perl -protected FILE) are regular
// expressions, one per line; every text they match is kept whole: it is
// hidden behind a placeholder word (THISISPROTECTED000, 001, ...) while
// the line is tokenized and put back before escaping.
//
// The patterns are Perl regular expressions. They are compiled with Go's
// regexp after translating what differs for the patterns people write:
// \w and \d match Unicode word characters and digits, as Perl's do on
// text read as UTF-8. Perl features Go's regexp lacks (look-around,
// back-references) are reported as errors naming the file and line.

// wordClass is Perl's \w for Unicode strings, near enough: letters,
// marks, decimal digits, letter numbers, connector punctuation and the
// joiners.
const wordClass = `\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}`

// ReadProtected reads a file of protected patterns.
func ReadProtected(path string) ([]*regexp.Regexp, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseProtected(f, path)
}

// ParseProtected reads protected patterns, one per line, from r; name
// labels errors. Blank lines are skipped (tokenizer.perl would loop
// forever on one).
func ParseProtected(r io.Reader, name string) ([]*regexp.Regexp, error) {
	var res []*regexp.Regexp
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		p := sc.Text()
		if p == "" {
			continue
		}
		re, err := CompilePerlPattern(p)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		res = append(res, re)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return res, nil
}

// CompilePerlPattern compiles a Perl regular expression with Go's regexp,
// giving \w, \W, \d and \D Perl's Unicode meaning. It refuses a pattern
// that matches the empty string (tokenizer.perl would loop forever).
func CompilePerlPattern(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			switch e := p[i]; {
			case e == 'w' && inClass:
				b.WriteString(wordClass)
			case e == 'w':
				b.WriteString("[" + wordClass + "]")
			case e == 'W' && !inClass:
				b.WriteString("[^" + wordClass + "]")
			case e == 'W':
				return nil, fmt.Errorf("pattern %q: \\W inside [...] is not supported", p)
			case e == 'd':
				b.WriteString(`\p{Nd}`)
			case e == 'D':
				b.WriteString(`\P{Nd}`)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			// A ] (after an optional ^) right after [ is a literal.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case c == '[' && inClass && i+1 < len(p) && p[i+1] == ':':
			// a POSIX class such as [:alpha:]
			j := strings.Index(p[i:], ":]")
			if j < 0 {
				j = len(p) - i - 2
			}
			b.WriteString(p[i : i+j+2])
			i += j + 1
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", p, err)
	}
	if re.MatchString("") {
		return nil, fmt.Errorf("pattern %q matches the empty string", p)
	}
	return re, nil
}

// protect finds the texts the patterns match, in tokenizer.perl's order
// (pattern by pattern, each match searched for after the previous one),
// and replaces every occurrence of each by " THISISPROTECTEDnnn ".
func protect(s string, res []*regexp.Regexp) (string, []string) {
	var found []string
	for _, re := range res {
		t := s
		for {
			loc := re.FindStringIndex(t)
			if loc == nil {
				break
			}
			found = append(found, t[loc[0]:loc[1]])
			t = t[loc[1]:]
		}
	}
	for i, f := range found {
		s = strings.ReplaceAll(s, f, " "+protectedName(i)+" ")
	}
	return s, found
}

// unprotect puts the protected texts back.
func unprotect(s string, found []string) string {
	for i, f := range found {
		s = strings.ReplaceAll(s, protectedName(i), f)
	}
	return s
}

func protectedName(i int) string { return fmt.Sprintf("THISISPROTECTED%03d", i) }
