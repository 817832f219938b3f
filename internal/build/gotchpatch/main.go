// Command gotchpatch applies nmt's mechanical fixes to a copy of gotch
// v0.9.1. The hand-written fixes are unified diffs in patches/gotch/ that
// setup applies with git apply; the fixes here touch thousands of generated
// lines, so they are rules, not diffs. Each rule is documented in
// patches/gotch/README.md:
//
//  1. out-buffer: generated ops wrote their results into C.malloc(0) and
//     never freed it (a leak per op, and a heap overflow for ops with more
//     than three outputs); they now use a 16-slot buffer freed on return.
//  2. in-place: generated in-place ops (`Add_`, ...) replaced the tensor's
//     handle without freeing the old one, so storage was never released.
//     An in-place op returns self, so the new handle is freed and the old
//     kept: copies of the Tensor value stay valid.
//  3. must-panic: Must* helpers called log.Fatal on a libtorch error, which
//     ends the process with no chance to save or report; they now panic
//     with the error, which callers may recover.
//  4. nil-optional: a nil *Tensor passed for an optional tensor argument
//     dereferenced nil; it now means ts.None (an undefined tensor).
//  5. int-pun: libtch read C ints as Go ints through an unsafe pointer
//     cast, taking 8 bytes from a 4-byte value: the grad-mode state that
//     GradSetEnabled returns, the device and the CUDA device count came back
//     as garbage (which is why upstream NoGrad switched gradients on at
//     exit instead of restoring them). They are now plain conversions.
//  6. keep-alive: every function of package ts that passes a tensor's or
//     scalar's C handle to libtorch keeps the Go object alive until the
//     call has returned (runtime.KeepAlive; package
//     internal/build/keepalive says where). Without it the object's
//     finalizer could free the C object while libtorch used it.
//
// Usage: gotchpatch DIR   (DIR is the gotch copy; rules 1-5; idempotent)
//
//	gotchpatch -keepalive DIR   (rule 6, after the diffs; idempotent)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/fixup-nmt/nmt/internal/build/keepalive"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 2:
		err = run(os.Args[1])
	case len(os.Args) == 3 && os.Args[1] == "-keepalive":
		err = keepAlive(os.Args[2])
	default:
		fmt.Fprintln(os.Stderr, "usage: gotchpatch GOTCH_DIR | gotchpatch -keepalive GOTCH_DIR")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gotchpatch: %v\n", err)
		os.Exit(1)
	}
}

var (
	mallocZero = regexp.MustCompile(`^(\s*)(\w+) := \(\*lib\.Ctensor\)\(unsafe\.Pointer\(C\.malloc\(0\)\)\)\s*$`)
	inPlace    = regexp.MustCompile(`^(\s*)ts\.ctensor = \*ptr\s*$`)
	fatal      = regexp.MustCompile(`\blog\.Fatal(f|ln)?\(`)
	ctensorArg = regexp.MustCompile(`\b(\w+)\.ctensor\b`)
	intPun     = regexp.MustCompile(`\*\(\*int\)\(unsafe\.Pointer\(&(\w+)\)\)`)
	libCall    = regexp.MustCompile(`^\s*lib\.Atg\w*\(`)
)

func run(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "ts", "*.go"))
	if err != nil {
		return err
	}
	nn, _ := filepath.Glob(filepath.Join(dir, "nn", "*.go"))
	files = append(files, nn...)
	libtch, _ := filepath.Glob(filepath.Join(dir, "libtch", "*.go"))
	files = append(files, libtch...)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		if err := rewrite(f); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nn", "nmt_patch.go"), []byte(nnHelpers), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "ts", "nmt_patch.go"), []byte(helpers), 0o644)
}

