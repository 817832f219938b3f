package bpe

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var readCodesTests = []struct {
	Name    string
	Input   string
	Version string
	Merges  []Pair
	Line    int // of the error, 0 if none
	Error   string
}{
	{Name: "v0.2", Input: "#version: 0.2\na b\nab c</w>\n", Version: "0.2",
		Merges: []Pair{{"a", "b"}, {"ab", "c</w>"}}},
	{Name: "v0.1 without header", Input: "a b\nab </w>", Version: "0.1",
		Merges: []Pair{{"a", "b"}, {"ab", "</w>"}}},
	{Name: "explicit v0.1", Input: "#version: 0.1\na b\n", Version: "0.1", Merges: []Pair{{"a", "b"}}},
	{Name: "trailing zero parts", Input: "#version: 0.2.0\na b\n", Version: "0.2", Merges: []Pair{{"a", "b"}}},
	{Name: "CRLF and stray spaces", Input: "#version: 0.2\r\n a b \r\nc d\r\n", Version: "0.2",
		Merges: []Pair{{"a", "b"}, {"c", "d"}}},
	{Name: "blank lines at end", Input: "#version: 0.2\na b\n\n\n", Version: "0.2", Merges: []Pair{{"a", "b"}}},
	{Name: "header only", Input: "#version: 0.2\n", Version: "0.2"},
	{Name: "non-ASCII", Input: "#version: 0.2\nü ß</w>\n\u00a0 x\n", Version: "0.2",
		Merges: []Pair{{"ü", "ß</w>"}, {"\u00a0", "x"}}},
	{Name: "one field", Input: "#version: 0.2\na b\nc\n", Line: 3, Error: `want two symbols separated by one space, got "c"`},
	{Name: "blank line inside", Input: "#version: 0.2\na b\n\nc d\n", Line: 3, Error: `want two symbols separated by one space, got ""`},
	{Name: "two spaces", Input: "a  b\n", Line: 1, Error: `want two symbols separated by one space, got "a  b"`},
	{Name: "tab", Input: "#version: 0.2\na\tb\n", Line: 2, Error: `want two symbols separated by one space, got "a\tb"`},
	{Name: "three fields", Input: "a b\nc d e\n", Line: 2, Error: `want two symbols separated by one space, got "c d e"`},
	{Name: "byte-level", Input: "#version: 0.2 byte\na b\n", Line: 1, Error: "byte-level codes are not supported"},
	{Name: "unknown version", Input: "#version: 0.3\na b\n", Line: 1, Error: "unsupported codes version 0.3 (want 0.1 or 0.2)"},
	{Name: "bad version", Input: "#version:\na b\n", Line: 1, Error: `bad version "#version:"`},
	{Name: "invalid UTF-8", Input: "#version: 0.2\na b\nc \xff\n", Line: 3, Error: "invalid UTF-8"},
}

func TestReadCodes(t *testing.T) {
	for _, tt := range readCodesTests {
		t.Run(tt.Name, func(t *testing.T) {
			c, err := ReadCodes(strings.NewReader(tt.Input))
			if tt.Line != 0 {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("got error %v, want a SyntaxError", err)
				}
				if se.Line != tt.Line || se.Msg != tt.Error {
					t.Fatalf("got line %d %q, want line %d %q", se.Line, se.Msg, tt.Line, tt.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Version != tt.Version || !reflect.DeepEqual(c.Merges, tt.Merges) {
				t.Errorf("got %s %q, want %s %q", c.Version, c.Merges, tt.Version, tt.Merges)
			}
		})
	}
}

func TestCodesRoundTrip(t *testing.T) {
	for _, in := range []string{"#version: 0.2\na b\nab c</w>\n", "a b\nab </w>\n", "#version: 0.2\n"} {
		c, err := ReadCodes(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		n, err := c.WriteTo(&b)
		if err != nil || n != int64(b.Len()) || b.String() != in {
			t.Errorf("WriteTo: got %q (n=%d, err %v), want %q", b.String(), n, err, in)
		}
	}
}

func TestSaveLoadCodes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "codes")
	c := &Codes{Version: "0.2", Merges: []Pair{{"a", "b"}, {"ab", "c</w>"}}}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCodes(path)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("LoadCodes: got %+v, %v", got, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Save left %d files, want 1", len(ents))
	}
	os.WriteFile(path, []byte("#version: 0.2\na b\nc\n"), 0o644)
	if _, err := LoadCodes(path); err == nil || err.Error() != path+`:3: want two symbols separated by one space, got "c"` {
		t.Errorf("LoadCodes error: got %v", err)
	}
}
