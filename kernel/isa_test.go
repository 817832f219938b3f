package kernel_test

import (
	"runtime"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/fixup-nmt/nmt/kernel"
)

// TestISA: the kernels' clones the loader picked are the best this CPU
// runs, by the CPU's features as Go reads them: AVX-512 (F, BW, CD, DQ,
// VL) picks x86-64-v4, else AVX2 with FMA, BMI1 and BMI2 x86-64-v3, else
// the baseline. Clones chosen by CPU model ran the baseline on every AVX2
// CPU but Haswell itself (this test's AMD EPYC among them).
func TestISA(t *testing.T) {
	level, name := kernel.ISA()
	t.Logf("kernels: %s", name)
	if runtime.GOARCH != "amd64" {
		if level != 0 {
			t.Errorf("ISA() = %d (%s) off x86-64, want 0", level, name)
		}
		return
	}
	x := cpu.X86
	want := 1
	switch {
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512CD && x.HasAVX512DQ && x.HasAVX512VL:
		want = 4
	case x.HasAVX2 && x.HasFMA && x.HasBMI1 && x.HasBMI2:
		want = 3
	}
	if level != want {
		t.Errorf("the kernels run the level-%d clones (%s); this CPU runs level %d", level, name, want)
	}
}
