// Package testfix reads the test fixtures that several packages share:
// gzipped tar archives of expected outputs, and the SentencePiece models
// of spm/testdata; it compares output with golden files; LimitFileSize
// makes file writes fail as on a full disk. It is for tests only.
package testfix

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// TarGz returns the files of a .tar.gz archive by name.
func TarGz(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(z)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[h.Name] = b
	}
}

// SPMModel writes the model name ("uni", "bpe", "user", "bpeid") of
// spm/testdata/spm.tar.gz into a temporary directory and returns its path.
func SPMModel(t testing.TB, name string) string {
	t.Helper()
	return spmFixture(t, "spm.tar.gz", name+".model")
}

// HFModel writes the tokenizer.json file name ("bert", "gpt2", "t5",
// "llama", ...) of spm/testdata/hf.tar.gz into a temporary directory and
// returns its path.
func HFModel(t testing.TB, name string) string {
	t.Helper()
	return spmFixture(t, "hf.tar.gz", "./"+name+".json")
}

// spmFixture writes member of spm/testdata/archive into a temporary
// directory and returns its path.
func spmFixture(t testing.TB, archive, member string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	files, err := TarGz(filepath.Join(filepath.Dir(self), "..", "..", "spm", "testdata", archive))
	if err != nil {
		t.Fatal(err)
	}
	b, ok := files[member]
	if !ok {
		t.Fatalf("no %s in spm/testdata/%s", member, archive)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(member))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// LimitFileSize makes every write that takes a file past n bytes fail with
// EFBIG ("file too large"), as on a full disk, until the returned function
// is called or the test ends (RLIMIT_FSIZE; the Go runtime ignores the
// SIGXFSZ it raises). It holds for the whole process: only tests that do
// not run in parallel may use it.
func LimitFileSize(t testing.TB, n uint64) (restore func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	restore = func() { syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old) }
	t.Cleanup(restore)
	return restore
}
