package data

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+1)
	lr := NewLineReader(strings.NewReader("a\r\nb\n\n"+long+"\nlast"), "f.txt")
	var got []string
	var over []int
	for lr.Scan() {
		got = append(got, lr.Text())
		if lr.Overlong() {
			over = append(over, lr.Line())
		}
	}
	if lr.Err() != nil {
		t.Fatal(lr.Err())
	}
	want := []string{"a", "b", "", "", "last"}
	if strings.Join(got, "|") != strings.Join(want, "|") || len(over) != 1 || over[0] != 4 {
		t.Errorf("lines %q overlong %v, want %q [4]", got, over, want)
	}
}

func TestLineReaderInvalidUTF8(t *testing.T) {
	lr := NewLineReader(strings.NewReader("ok\nbad \xc3\x28 line\n"), "train.de")
	for lr.Scan() {
	}
	want := "train.de:2: want UTF-8 text, got invalid byte 0xc3 at byte 5"
	if lr.Err() == nil || lr.Err().Error() != want {
		t.Errorf("err = %v, want %q", lr.Err(), want)
	}
}

func TestOpenLinesGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.de.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("eins\nzwei\n"))
	zw.Close()
	os.WriteFile(path, buf.Bytes(), 0o644)
	n, err := CountLines(path)
	if err != nil || n != 2 {
		t.Errorf("CountLines = %d, %v; want 2", n, err)
	}
}
