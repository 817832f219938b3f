package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
)

// File is a file being written under a temporary name; Commit gives it
// its final name. Write through the embedded buffered writer.
type File struct {
	*bufio.Writer
	path string
	tmp  tempFile
	done bool
}

// tempFile is what File needs of the temporary *os.File (tests give one
// that fails as a full disk does).
type tempFile interface {
	io.Writer
	Name() string
	Chmod(fs.FileMode) error
	Sync() error
	Close() error
}

// createFunc makes the temporary file: os.CreateTemp, or a test's.
type createFunc func(dir, pattern string) (tempFile, error)

func osCreateTemp(dir, pattern string) (tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return f, nil
}

const bufSize = 256 << 10

// Create starts writing the file at path.
func Create(path string) (*File, error) { return create(path, osCreateTemp) }

func create(path string, newTemp createFunc) (*File, error) {
	tmp, err := newTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &File{Writer: bufio.NewWriterSize(namedWriter{tmp, path}, bufSize), path: path, tmp: tmp}, nil
}

// namedWriter reports write errors under the file's final name.
type namedWriter struct {
	w    io.Writer
	path string
}

func (w namedWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		err = fmt.Errorf("writing %s: %w", w.path, err)
	}
	return n, err
}

// Path is the file's final name.
func (f *File) Path() string { return f.path }

// Commit flushes and fsyncs the file, renames it to its final name
// (replacing any file there) and fsyncs the directory. The file gets the
// mode of the file it replaces, else 0644. On error the temporary file
// is removed and the old file, if any, is untouched.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: already committed or aborted", f.path)
	}
	f.done = true
	if err := f.Flush(); err != nil { // already names the file
		f.tmp.Close()
		os.Remove(f.tmp.Name())
		return err
	}
	err := f.tmp.Chmod(modeOf(f.path))
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return syncDir(filepath.Dir(f.path))
}

// Abort discards the file. It does nothing after Commit, so
// `defer f.Abort()` is the usual pattern.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// Write writes the file at path through fill, atomically. An error from
// fill or from the file system leaves path as it was. fill's own errors
// are returned as they are; those of the file system name path.
func Write(path string, fill func(io.Writer) error) error {
	return write(path, fill, osCreateTemp)
}

func write(path string, fill func(io.Writer) error, newTemp createFunc) error {
	f, err := create(path, newTemp)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// Link makes dst a replica of the finished file src, replacing dst
// atomically: a hard link when the file system allows, else a copy.
func Link(src, dst string) error {
	dir := filepath.Dir(dst)
	for try := 0; try < 100; try++ {
		tmp := filepath.Join(dir, "."+filepath.Base(dst)+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		err := os.Link(src, tmp)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return Copy(src, dst)
		}
		err = os.Rename(tmp, dst)
		// Where dst already was a link to src, rename did nothing and tmp
		// is still there.
		os.Remove(tmp)
		if err != nil {
			return fmt.Errorf("writing %s: %w", dst, err)
		}
		return syncDir(dir)
	}
	return fmt.Errorf("writing %s: no free temporary name", dst)
}

// Copy writes a copy of the file src at dst, atomically (through Write).
func Copy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// tempName matches the temporary names of this package (".NAME.tmp-N")
// and of earlier nmt versions (".NAME.tmpN", ".NAME.link-tmp").
var tempName = regexp.MustCompile(`^\.(.+)\.(?:tmp-?\d+|link-tmp)$`)

// TempOf reports whether name (a base name) is a temporary file of this
// package, and for which final name.
func TempOf(name string) (final string, ok bool) {
	m := tempName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// RemoveTemps removes from dir the temporary files whose final name
// satisfies match, and returns their paths. Call it only where no other
// process may be writing those files (under a lock): it cannot tell a
// dead writer's file from a live one's.
func RemoveTemps(dir string, match func(final string) bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range ents {
		final, ok := TempOf(e.Name())
		if !ok || !e.Type().IsRegular() || !match(final) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// modeOf is the permission of the file at path, or 0644 if there is none.
func modeOf(path string) fs.FileMode {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		return st.Mode().Perm()
	}
	return 0o644
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil // some file systems cannot sync directories
	}
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
