package testfix

import (
	"os"
	"strings"
	"testing"
)

// Golden compares got with the golden file at path, reporting the first
// line that differs (FirstDiff), or rewrites the file when update is set
// (the packages' -update flag, as go/printer's tests do).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	FirstDiff(t, path, string(got), string(want))
}

// FirstDiff reports the first line where got and want differ, naming the
// file of the expected text (path) and the line.
func FirstDiff(t testing.TB, path, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	gotL, wantL := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gotL) || i < len(wantL); i++ {
		g, w := "<end of output>", "<end of file>"
		if i < len(gotL) {
			g = gotL[i]
		}
		if i < len(wantL) {
			w = wantL[i]
		}
		if g != w {
			t.Errorf("%s:%d: differs (go test -update rewrites golden files)\n got %q\nwant %q", path, i+1, g, w)
			return
		}
	}
}
