package tch_test

import (
	"os"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

func TestMain(m *testing.M) {
	tch.SetThreads(tch.DefaultThreads())
	os.Exit(m.Run())
}
