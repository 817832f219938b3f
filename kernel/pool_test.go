package kernel_test

import (
	"testing"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// nmt's kernels run their loops on libtorch's threads: setup builds them
// with OpenMP (at::parallel_for is a header template, serial without it).
func TestKernelsUseThreads(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(2)
	if got := kernel.OpenMPThreads(); got != 2 {
		t.Fatalf("a parallel loop of nmt's kernels ran on %d threads with 2 set", got)
	}
}

// The pool of nmt's kernels follows SetThreads, keeps its threads while
// libtorch's own loops are held to one (SerialTorch), and hands a task's
// exception to the loop's caller.
func TestPoolThreads(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	for _, n := range []int{3, 1, 2} {
		kernel.SetThreads(n)
		if got := kernel.PoolThreads(); got != n {
			t.Errorf("SetThreads(%d): a pool loop ran on %d threads", n, got)
		}
	}
	tch.SerialTorch(func() {
		if got := tch.Threads(); got != 1 {
			t.Errorf("inside SerialTorch libtorch has %d threads, want 1", got)
		}
		if got := kernel.OpenMPThreads(); got != 1 {
			t.Errorf("inside SerialTorch an OpenMP loop ran on %d threads, want 1", got)
		}
		if got := kernel.PoolThreads(); got != 2 {
			t.Errorf("inside SerialTorch a pool loop ran on %d threads, want 2", got)
		}
	})
	if got := tch.Threads(); got != 2 {
		t.Errorf("after SerialTorch libtorch has %d threads, want 2 again", got)
	}
	if !kernel.PoolRethrows() {
		t.Error("an exception in a pool task did not reach the caller after the other tasks ran")
	}
}
