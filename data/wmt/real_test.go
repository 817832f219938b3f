package wmt

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fixup-nmt/nmt/data/prep"
)

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

// TestRealSGM reads real WMT SGM files: newstest2014 (one <seg> a line)
// and a WMT17 submission with <seg>, text and </seg> on three lines.
func TestRealSGM(t *testing.T) {
	dir := sharedData(t, "wmt14-en-de")
	for path, want := range map[string]int{
		"newstest2014-full/newstest2014-deen-src.en.sgm":             3003,
		"newstest2014-full/newstest2014-deen-ref.de.sgm":             3003,
		"system-outputs/wmt17-de-en/newstest2017.KIT.4951.de-en.sgm": 3004,
		"system-outputs/wmt17-de-en/newstest2017-deen-ref.en.sgm":    3004,
	} {
		p := filepath.Join(dir, path)
		if _, err := os.Stat(p); err != nil {
			t.Logf("%s absent", p)
			continue
		}
		r, err := prep.OpenSegs(p)
		if err != nil {
			t.Fatal(err)
		}
		n, empty := 0, 0
		for {
			seg, _, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
			if seg == "" {
				empty++
			}
		}
		r.Close()
		if n != want || empty > 0 {
			t.Errorf("%s: %d segments (%d empty), want %d", path, n, empty, want)
		}
	}
}
