package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// runApp runs the nmt command line with stdin and returns stdout and
// stderr.
func runApp(t *testing.T, stdin string, args ...string) (string, string) {
	t.Helper()
	app := newApp()
	var out, errOut bytes.Buffer
	app.Reader, app.Writer, app.ErrWriter = strings.NewReader(stdin), &out, &errOut
	if err := app.Run(append([]string{"nmt"}, args...)); err != nil {
		t.Fatalf("nmt %v: %v", args, err)
	}
	return out.String(), errOut.String()
}

func TestTextFilterCommands(t *testing.T) {
	tests := []struct {
		args       []string
		in, want   string
		wantStderr string
	}{
		{[]string{"tokenize", "-l", "en"}, "Hello, Mr. Smith's world!\n", "Hello , Mr. Smith &apos;s world !\n", ""},
		{[]string{"tokenize", "-l", "en", "-a", "--no-escape"}, "a well-known \"fact\"\n", "a well @-@ known \" fact \"\n", ""},
		{[]string{"tokenize", "-l", "de", "--lowercase"}, "Das ist z.B. Ärger.\n\n", "das ist z.b. ärger .\n\n", ""},
		{[]string{"tokenize", "-l", "xx"}, "x", "x\n", `no nonbreaking prefixes for "xx"`},
		{[]string{"tokenize", "-l", "pl", "-b"}, "Mieszka przy ul. Długiej.\n", "Mieszka przy ul. Długiej .\n", ""},
		{[]string{"tokenize", "-protected", "../../text/testdata/moses/basic-protected-patterns", "-x"}, "See http://a.com/x/y.html, Mr. Smith.\n<p>\n", "See http://a.com/x/y.html , Mr. Smith .\n<p>\n", ""},
		{[]string{"tokenize", "-penn"}, "I can't (go).\n", "I ca n&apos;t -LRB- go -RRB- .\n", ""},
		{[]string{"split-sentences", "-l", "de", "-b"}, "Am 3. Oktober kam Dr. Meier. Er ging.\n\nNeu.\n", "Am 3. Oktober kam Dr. Meier.\nEr ging.\n<P>\nNeu.\n", ""},
		{[]string{"split-sentences", "-l", "xx", "-n"}, "Mr. Smith left. Yes.\n\n", "Mr. Smith left.\nYes.\n", `no nonbreaking prefixes for "xx"`},
		{[]string{"detokenize", "-penn"}, "I ca n&apos;t -LRB- go -RRB- .\n", "I can't (go).\n", ""},
		{[]string{"detokenize", "-l", "en"}, "Hello , world ! it &apos;s\n", "Hello, world! it's\n", ""},
		{[]string{"detokenize", "-l", "en", "-u"}, "&quot; hello . &quot;\n", "\"Hello.\"\n", ""},
		{[]string{"normalize-punct", "-l", "de"}, "„Ja.“\n„Ja.“", "\"Ja\".\n\"Ja.\"\n", ""},
		{[]string{"normalize-punct", "-l", "en", "--remove-non-printing"}, "a\u200b“b”\n", "a \"b\"\n", ""},
		{[]string{"tokenize"}, "bad \xff byte\n", "bad \ufffd byte\n", "1 lines with invalid UTF-8 (first: line 1)"},
	}
	for _, tt := range tests {
		out, errOut := runApp(t, tt.in, tt.args...)
		if out != tt.want {
			t.Errorf("nmt %v < %q: got %q, want %q", tt.args, tt.in, out, tt.want)
		}
		if tt.wantStderr == "" && errOut != "" || !strings.Contains(errOut, tt.wantStderr) {
			t.Errorf("nmt %v: stderr %q, want %q", tt.args, errOut, tt.wantStderr)
		}
	}
}

// Many batches on several goroutines still come out in input order.
func TestFilterLinesOrder(t *testing.T) {
	var in strings.Builder
	n := 10*batchLines + 7
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "line %d\r\n", i)
	}
	for _, threads := range []int{1, 3} {
		var out bytes.Buffer
		st, err := filterLines(strings.NewReader(in.String()), &out, threads, func(s string, nl bool) string {
			if !nl {
				return "no newline?"
			}
			return strings.ToUpper(s)
		})
		if err != nil || st.lines != n {
			t.Fatalf("threads=%d: %d lines, err %v", threads, st.lines, err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != n {
			t.Fatalf("threads=%d: %d output lines, want %d", threads, len(lines), n)
		}
		for i, l := range lines {
			if want := fmt.Sprintf("LINE %d\r", i); l != want {
				t.Fatalf("threads=%d: line %d = %q, want %q", threads, i, l, want)
			}
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// A write error stops the run and is reported; nothing hangs.
func TestFilterLinesWriteError(t *testing.T) {
	in := strings.Repeat("some words here\n", 50*batchLines)
	_, err := filterLines(strings.NewReader(in), &failWriter{n: 1 << 17}, 2, func(s string, _ bool) string { return s })
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want disk full", err)
	}
}
