//go:build unix

package data

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file at path read-only and records how to unmap it.
func mapFile(path string, unmap *[]func() error) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		return []byte{}, nil
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%s: too large to map (%d bytes)", path, size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	*unmap = append(*unmap, func() error { return syscall.Munmap(b) })
	return b, nil
}
