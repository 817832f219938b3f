package bpe

import (
	"fmt"
	"regexp"
	"strings"
)

// glossaries are apply_bpe.py's --glossaries: regular expressions whose
// matches are never split or merged. They use Go's syntax, which for
// plain words and the usual classes matches Python's; where they differ
// (\w, \d and \s are ASCII-only in Go, there are no look-arounds or
// back-references), write the class out, such as \pL for letters.
type glossaries struct {
	whole *regexp.Regexp // a word any glossary matches entirely
	each  []glossary
}

type glossary struct {
	atStart *regexp.Regexp // "^g$" matched at the start only, as Python's re.match
	search  *regexp.Regexp // g anywhere
}

func newGlossaries(gs []string) (*glossaries, error) {
	g := &glossaries{}
	var err error
	if g.whole, err = regexp.Compile("^(" + strings.Join(gs, "|") + ")$"); err != nil {
		return nil, fmt.Errorf("bpe: glossaries: %w", err)
	}
	for _, s := range gs {
		search, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("bpe: glossary %q: %w", s, err)
		}
		if search.MatchString("") {
			return nil, fmt.Errorf("bpe: glossary %q matches the empty string", s)
		}
		atStart, err := regexp.Compile("^(?:^" + s + "$)")
		if err != nil {
			return nil, fmt.Errorf("bpe: glossary %q: %w", s, err)
		}
		g.each = append(g.each, glossary{atStart, search})
	}
	return g, nil
}

// isolate cuts every glossary match out of word as a part of its own,
// glossary by glossary: with glossary "USA", "1934USABUSA" gives "1934",
// "USA", "B", "USA".
func (g *glossaries) isolate(word string) []string {
	parts := []string{word}
	for _, gl := range g.each {
		var next []string
		for _, p := range parts {
			next = gl.isolate(p, next)
		}
		parts = next
	}
	return parts
}

func (gl glossary) isolate(w string, out []string) []string {
	if gl.atStart.MatchString(w) || !gl.search.MatchString(w) {
		return append(out, w)
	}
	prev := 0
	for _, m := range gl.search.FindAllStringIndex(w, -1) {
		if m[0] > prev {
			out = append(out, w[prev:m[0]])
		}
		out = append(out, w[m[0]:m[1]])
		prev = m[1]
	}
	if prev < len(w) {
		// apply_bpe.py strips "\r\n " from this last part, a no-op for
		// its words, which never hold those characters. Words given to
		// Apply can hold '\r' or '\n' inside, and they are kept.
		out = append(out, w[prev:])
	}
	return out
}
