package kernel

// #cgo CFLAGS: -I${SRCDIR}/../csrc
// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -ltch
// #include <stdlib.h>
import "C"

import (
	"unsafe"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// The Go/C boundary (../shared/STYLE.md, "The Go/C boundary"): every
// function of this package that passes a tensor's handle to C keeps the
// tensor alive until the call has returned (runtime.KeepAlive after the
// call); internal/build's TestKeepAlive checks it. Arrays of handles are
// built with tch.WithHandles.

// handle is t's C handle, or nil for a nil t (an absent optional tensor).
// The caller keeps t alive across the C call that takes it.
func handle(t *ts.Tensor) unsafe.Pointer {
	if t == nil {
		return nil
	}
	return t.Ctensor()
}

// cError turns the error message a kernel's C entry point returns (NULL:
// no error) into an error, freeing the message.
func cError(msg *C.char) error { return tch.CError(unsafe.Pointer(msg)) }
