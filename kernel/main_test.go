package kernel_test

import (
	"os"
	"testing"

	"github.com/fixup-nmt/nmt/kernel"
)

func TestMain(m *testing.M) {
	s, _ := kernel.Env()
	kernel.SetThreads(s.ThreadCount())
	os.Exit(m.Run())
}
