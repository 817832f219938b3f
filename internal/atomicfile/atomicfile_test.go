package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

// fullDisk is a temporary file on a disk with room bytes left: writes
// beyond them are cut and fail with ENOSPC, as the kernel's are.
type fullDisk struct {
	f    *os.File
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) <= d.room {
		d.room -= len(p)
		return d.f.Write(p)
	}
	n, _ := d.f.Write(p[:d.room])
	d.room = 0
	return n, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
}

func (d *fullDisk) Name() string              { return d.f.Name() }
func (d *fullDisk) Chmod(m os.FileMode) error { return d.f.Chmod(m) }
func (d *fullDisk) Sync() error               { return d.f.Sync() }
func (d *fullDisk) Close() error              { return d.f.Close() }

func fullDiskTemp(room int) createFunc {
	return func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &fullDisk{f, room}, nil
	}
}

func ls(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestFullDisk: a write that runs out of space is an error naming the
// file, the old file keeps its content and no temporary file is left;
// with room to spare the new content replaces it.
func TestFullDisk(t *testing.T) {
	big := strings.Repeat("new line of text\n", 1<<15) // 544 KiB: past the buffer
	for _, tc := range []struct {
		name string
		room int
		data string
	}{
		{"fails in a write", 1000, big},
		{"fails in the final flush", 3, "short\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "config.yaml")
			os.WriteFile(p, []byte("old\n"), 0o600)
			err := write(p, func(w io.Writer) error {
				_, err := io.WriteString(w, tc.data)
				return err
			}, fullDiskTemp(tc.room))
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), p) {
				t.Fatalf("err = %v, want ENOSPC naming %s", err, p)
			}
			if b, _ := os.ReadFile(p); string(b) != "old\n" {
				t.Errorf("old file now holds %d bytes, want it untouched", len(b))
			}
			if names := ls(t, dir); !slices.Equal(names, []string{"config.yaml"}) {
				t.Errorf("left behind: %v", names)
			}
		})
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte("old\n"), 0o600)
	if err := write(p, func(w io.Writer) error { _, err := io.WriteString(w, big); return err }, fullDiskTemp(len(big))); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != big {
		t.Errorf("new file has %d bytes, want %d", len(b), len(big))
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the replaced file's 0600", st.Mode().Perm())
	}
}

// TestFillError: an error of fill is returned as it is and nothing is
// left; Abort after a partial write leaves nothing either.
func TestFillError(t *testing.T) {
	dir := t.TempDir()
	fire := errors.New("disk on fire")
	err := Write(filepath.Join(dir, "out"), func(w io.Writer) error {
		io.WriteString(w, "half")
		return fire
	})
	if err != fire {
		t.Errorf("err = %v, want fill's", err)
	}
	f, err := Create(filepath.Join(dir, "out2"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if names := ls(t, dir); len(names) != 0 {
		t.Errorf("left behind: %v", names)
	}
	if err := Write(filepath.Join(dir, "ok"), func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Join(dir, "ok")); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
}

// TestUniqueTempNames: writers of one name at once each get their own
// temporary file; the last commit wins whole.
func TestUniqueTempNames(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "checkpoint_last.ckpt")
	a, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	a.WriteString("from a")
	b.WriteString("from b")
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "from b" {
		t.Errorf("got %q", got)
	}
	if names := ls(t, dir); len(names) != 1 {
		t.Errorf("left behind: %v", names)
	}
}

// TestLink: two links of one source to one name at once, as two trainers
// on one directory did with a fixed temporary name, both succeed.
func TestLink(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "checkpoint_last.ckpt")
	dst := filepath.Join(dir, "checkpoint_3_81.ckpt")
	os.WriteFile(src, []byte("v1"), 0o644)
	// A leftover temporary file under the old fixed name.
	os.WriteFile(filepath.Join(dir, ".checkpoint_3_81.ckpt.link-tmp"), nil, 0o644)
	errs := make(chan error, 8)
	for i := 0; i < cap(errs); i++ {
		go func() { errs <- Link(src, dst) }()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(dst); string(b) != "v1" {
		t.Errorf("dst = %q", b)
	}
	if err := Link(src, dst); err != nil { // already the same file: rename does nothing
		t.Fatal(err)
	}
	removed, err := RemoveTemps(dir, func(string) bool { return true })
	if err != nil || len(removed) != 1 {
		t.Errorf("RemoveTemps removed %v, %v; want only the old link-tmp", removed, err)
	}
	if names := ls(t, dir); !slices.Equal(names, []string{"checkpoint_3_81.ckpt", "checkpoint_last.ckpt"}) {
		t.Errorf("files: %v", names)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{".a.ckpt.tmp-123", ".a.ckpt.tmp9", ".b.txt.tmp-1", ".a.ckpt.tmp-x", "a.ckpt", ".a.ckpt"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	removed, err := RemoveTemps(dir, func(final string) bool { return final == "a.ckpt" })
	if err != nil {
		t.Fatal(err)
	}
	for i := range removed {
		removed[i] = filepath.Base(removed[i])
	}
	if !slices.Equal(removed, []string{".a.ckpt.tmp-123", ".a.ckpt.tmp9"}) {
		t.Errorf("removed %v", removed)
	}
	if names := ls(t, dir); !slices.Equal(names, []string{".a.ckpt", ".a.ckpt.tmp-x", ".b.txt.tmp-1", "a.ckpt"}) {
		t.Errorf("kept %v", names)
	}
}

// TestCopy: Copy writes an exact copy; a copy that fails part way (the
// file-size limit of a full disk) is an error naming the file, leaves the
// old file as it was and no temporary file.
func TestCopy(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.model"), filepath.Join(dir, "spm.model")
	big := strings.Repeat("0123456789abcdef", 1024)
	os.WriteFile(src, []byte(big), 0o644)
	os.WriteFile(dst, []byte("old"), 0o644)
	restore := testfix.LimitFileSize(t, 4096)
	err := Copy(src, dst)
	restore()
	if err == nil || !strings.Contains(err.Error(), "spm.model") || !errors.Is(err, syscall.EFBIG) {
		t.Errorf("copy past the file-size limit: %v, want EFBIG naming spm.model", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "old" {
		t.Errorf("after the failed copy the file holds %d bytes, want the old 3", len(b))
	}
	if got := ls(t, dir); !slices.Equal(got, []string{"spm.model", "src.model"}) {
		t.Errorf("files %v: a temporary file was left", got)
	}
	if err := Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != big {
		t.Errorf("copy of %d bytes holds %d", len(big), len(b))
	}
}
