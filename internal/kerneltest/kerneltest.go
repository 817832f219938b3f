// Package kerneltest holds test helpers around package kernel's settings
// that the tests of several packages share. It is for tests only.
package kerneltest

import (
	"testing"

	"github.com/fixup-nmt/nmt/kernel"
)

// WithBF16Engine runs f with the named bf16 engine (kernel.SetBF16) and
// restores the one in use before; it skips where the engine cannot run
// here (oneDNN's on a CPU without AVX512-BF16).
func WithBF16Engine(t testing.TB, engine string, f func()) {
	t.Helper()
	restore, err := kernel.SetBF16(engine)
	if err != nil {
		t.Skip(err)
	}
	defer restore()
	if got, _ := kernel.BF16Engine(); got != engine {
		t.Fatalf("SetBF16(%q) chose %q", engine, got)
	}
	f()
}
