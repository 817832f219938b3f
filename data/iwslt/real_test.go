package iwslt

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data/prep"
)

// sharedData is the project's shared data folder (never committed); tests
// that need it skip when it is absent.
func sharedData(t *testing.T, parts ...string) string {
	root := os.Getenv("NMT_SHARED")
	if root == "" {
		root = "../../../shared"
	}
	p := filepath.Join(append([]string{root, "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present", p)
	}
	return p
}

// TestRealTestSet runs the test path on the real IWSLT'14 dev/test XML
// and compares with fairseq's tokenized, lowercased test.{de,en}.
func TestRealTestSet(t *testing.T) {
	raw := sharedData(t, "iwslt14-de-en", "raw")
	ref := sharedData(t, "iwslt14-de-en", "fairseq-tokenized")
	c := DefaultConfig()
	st := c.Settings()
	for _, lang := range []string{"de", "en"} {
		proc := st.LineFunc(lang)
		want, err := os.ReadFile(filepath.Join(ref, "test."+lang))
		if err != nil {
			t.Fatal(err)
		}
		wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
		var got []string
		for _, set := range TestSets {
			r, err := prep.OpenSegs(filepath.Join(raw, set+".de-en."+lang+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			for {
				seg, _, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, proc(seg))
			}
			r.Close()
		}
		if len(got) != len(wantLines) {
			t.Fatalf("%s: %d lines, want %d", lang, len(got), len(wantLines))
		}
		same := 0
		var diffs []int
		for i := range got {
			if got[i] == wantLines[i] {
				same++
			} else if len(diffs) < 5 {
				diffs = append(diffs, i)
			}
		}
		t.Logf("test.%s: %d of %d lines identical to fairseq's", lang, same, len(got))
		for _, i := range diffs {
			t.Logf("line %d:\n got  %q\n want %q", i+1, got[i], wantLines[i])
		}
		if same < len(got)*99/100 {
			t.Errorf("test.%s: only %d of %d lines match", lang, same, len(got))
		}
	}
}
