package study

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
	"github.com/fixup-nmt/nmt/internal/testfix"
)

// TestWriteCSVFails: results.csv is written whole or not at all: a write
// that fails part way (the file-size limit of a full disk) is an error
// naming the file, and the table of the run before is still there, whole,
// with no temporary file beside it.
func TestWriteCSVFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.csv")
	res := []*Result{{Settings: Settings{Method: "fixup", Norm: "none", Depth: 6}, Reason: "ok"}}
	if err := writeCSV(path, res); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	for i := 0; i < 100; i++ {
		res = append(res, &Result{Settings: Settings{Method: "default", Norm: "post", Depth: i}, Reason: strings.Repeat("x", 40)})
	}
	restore := testfix.LimitFileSize(t, uint64(2*len(old)))
	err := writeCSV(path, res)
	restore()
	if err == nil || !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), "results.csv") {
		t.Errorf("writing past the file-size limit: %v, want EFBIG naming results.csv", err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(old) {
		t.Errorf("results.csv holds %d bytes after the failed write, want the old %d", len(b), len(old))
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if _, ok := atomicfile.TempOf(e.Name()); ok {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