// keepAlive applies rule 6 to package ts. Setup runs it last, after nmt's
// diffs, which add code of their own to ts.
func keepAlive(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "ts", "*.go"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out, n, err := keepalive.Fix(f, src, keepalive.Gotch)
		if err != nil {
			return err
		}
		if n > 0 {
			if err := os.WriteFile(f, out, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func rewrite(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	src := string(b)
	lines := strings.Split(src, "\n")
	var out []string
	generated := strings.HasSuffix(path, "tensor-generated.go")
	for _, l := range lines {
		if m := mallocZero.FindStringSubmatch(l); m != nil {
			out = append(out, m[1]+m[2]+" := outBuf()", m[1]+"defer freeOutBuf("+m[2]+")")
			continue
		}
		if generated {
			if m := inPlace.FindStringSubmatch(l); m != nil {
				// An in-place op returns self: the new handle points at the
				// same tensor. Free it and keep the old one, so copies of
				// the Tensor value (VarStore.Variables returns copies) stay
				// valid.
				out = append(out, m[1]+"lib.AtFree(*ptr)")
				continue
			}
			if libCall.MatchString(l) {
				l = ctensorArg.ReplaceAllString(l, "ctOf($1)")
			}
		}
		l = intPun.ReplaceAllString(l, "int($1)")
		if strings.Contains(path, "/libtch/") {
			out = append(out, l)
			continue
		}
		l = fatal.ReplaceAllStringFunc(l, func(s string) string {
			return "MustFail" + strings.TrimPrefix(s, "log.Fatal")
		})
		out = append(out, l)
	}
	res := strings.Join(out, "\n")
	if !strings.Contains(path, "/ts/") {
		res = strings.ReplaceAll(res, "MustFail", "nmtMustFail")
	}
	res = dropUnusedImport(res, "log")
	res = dropUnusedImport(res, "unsafe")
	if res == src {
		return nil
	}
	return os.WriteFile(path, []byte(res), 0o644)
}

// dropUnusedImport removes the import of pkg when no pkg. use is left.
func dropUnusedImport(src, pkg string) string {
	if strings.Contains(src, pkg+".") {
		return src
	}
	src = regexp.MustCompile(`(?m)^\s*"`+pkg+`"\s*\n`).ReplaceAllString(src, "")
	return regexp.MustCompile(`(?m)^import "`+pkg+`"\s*\n`).ReplaceAllString(src, "")
}

const helpers = `package ts

// Helpers for nmt's mechanical fixes (internal/build/gotchpatch in nmt).

//#include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"

	lib "github.com/sugarme/gotch/libtch"
)

// outSlots is the most results one generated op writes.
const outSlots = 16

// outBuf returns a C buffer for an op's result handles; free it with
// freeOutBuf.
func outBuf() *lib.Ctensor {
	return (*lib.Ctensor)(C.calloc(outSlots, C.size_t(unsafe.Sizeof(lib.Ctensor(nil)))))
}

func freeOutBuf(p *lib.Ctensor) { C.free(unsafe.Pointer(p)) }

// ctOf returns t's handle, or an undefined tensor's for nil (an absent
// optional argument).
func ctOf(t *Tensor) lib.Ctensor {
	if t == nil {
		return None.ctensor
	}
	return t.ctensor
}

// MustFail panics with the error in v (gotch's Must* helpers called
// log.Fatal, which gave callers no chance to save or report).
func MustFail(v ...interface{}) {
	if len(v) == 1 {
		if err, ok := v[0].(error); ok {
			panic(err)
		}
	}
	panic(fmt.Sprint(v...))
}

// MustFailf is MustFail with a format.
func MustFailf(format string, v ...interface{}) { panic(fmt.Errorf(format, v...)) }

// MustFailln is MustFail.
func MustFailln(v ...interface{}) { MustFail(v...) }
`

const nnHelpers = `package nn

// Helpers for nmt's mechanical fixes (internal/build/gotchpatch in nmt).

import "github.com/sugarme/gotch/ts"

func nmtMustFail(v ...interface{})                 { ts.MustFail(v...) }
func nmtMustFailf(format string, v ...interface{}) { ts.MustFailf(format, v...) }
func nmtMustFailln(v ...interface{})               { ts.MustFail(v...) }
`
