package deps

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	m := Module
	in := []string{m + "bpe", m + "cmd/nmt", m + "cmd/nmt-torch", m + "data", m + "data/prep", m + "database",
		m + "internal/atomicfile", m + "internal/deps/cmd/purego", m + "text", m + "train", "example.com/text"}
	pure, others := Split(in)
	wantPure := []string{m + "bpe", m + "cmd/nmt", m + "data", m + "data/prep", m + "internal/atomicfile", m + "text"}
	wantOthers := []string{m + "cmd/nmt-torch", m + "database", m + "internal/deps/cmd/purego", m + "train", "example.com/text"}
	if !reflect.DeepEqual(pure, wantPure) {
		t.Errorf("pure Go: %v\nwant %v", pure, wantPure)
	}
	if !reflect.DeepEqual(others, wantOthers) {
		t.Errorf("others: %v\nwant %v", others, wantOthers)
	}
}

// TestPureGoEntriesExist: every entry of PureGo names a package that
// exists, so that a renamed layer does not drop out of the CGO_ENABLED=0
// run of scripts/test.sh unnoticed.
func TestPureGoEntriesExist(t *testing.T) {
	pkgs := list(t)
	for _, e := range PureGo {
		found := false
		for _, p := range pkgs {
			found = found || Matches([]string{e}, strings.TrimPrefix(p.ImportPath, Module))
		}
		if !found {
			t.Errorf("PureGo entry %q matches no package", e)
		}
	}
}

// TestScriptTakesTheList: scripts/test.sh splits the packages with
// cmd/purego, not with a list of its own.
func TestScriptTakesTheList(t *testing.T) {
	b, err := os.ReadFile("../../scripts/test.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go run ./internal/deps/cmd/purego)", "go run ./internal/deps/cmd/purego -torch)"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("scripts/test.sh does not run %q", strings.TrimSuffix(want, ")"))
		}
	}
}
