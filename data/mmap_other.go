//go:build !unix

package data

import "os"

// mapFile reads the whole file where mmap is not available.
func mapFile(path string, unmap *[]func() error) ([]byte, error) {
	return os.ReadFile(path)
}
