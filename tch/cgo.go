package tch

// #include <stdlib.h>
import "C"

import (
	"errors"
	"runtime"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// The Go/C boundary (../shared/STYLE.md, "The Go/C boundary"): a tensor's
// C object is freed by a finalizer once its Go value is unreachable, which
// can be right after the line that reads its handle. Every function here
// that passes a handle to C keeps its owner alive until the call has
// returned (runtime.KeepAlive after the call); internal/build's
// TestKeepAlive checks it over the project's cgo packages and gotch.

// WithHandles calls f with a C array (for C code that takes void **) of
// the torch::Tensor pointers of the groups' tensors, one group after the
// other, and frees the array when f returns; the tensors stay alive until
// then. No tensors: f gets nil.
//
// The array is C memory filled as integers: a store through a pointer
// type into malloc'd memory runs Go's write barrier on the slot's old
// contents, malloc's leftover garbage, and the runtime aborts with "found
// bad pointer in Go heap" when that garbage looks like a pointer into a
// freed span (golang/go#19928).
func WithHandles(f func(arr *unsafe.Pointer) error, groups ...[]*ts.Tensor) error {
	defer runtime.KeepAlive(groups)
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	if n == 0 {
		return f(nil)
	}
	p := C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(uintptr(0))))
	if p == nil {
		return errors.New("tch: out of memory for a handle array")
	}
	defer C.free(p)
	slots := unsafe.Slice((*uintptr)(p), n)
	i := 0
	for _, g := range groups {
		for _, x := range g {
			slots[i] = uintptr(x.Ctensor())
			i++
		}
	}
	return f((*unsafe.Pointer)(p))
}

// CError turns the error message a C entry point of nmt returns (NULL: no
// error; else a malloc'd string, csrc/common/guard.h) into an error,
// freeing the message. It takes the *C.char as an unsafe.Pointer, since
// each cgo package has its own C types.
func CError(msg unsafe.Pointer) error {
	if msg == nil {
		return nil
	}
	defer C.free(msg)
	return errors.New(C.GoString((*C.char)(msg)))
}
