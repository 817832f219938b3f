package bpe

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// endOfWord marks the last symbol of a word. Version 0.2 codes attach it to
// the word's last character ("t</w>"); version 0.1 codes treat it as a
// symbol of its own.
const endOfWord = "</w>"

// A Pair is one merge: the symbols Left and Right, adjacent in a word,
// become the symbol Left+Right.
type Pair struct{ Left, Right string }

// Codes is an ordered list of merges, the contents of a subword-nmt codes
// file. Earlier merges have priority when applied.
type Codes struct {
	// Version is "0.2", the format Learn writes, or "0.1" for files
	// without a "#version:" header, whose end-of-word marker is a symbol
	// of its own.
	Version string
	Merges  []Pair
}

// WriteTo writes c in subword-nmt's format: a "#version: 0.2" header (none
// for version 0.1), then one "left right" line per merge.
func (c *Codes) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := &countWriter{w: bw}
	if c.Version != "0.1" {
		fmt.Fprintf(cw, "#version: %s\n", c.version())
	}
	for _, p := range c.Merges {
		io.WriteString(cw, p.Left)
		io.WriteString(cw, " ")
		io.WriteString(cw, p.Right)
		io.WriteString(cw, "\n")
	}
	if cw.err != nil {
		return cw.n, cw.err
	}
	return cw.n, bw.Flush()
}

func (c *Codes) version() string {
	if c.Version == "" {
		return "0.2"
	}
	return c.Version
}

// Save writes c to path atomically: the file appears complete or not at all.
func (c *Codes) Save(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := c.WriteTo(w)
		return err
	})
}

// LoadCodes reads a codes file; errors name the file and line.
func LoadCodes(path string) (*Codes, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := ReadCodes(f)
	return c, withFile(err, path)
}

var versionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// ReadCodes reads a codes file written by subword-nmt's learn_bpe.py (both
// version 0.1, without header, and version 0.2) or by Codes.WriteTo.
//
// As apply_bpe.py does, it strips '\r', '\n' and ' ' from both ends of each
// line and wants exactly two fields separated by one space; blank lines at
// the end are ignored. Unlike apply_bpe.py it accepts a file with a header
// and no merges (Learn writes one when no pair is frequent enough). Byte-level
// codes ("#version: 0.2 byte") are not supported.
func ReadCodes(r io.Reader) (*Codes, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text := string(data)
	c := &Codes{Version: "0.1"}
	first := 1 // file line number of the first merge line
	if strings.HasPrefix(text, "#version:") {
		head, rest, _ := strings.Cut(text, "\n")
		f := strings.Fields(head)
		v := f[len(f)-1]
		switch {
		case v == "byte":
			return nil, &SyntaxError{Line: 1, Msg: "byte-level codes are not supported"}
		case !versionRE.MatchString(v):
			return nil, &SyntaxError{Line: 1, Msg: fmt.Sprintf("bad version %q", v)}
		}
		v = trimZeroParts(v)
		if v != "0.1" && v != "0.2" {
			return nil, &SyntaxError{Line: 1, Msg: fmt.Sprintf("unsupported codes version %s (want 0.1 or 0.2)", v)}
		}
		c.Version = v
		text, first = rest, 2
	}
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return c, nil
	}
	for i, line := range strings.Split(text, "\n") {
		n := first + i
		if !utf8.ValidString(line) {
			return nil, &SyntaxError{Line: n, Msg: "invalid UTF-8"}
		}
		f := strings.Split(strings.Trim(line, "\r\n "), " ")
		if len(f) != 2 || f[0] == "" || f[1] == "" {
			return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("want two symbols separated by one space, got %q", line)}
		}
		c.Merges = append(c.Merges, Pair{f[0], f[1]})
	}
	return c, nil
}

// trimZeroParts drops trailing ".0" parts, as apply_bpe.py does: "0.2.0" is
// version 0.2.
func trimZeroParts(v string) string {
	for {
		i := strings.LastIndexByte(v, '.')
		if i < 0 || strings.Trim(v[i+1:], "0") != "" {
			return v
		}
		v = v[:i]
	}
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (cw *countWriter) Write(p []byte) (int, error) {
	if cw.err != nil {
		return 0, cw.err
	}
	k, err := cw.w.Write(p)
	cw.n += int64(k)
	cw.err = err
	return k, err
}
