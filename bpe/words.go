package bpe

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A SyntaxError reports a bad line in a text, codes, vocabulary or
// dictionary file. Line counts from 1.
type SyntaxError struct {
	File string // empty when reading from an io.Reader
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// withFile sets the file name of a SyntaxError inside err.
func withFile(err error, name string) error {
	var se *SyntaxError
	if errors.As(err, &se) && se.File == "" {
		se.File = name
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// CountWords adds the words of the tokenized text in r to counts.
//
// Words are split as subword-nmt's learn_bpe.py splits them: at ASCII spaces
// and line ends ('\n', '\r'). learn_bpe.py also reads the Unicode line
// separators VT, FF, FS, GS, RS, NEL, U+2028 and U+2029 as line ends and
// keeps them at the end of the word before them, so "a\u2028b" is the two
// words "a\u2028" and "b"; CountWords does the same. Text that is not valid
// UTF-8 is an error that names the line.
func CountWords(r io.Reader, counts map[string]int) error {
	c := NewCounter()
	if err := c.ReadText(r); err != nil {
		return err
	}
	for i, w := range c.words {
		counts[w] += c.counts[i]
	}
	return nil
}

// CountFile is CountWords on the named file; errors name the file and line.
func CountFile(path string, counts map[string]int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return withFile(CountWords(f, counts), path)
}

// A Counter counts words and remembers the order in which it first saw them,
// as Python's Counter does, so that vocabulary files list words of equal
// count in the same order as subword-nmt's. The zero value is not usable;
// call NewCounter.
type Counter struct {
	index  map[string]int32
	words  []string
	counts []int
}

// NewCounter returns an empty Counter.
func NewCounter() *Counter { return &Counter{index: map[string]int32{}} }

// Add adds n to the count of word.
func (c *Counter) Add(word string, n int) {
	if i, ok := c.index[word]; ok {
		c.counts[i] += n
		return
	}
	c.index[word] = int32(len(c.words))
	c.words = append(c.words, word)
	c.counts = append(c.counts, n)
}

// addBytes is Add(string(b), 1) without allocating for known words.
func (c *Counter) addBytes(b []byte) {
	if i, ok := c.index[string(b)]; ok {
		c.counts[i]++
		return
	}
	c.Add(string(b), 1)
}

// Len returns the number of distinct words.
func (c *Counter) Len() int { return len(c.words) }

// Count returns the count of word.
func (c *Counter) Count(word string) int {
	if i, ok := c.index[word]; ok {
		return c.counts[i]
	}
	return 0
}

// AddTo adds the counts to m.
func (c *Counter) AddTo(m map[string]int) {
	for i, w := range c.words {
		m[w] += c.counts[i]
	}
}

// ReadText counts the words of the text in r, split as CountWords splits
// them.
func (c *Counter) ReadText(r io.Reader) error {
	return eachLine(r, func(n int, line []byte) error {
		if !utf8.Valid(line) {
			return &SyntaxError{Line: n, Msg: "invalid UTF-8"}
		}
		splitWords(line, c.addBytes)
		return nil
	})
}

// WriteTo writes one "word count" line per word, most frequent first and
// words of equal count in the order first seen: the vocabulary format of
// subword-nmt's get_vocab.py and learn_joint_bpe_and_vocab.py.
func (c *Counter) WriteTo(w io.Writer) (int64, error) {
	order := make([]int, len(c.words))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(c.counts[b], c.counts[a]) })
	bw := bufio.NewWriter(w)
	var n int64
	for _, i := range order {
		k, _ := bw.WriteString(c.words[i])
		n += int64(k)
		bw.WriteByte(' ')
		k, _ = bw.WriteString(strconv.Itoa(c.counts[i]))
		bw.WriteByte('\n')
		n += int64(k) + 2
	}
	return n, bw.Flush()
}

// ReadDict adds the counts of a "word count" file (subword-nmt's
// --dict-input format, as written by Counter.WriteTo) to counts.
func ReadDict(r io.Reader, counts map[string]int) error {
	return eachLine(r, func(n int, line []byte) error {
		if !utf8.Valid(line) {
			return &SyntaxError{Line: n, Msg: "invalid UTF-8"}
		}
		f := bytes.Split(bytes.Trim(line, "\r\n "), []byte(" "))
		if len(f) != 2 {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("want \"word count\", got %d space-separated fields", len(f))}
		}
		k, err := strconv.Atoi(string(f[1]))
		if err != nil {
			return &SyntaxError{Line: n, Msg: fmt.Sprintf("bad count %q", f[1])}
		}
		counts[string(f[0])] += k
		return nil
	})
}

// eachLine calls fn for each '\n'-terminated line of r, without the '\n'.
// A last line without '\n' counts; an empty input has no lines.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if ferr := fn(n, line); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// splitWords calls fn for each word of line, split as CountWords documents.
// The slices passed to fn alias line.
func splitWords(line []byte, fn func([]byte)) {
	start := 0
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r':
			if i > start {
				fn(line[start:i])
			}
			i++
			start = i
		case c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e):
			i++
			fn(line[start:i])
			start = i
		case c >= 0x80:
			r, w := utf8.DecodeRune(line[i:])
			i += w
			if r == 0x85 || r == 0x2028 || r == 0x2029 {
				fn(line[start:i])
				start = i
			}
		default:
			i++
		}
	}
	if start < len(line) {
		fn(line[start:])
	}
}
