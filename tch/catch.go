package tch

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// Catch runs fn and returns its error, or the panic it raised (from a
// gotch Must* call, or a shape check) as an error. Runtime errors such as
// nil dereferences are programmer errors and are re-raised.
func Catch(fn func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		switch v := r.(type) {
		case error:
			var re interface{ RuntimeError() }
			if errors.As(v, &re) {
				panic(fmt.Sprintf("%v\n%s", v, debug.Stack()))
			}
			err = trimTrace(v)
		default:
			err = fmt.Errorf("%v", v)
		}
	}()
	return fn()
}

// trimTrace drops the Go stack that gotch appends to libtorch errors, and
// libtorch's own C++ backtrace, keeping the message.
func trimTrace(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\ngoroutine "); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, "\nException raised from"); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(strings.TrimSpace(msg))
}
