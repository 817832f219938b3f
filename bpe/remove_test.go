package bpe

import (
	"bytes"
	"strings"
	"testing"
)

func TestRemove(t *testing.T) {
	// Expected values follow sed -r 's/(@@ )|(@@ ?$)//g'.
	tests := []struct{ in, want string }{
		{"low@@ er ne@@ wer", "lower newer"},
		{"low@@ er", "lower"},
		{"a@@", "a"},
		{"a@@ ", "a"},
		{"a@@ @@ b", "ab"},
		{"a@@ @@", "a"},
		{"x@@@ y", "x@y"},
		{"@@@ @", "@@"}, // not "" as ReplaceAll then TrimSuffix would give
		{"@@@ a", "@a"},
		{"a@@b", "a@@b"},
		{"a @@", "a "},
		{"e-mail: x@@ y@z", "e-mail: xy@z"},
		{"", ""},
		{"no markers", "no markers"},
	}
	for _, tt := range tests {
		if got := Remove(tt.in); got != tt.want {
			t.Errorf("Remove(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRemoveRoundTrip(t *testing.T) {
	codes := mustLearn(t, randomCorpus(5, 2000, "abcdefgh@"), LearnOptions{Merges: 200})
	e := NewEncoder(codes)
	lines := []string{
		"abc defgh abcabc", "a@ b", "@a", "@", "a@b@c", " ab  cd \r\n", "hé@ a",
		"abc\u00a0def", "ab\tcd", "ab\xffcd", "", "   ",
	}
	for _, l := range lines {
		if got, want := Remove(e.Apply(l)), canonicalSpaces(l); got != want {
			t.Errorf("Remove(Apply(%q)) = %q, want %q", l, got, want)
		}
	}
	var in, out, back bytes.Buffer
	for _, l := range lines {
		in.WriteString(l + "\n")
	}
	if _, err := e.ApplyStream(&out, bytes.NewReader(in.Bytes())); err == nil {
		t.Error("ApplyStream: no error for invalid UTF-8")
	}
	in.Reset()
	for _, l := range lines {
		if !strings.Contains(l, "\xff") {
			in.WriteString(l + "\n")
		}
	}
	out.Reset()
	if _, err := e.ApplyStream(&out, bytes.NewReader(in.Bytes())); err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveStream(&back, &out); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, l := range strings.SplitAfter(in.String(), "\n") {
		want.WriteString(canonicalSpaces(l))
	}
	if back.String() != want.String() {
		t.Errorf("stream round trip:\ngot  %q\nwant %q", back.String(), want.String())
	}
}

// canonicalSpaces collapses the runs of ' ' between words, keeping the
// leading and trailing runs of ' ', '\r' and '\n'.
func canonicalSpaces(line string) string {
	body := strings.Trim(line, "\r\n ")
	if body == "" {
		return line
	}
	lead := line[:len(line)-len(strings.TrimLeft(line, "\r\n "))]
	trail := line[len(strings.TrimRight(line, "\r\n ")):]
	var words []string
	for _, w := range strings.Split(body, " ") {
		if w != "" {
			words = append(words, w)
		}
	}
	return lead + strings.Join(words, " ") + trail
}
