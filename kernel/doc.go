// Package kernel is nmt's native runtime: its own CPU kernels, written in
// C++ under csrc/ and built into libtch.so beside gotch's glue, the pool of
// threads and the caching allocator they run with, and the one Settings
// type for the runtime's knobs (NMT_THREADS, NMT_GEMM, ...).
//
// The name says what the package holds: compute kernels and what they
// need to run, as opposed to package tch, which is the glue over gotch
// (devices, threads of libtorch, errors, scopes, handle arrays) and knows
// nothing of nmt's kernels. Layers: tch, then kernel, then transformer
// and everything above (internal/deps holds the rule); the kernels never
// import the model.
//
// # Kernel families
//
// Each family is one Go file of this package over one folder of csrc/
// with its C header (the entry points Go calls) and source, and has its
// own tests here:
//
//	family      Go                                      csrc/        tests
//	GEMM        Linear, Pack, LinearPacked, ConfigureGEMM  gemm/       gemm_test.go
//	int8        PackInt8, LinearPacked, ConfigureInt8   int8/        int8_test.go
//	attention   AttendOne                               attention/   attention_test.go
//	search      RowTopK, RowLogSumExp                   search/      search_test.go
//	norm        AddLayerNorm                            norm/        norm_test.go
//	loss        LabelSmoothedCE                         loss/        loss_test.go
//	optimizer   AdamStep                                optim/       optim_test.go
//	pool        SetThreads, PoolThreads, OpenMPThreads  pool/        pool_test.go
//	allocator   CPUCacheStats (Settings.CPUCache)       alloc/       alloc_test.go
//	bf16        WithBF16, CheckBF16, Matmul, Baddbmm,   bf16/        bf16_test.go
//	            ConfigureBF16 (Settings.BF16)
//
// bf16 is a mode of the GEMM family as much as a family: inside WithBF16
// Linear, LinearPacked, Matmul and Baddbmm round their operands to bf16
// and accumulate in float32 (csrc/bf16/mode.h is what gemm/ shares).
//
// csrc/common/ holds what the families share: guard.h (a C++ exception
// becomes an error message for Go), simd.h (eight-float vectors; the
// kernels are built per x86-64 level, NMT_CLONES) and isa.cpp (which
// level the loader picked: ISA, printed by nmt env). csrc/tch/ is package tch's glue, csrc/dist/
// package dist's c10d shim (its own library).
//
// Each kernel returns its result as a new tensor in the current ts.Scope
// and reports bad input as an error; Must* variants panic. A kernel that
// does not apply (CUDA tensors, other dtypes, a gradient wanted where it
// has no backward) is the caller's choice to avoid or, where its doc says
// so, falls back to libtorch's ops itself.
//
// # Settings
//
// Settings has one field per environment variable of Vars, the one table
// of the runtime's knobs (docs/foundation.md lists the same). A command
// calls Start once, first: it reads the environment (Env, once per
// process), checks it (an error names the variable, its value and what it
// wants) and applies it (Apply). Every process that links the package,
// tests included, runs the linear layers on the engine NMT_GEMM gives
// from its init, as commands do. Tests choose a code path by passing
// settings or options, never by setting package variables: Apply with a
// Settings value, SetThreads, ConfigureGEMM, or the option of the caller
// that picks between a kernel and libtorch's ops (decode.Options.
// LogSoftmax, train.Adam.Ops, ...).
//
// Usage:
//
//	tch.LockThread()
//	if err := kernel.Start(); err != nil {
//		return err // e.g. NMT_GEMM="mkl": want auto, libtorch or onednn
//	}
//	y := kernel.MustLinear(x, w, b)
//
// # Adding a kernel family
//
//  1. csrc/<family>/<family>.h declares the C entry points (extern "C",
//     tensors as void* torch::Tensor handles, errors as a returned
//     malloc'd message: wrap the body in nmt::guard from
//     common/guard.h); csrc/<family>/<family>.cpp implements them, its
//     loops on the pool (nmt::pool_for, pool/pool.h). scripts/setup.sh
//     compiles every csrc/*/*.cpp but csrc/dist/ and *_test.cpp: nothing
//     to list. Rebuild with NMT_GLUE_ONLY=1 bash scripts/setup.sh.
//  2. kernel/<family>.go: `// #include "<family>/<family>.h"`, one Go
//     function per entry point, which passes handles with x.Ctensor() or
//     handle(x) (nil for an absent tensor), calls runtime.KeepAlive(x)
//     after the call for every tensor passed, turns the message into an
//     error with cError, and builds arrays of handles with
//     tch.WithHandles (internal/build's TestKeepAlive checks the first
//     two).
//  3. kernel/<family>_test.go: the kernel against libtorch's ops (or a
//     reference in Go) at the shapes and edge cases it takes, its errors
//     on bad input, and, where it splits work, with several threads.
//  4. A knob of its own is a field of Settings and a row of Vars (and of
//     docs/foundation.md's table), never an os.Getenv of its own.
//  5. The caller that chooses between the kernel and libtorch's ops takes
//     the choice as an option (a field of its options or struct) so that
//     tests can compare the two.
package kernel
