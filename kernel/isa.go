package kernel

// #include "common/isa.h"
import "C"

import "fmt"

// ISA says which build of nmt's own CPU kernels runs on this CPU: they
// are compiled per x86-64 level (csrc/common/simd.h, NMT_CLONES) and the
// loader picks one by the CPU's features. level is 4 (AVX-512), 3 (AVX2
// and FMA), 1 (the baseline, SSE2) or 0 (one build: not x86-64).
func ISA() (level int, name string) {
	level = int(C.nmt_kernel_isa())
	switch level {
	case 4:
		return level, "x86-64-v4 (AVX-512)"
	case 3:
		return level, "x86-64-v3 (AVX2, FMA)"
	case 1:
		return level, "x86-64 baseline (SSE2)"
	case 0:
		return level, "one build (not x86-64)"
	}
	return level, fmt.Sprintf("unknown (%d): csrc/common/isa.cpp is out of date with simd.h", level)
}
