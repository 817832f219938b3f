package text

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// DocumentOptions are split-sentences.perl's switches for whole
// documents.
type DocumentOptions struct {
	// NoParagraphMarks leaves out the "<P>" line written after each
	// paragraph that ends in a blank line (-n).
	NoParagraphMarks bool
	// KeepLines splits each line on its own instead of joining the lines
	// of a paragraph (-k).
	KeepLines bool
}

// SplitDocument reads a document from r and writes one sentence a line
// to w, as split-sentences.perl does: lines are joined into a paragraph
// until a blank line or a line that is one XML tag (<p>); a paragraph
// ended by a blank line is followed by a "<P>" line; tag lines are copied
// through; blank lines themselves are not written.
func (sp *Splitter) SplitDocument(r io.Reader, w io.Writer, opt DocumentOptions) error {
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriterSize(w, 1<<16)
	var text strings.Builder
	emit := func(t string) {
		if t != "" && t != "0" {
			bw.WriteString(sp.split(t))
		}
	}
	n := 0
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			n++
			line = strings.TrimSuffix(line, "\n")
			switch {
			case opt.KeepLines:
				emit(line)
			case isTagLine(line) || isBlank(line):
				t := text.String()
				emit(t)
				if isTagLine(line) {
					bw.WriteString(line + "\n")
				} else if !opt.NoParagraphMarks && t != "" {
					bw.WriteString("<P>\n")
				}
				text.Reset()
			default:
				text.WriteString(line)
				text.WriteByte(' ')
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading line %d: %w", n+1, err)
		}
	}
	emit(text.String())
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// ReadMosesPrefixes reads a prefix file in Moses' format (one prefix a
// line, "#NUMERIC_ONLY#" after the ones that only hold before numbers,
// "#" comments), as split-sentences.perl -p and tokenizer.perl read it.
func ReadMosesPrefixes(path string) (map[string]PrefixKind, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := map[string]PrefixKind{}
	for _, item := range strings.Split(string(b), "\n") {
		if item == "" || item == "0" || item[0] == '#' {
			continue
		}
		// Perl: /(.*)[\s]+(\#NUMERIC_ONLY\#)/, the last such mark
		if i := strings.LastIndex(item, "#NUMERIC_ONLY#"); i > 0 && isSpace(lastRune(item[:i])) {
			p[item[:i-len(string(lastRune(item[:i])))]] = PrefixNumeric
			continue
		}
		p[item] = PrefixAlways
	}
	return p, nil
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}
