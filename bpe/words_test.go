package bpe

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCountWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]int
	}{
		{"spaces", "a b  a\n b\n", map[string]int{"a": 2, "b": 2}},
		{"CR and no final newline", "a\r\nb a\rb", map[string]int{"a": 2, "b": 2}},
		// Tabs and U+00A0 are characters, as in learn_bpe.py.
		{"tab and nbsp", "a\tb c\u00a0d", map[string]int{"a\tb": 1, "c\u00a0d": 1}},
		// learn_bpe.py's reader ends lines after these and keeps them.
		{"line separators", "a\u2028b c\fd \x1ce \u0085", map[string]int{"a\u2028": 1, "b": 1, "c\f": 1, "d": 1, "\x1c": 1, "e": 1, "\u0085": 1}},
		{"empty", "", map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]int{}
			if err := CountWords(strings.NewReader(tt.in), got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	err := CountWords(strings.NewReader("ok\nfine\nbad \xff\n"), map[string]int{})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || err.Error() != "line 3: invalid UTF-8" {
		t.Errorf("invalid UTF-8: got %v", err)
	}
	// Lines longer than the reader's buffer.
	long := strings.Repeat("ab ", 100000) + "\nab"
	got := map[string]int{}
	if err := CountWords(strings.NewReader(long), got); err != nil || got["ab"] != 100001 {
		t.Errorf("long line: got %v, %v", got["ab"], err)
	}
}

func TestCounterWriteTo(t *testing.T) {
	c := NewCounter()
	if err := c.ReadText(strings.NewReader("b a c a d c\n")); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.WriteTo(&b)
	// Ties keep the order of first occurrence, as Python's stable sort.
	if want := "a 2\nc 2\nb 1\nd 1\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	counts := map[string]int{}
	if err := ReadDict(&b, counts); err != nil || !reflect.DeepEqual(counts, map[string]int{"a": 2, "b": 1, "c": 2, "d": 1}) {
		t.Errorf("ReadDict: got %v, %v", counts, err)
	}
	if err := ReadDict(strings.NewReader("a 1\nb two\n"), counts); err == nil || err.Error() != `line 2: bad count "two"` {
		t.Errorf("ReadDict error: got %v", err)
	}
}
