package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// MaxLineBytes is the longest line, in bytes, that a LineReader returns.
// Longer lines are read to their end and reported as overlong with empty
// text; the preparation recipes drop such pairs from training data and
// count them, and reject them in test data.
const MaxLineBytes = 1 << 20

// LineReader reads a text file line by line, numbering lines from 1, and
// checks that every line is valid UTF-8. Lines end at "\n"; a "\r" before
// it is removed. Errors name the file and line: "train.de:12: ...".
type LineReader struct {
	name     string
	r        *bufio.Reader
	n        int
	line     []byte
	long     []byte
	overlong bool
	err      error
	closer   io.Closer
}

// NewLineReader reads lines from r; name is used in errors.
func NewLineReader(r io.Reader, name string) *LineReader {
	return &LineReader{name: name, r: bufio.NewReaderSize(r, 256<<10)}
}

// OpenLines opens the file at path for reading line by line. Files whose
// name ends in ".gz" are decompressed.
func OpenLines(path string) (*LineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader = f
	var closer io.Closer = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 256<<10))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = zr
		closer = multiCloser{zr, f}
	}
	lr := NewLineReader(r, path)
	lr.closer = closer
	return lr, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// Close closes the underlying file if OpenLines opened it.
func (lr *LineReader) Close() error {
	if lr.closer != nil {
		return lr.closer.Close()
	}
	return nil
}

// Name is the file name used in errors.
func (lr *LineReader) Name() string { return lr.name }

// Scan advances to the next line. It returns false at the end of the input
// or on an error, which Err then returns.
func (lr *LineReader) Scan() bool {
	if lr.err != nil {
		return false
	}
	lr.overlong = false
	lr.long = lr.long[:0]
	for {
		frag, err := lr.r.ReadSlice('\n')
		if len(lr.long)+len(frag) > MaxLineBytes+2 {
			lr.overlong = true
			lr.long = lr.long[:0]
		} else {
			lr.long = append(lr.long, frag...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			lr.err = fmt.Errorf("%s:%d: %w", lr.name, lr.n+1, err)
			return false
		}
		if err == io.EOF && len(lr.long) == 0 && !lr.overlong {
			return false
		}
		break
	}
	lr.n++
	line := bytes.TrimSuffix(lr.long, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if lr.overlong || len(line) > MaxLineBytes {
		lr.overlong = true
		line = line[:0]
	}
	if !utf8.Valid(line) {
		col := firstInvalid(line)
		lr.err = fmt.Errorf("%s:%d: want UTF-8 text, got invalid byte 0x%02x at byte %d", lr.name, lr.n, line[col], col+1)
		return false
	}
	lr.line = line
	return true
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

// Text returns the current line without its line ending.
func (lr *LineReader) Text() string { return string(lr.line) }

// Bytes returns the current line; it is valid until the next Scan.
func (lr *LineReader) Bytes() []byte { return lr.line }

// Line is the number of the current line, from 1.
func (lr *LineReader) Line() int { return lr.n }

// Overlong reports whether the current line was longer than MaxLineBytes
// (its text is then empty).
func (lr *LineReader) Overlong() bool { return lr.overlong }

// Err returns the first error met, or nil at a clean end of input.
func (lr *LineReader) Err() error { return lr.err }

// ForEachLine calls f with the number and text of every line of the file
// at path. An overlong line is an error there.
func ForEachLine(path string, f func(n int, line string) error) error {
	lr, err := OpenLines(path)
	if err != nil {
		return err
	}
	defer lr.Close()
	for lr.Scan() {
		if lr.Overlong() {
			return fmt.Errorf("%s:%d: want a line of at most %d bytes, got a longer one", path, lr.Line(), MaxLineBytes)
		}
		if err := f(lr.Line(), lr.Text()); err != nil {
			return err
		}
	}
	return lr.Err()
}

// CountLines returns the number of lines in the file at path.
func CountLines(path string) (int, error) {
	n := 0
	err := ForEachLine(path, func(int, string) error { n++; return nil })
	return n, err
}

// newLineScanner returns a bufio.Scanner for small files with long lines.
func newLineScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes+2)
	return sc
}
