package tch

// #include <stdlib.h>
import "C"

import (
	"errors"
	"unsafe"

	"github.com/sugarme/gotch/ts"
)

// Handles returns a C array (malloc'd, for C code that takes void **) of
// the torch::Tensor pointers of the groups' tensors, one group after the
// other, and a function that frees it. No tensors: a nil array.
func Handles(groups ...[]*ts.Tensor) (unsafe.Pointer, func()) {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	if n == 0 {
		return nil, func() {}
	}
	p := C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(uintptr(0))))
	arr := unsafe.Slice((*unsafe.Pointer)(p), n)
	i := 0
	for _, g := range groups {
		for _, x := range g {
			arr[i] = x.Ctensor()
			i++
		}
	}
	return p, func() { C.free(p) }
}

// cError turns the error message an nmt C entry point returns (NULL: no
// error) into an error, freeing the message.
func cError(msg *C.char) error {
	if msg == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(msg))
	return errors.New(C.GoString(msg))
}
