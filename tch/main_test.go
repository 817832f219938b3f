package tch_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

func TestMain(m *testing.M) {
	tch.SetThreads(runtime.NumCPU())
	os.Exit(m.Run())
}
