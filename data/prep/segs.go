package prep

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/fixup-nmt/nmt/data"
)

// SegReader reads the <seg id="N"> ... </seg> segments of a WMT SGML or
// IWSLT XML file, the lines that fairseq's recipes pick with
// `grep '<seg id'`. A segment is normally one line; a <seg> whose </seg>
// is on a later line (as in some WMT submissions) takes the lines between,
// joined by spaces. White space next to the tags is removed. Every other
// line is skipped.
type SegReader struct {
	lr   *data.LineReader
	name string
	// ReplaceApostrophe turns U+2019 into "'" as the recipes' sed does.
	ReplaceApostrophe bool
}

var (
	segOpen  = regexp.MustCompile(`^\s*<seg id="?[^">]*"?>`)
	segWhole = regexp.MustCompile(`^\s*<seg id="[0-9]*">(.*?)</seg>\s*$`)
)

// OpenSegs opens an SGML or XML file.
func OpenSegs(path string) (*SegReader, error) {
	lr, err := data.OpenLines(path)
	if err != nil {
		return nil, err
	}
	return &SegReader{lr: lr, name: path, ReplaceApostrophe: true}, nil
}

// Read returns the next segment and its line number.
func (s *SegReader) Read() (string, int, error) {
	for s.lr.Scan() {
		line := s.lr.Text()
		if !strings.Contains(line, "<seg id") {
			continue
		}
		n := s.lr.Line()
		if s.lr.Overlong() {
			return "", n, fmt.Errorf("%s:%d: want a line of at most %d bytes, got a longer one", s.name, n, data.MaxLineBytes)
		}
		if m := segWhole.FindStringSubmatch(line); m != nil {
			return s.fix(m[1]), n, nil
		}
		open := segOpen.FindString(line)
		if open == "" || !strings.Contains(open, `id="`) || strings.Contains(line, "</seg>") {
			return "", n, fmt.Errorf("%s:%d: want <seg id=\"N\">text</seg>, got %q", s.name, n, clip(line))
		}
		// <seg id="N"> with the text and </seg> on following lines.
		parts := []string{line[len(open):]}
		for {
			if !s.lr.Scan() {
				if err := s.lr.Err(); err != nil {
					return "", n, err
				}
				return "", n, fmt.Errorf("%s:%d: want </seg> closing the <seg> of line %d, got end of file", s.name, s.lr.Line()+1, n)
			}
			l := s.lr.Text()
			if strings.Contains(l, "<seg") {
				return "", n, fmt.Errorf("%s:%d: want </seg> closing the <seg> of line %d, got %q", s.name, s.lr.Line(), n, clip(l))
			}
			if i := strings.Index(l, "</seg>"); i >= 0 {
				parts = append(parts, l[:i])
				break
			}
			parts = append(parts, l)
		}
		return s.fix(strings.Join(parts, " ")), n, nil
	}
	if err := s.lr.Err(); err != nil {
		return "", 0, err
	}
	return "", 0, io.EOF
}

func (s *SegReader) fix(seg string) string {
	seg = strings.TrimFunc(seg, unicode.IsSpace)
	if s.ReplaceApostrophe {
		seg = strings.ReplaceAll(seg, "\u2019", "'")
	}
	return seg
}

// Name is the file name.
func (s *SegReader) Name() string { return s.name }

// Close closes the file.
func (s *SegReader) Close() error { return s.lr.Close() }

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// segPairs reads two SGML/XML files segment by segment.
type segPairs struct{ src, tgt *SegReader }

// OpenSegPairs reads the parallel segments of two SGML or XML files.
// Different segment counts are an error.
func OpenSegPairs(srcPath, tgtPath string) (PairReader, error) {
	s, err := OpenSegs(srcPath)
	if err != nil {
		return nil, err
	}
	t, err := OpenSegs(tgtPath)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &segPairs{s, t}, nil
}

func (p *segPairs) Read() (Pair, error) {
	a, na, errA := p.src.Read()
	b, nb, errB := p.tgt.Read()
	switch {
	case errA == io.EOF && errB == io.EOF:
		return Pair{}, io.EOF
	case errA != nil && errA != io.EOF:
		return Pair{}, errA
	case errB != nil && errB != io.EOF:
		return Pair{}, errB
	case errA == io.EOF:
		return Pair{}, fmt.Errorf("%s: want as many segments as %s, got fewer (%s:%d has one more)", p.src.Name(), p.tgt.Name(), p.tgt.Name(), nb)
	case errB == io.EOF:
		return Pair{}, fmt.Errorf("%s: want as many segments as %s, got fewer (%s:%d has one more)", p.tgt.Name(), p.src.Name(), p.src.Name(), na)
	}
	return Pair{Src: a, Tgt: b, Where: fmt.Sprintf("%s:%d", p.src.Name(), na)}, nil
}

func (p *segPairs) Close() error { return firstErr(p.src.Close(), p.tgt.Close()) }
