package text

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
)

// Nonbreaking prefixes are words that keep their final period when the
// tokenizer would otherwise split it off ("Mr." in "Mr. Smith"). Each
// language has a list in nonbreaking/LANG.txt; README.md in that folder
// gives the format and the source (Moses, LGPL).

//go:embed nonbreaking/*.txt
var prefixFS embed.FS

// prefixKind says how a prefix protects its period.
type prefixKind uint8

const (
	prefixNone    prefixKind = iota
	prefixAlways             // never ends a sentence
	prefixNumeric            // only before a number ("No. 5")
)

// prefixSet maps a word (without its period) to its kind.
type prefixSet map[string]prefixKind

var (
	prefixMu    sync.Mutex
	prefixCache = map[string]prefixSet{}
)

// prefixLanguage returns the language whose list serves lang: lang itself
// when it has one, otherwise English, as tokenizer.perl falls back.
func prefixLanguage(lang string) string {
	if lang != "" && !strings.ContainsAny(lang, "/.") {
		if _, err := fs.Stat(prefixFS, "nonbreaking/"+lang+".txt"); err == nil {
			return lang
		}
	}
	return "en"
}

// HasPrefixList reports whether lang has its own list of nonbreaking
// prefixes; other languages use the English list.
func HasPrefixList(lang string) bool { return prefixLanguage(lang) == lang }

// prefixesFor returns the (cached, read-only) list for lang.
func prefixesFor(lang string) prefixSet {
	lang = prefixLanguage(lang)
	prefixMu.Lock()
	defer prefixMu.Unlock()
	if p, ok := prefixCache[lang]; ok {
		return p
	}
	f, err := prefixFS.Open("nonbreaking/" + lang + ".txt")
	if err != nil {
		panic("text: embedded prefix list missing: " + err.Error())
	}
	defer f.Close()
	p, err := parsePrefixes(f)
	if err != nil {
		panic(fmt.Sprintf("text: embedded prefix list nonbreaking/%s.txt: %v", lang, err))
	}
	prefixCache[lang] = p
	return p
}

// parsePrefixes reads the nonbreaking/*.txt format: one prefix per line,
// optionally followed by a tab and "numeric"; blank lines and lines that
// start with '#' are skipped.
func parsePrefixes(r io.Reader) (prefixSet, error) {
	p := prefixSet{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		word, mark, found := strings.Cut(line, "\t")
		kind := prefixAlways
		if found {
			if mark != "numeric" {
				return nil, fmt.Errorf("line %d: unknown mark %q (want \"numeric\")", n, mark)
			}
			kind = prefixNumeric
		}
		if word == "" || strings.ContainsAny(word, " \t") {
			return nil, fmt.Errorf("line %d: bad prefix %q", n, word)
		}
		p[word] = kind
	}
	return p, sc.Err()
}
