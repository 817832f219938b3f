package bpe

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"
)

// ReadVocabulary reads a "word count" vocabulary file (subword-nmt's
// get_vocab.py format, as Counter.WriteTo writes it) for
// EncoderOptions.Vocabulary, keeping the words counted at least threshold
// times (apply_bpe.py's --vocabulary-threshold); threshold 0 or less keeps
// every word.
func ReadVocabulary(r io.Reader, threshold int) (map[string]bool, error) {
	vocab := map[string]bool{}
	err := eachLine(r, func(n int, line []byte) error {
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
		if threshold <= 0 || k >= threshold {
			vocab[string(f[0])] = true
		}
		return nil
	})
	return vocab, err
}

// LoadVocabulary is ReadVocabulary on the named file; errors name the file
// and line.
func LoadVocabulary(path string, threshold int) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := ReadVocabulary(f, threshold)
	return v, withFile(err, path)
}
