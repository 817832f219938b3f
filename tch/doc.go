// Package tch is nmt's thin layer over gotch: facts and settings of
// libtorch (its threads, version, BLAS, CUDA devices, glibc malloc's
// tuning), device choice, turning gotch panics into errors, memory scopes,
// and the cgo helpers every package that calls C uses (WithHandles for
// arrays of tensor handles, CError for the error messages of nmt's C entry
// points). Its C side is csrc/tch/. nmt's own kernels, their thread pool
// and allocator, and the runtime's settings are package kernel, the layer
// above.
//
// Rules for torch code in nmt, which this package makes easy to follow:
//
//   - All torch work runs on one goroutine locked to its OS thread
//     (LockThread): libtorch's grad mode and gotch's last-error slot are
//     thread-local, so a goroutine that moves between threads can lose an
//     error or compute with gradients it switched off.
//   - gotch's Must* calls panic on a libtorch error (nmt patches them so; see
//     patches/gotch/README.md). Forward code uses them and Catch turns the
//     panic back into an error at a command's or step's boundary.
//   - C memory is invisible to Go's garbage collector. Every step runs in a
//     Scope (ts.NewScope), which frees all tensors made in it except those
//     kept.
//
// Usage:
//
//	tch.LockThread()
//	dev, err := tch.ParseDevice("auto")
//	err = tch.Catch(func() error {
//		s := ts.NewScope()
//		defer s.Close()
//		x := ts.MustRandn([]int64{2, 3}, gotch.Float, dev)
//		...
//		return nil
//	})
package tch
