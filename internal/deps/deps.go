// Package deps holds the project's layering as data, in the manner of Go's
// own src/go/build/deps_test.go: each package may import only the project
// packages listed for it (layers below it, the allow-list in its tests),
// and the pure-Go layers (PureGo) never depend on gotch or cgo. Its tests
// check `go list` against both. scripts/test.sh takes the pure-Go packages
// from here, through cmd/purego:
//
//	go list ./... | go run ./internal/deps/cmd/purego        # the pure-Go packages
//	go list ./... | go run ./internal/deps/cmd/purego -torch # the others
package deps

import "strings"

// Module is the project's module path, with its final slash.
const Module = "github.com/fixup-nmt/nmt/"

// PureGo lists the layers that must never link libtorch: they build and
// pass their tests with CGO_ENABLED=0. Entries are packages relative to
// Module, or prefixes ending in "/...".
var PureGo = []string{"internal/atomicfile", "internal/cmdinfo", "text", "bpe", "spm", "eval/bleu", "quant", "data", "data/...", "cmd/nmt"}

// Matches reports whether the package rel (relative to Module) is in list,
// whose entries are packages, prefixes ending in "/..." or "*" (any).
func Matches(list []string, rel string) bool {
	for _, a := range list {
		if a == "*" || a == rel {
			return true
		}
		if base, ok := strings.CutSuffix(a, "/..."); ok && strings.HasPrefix(rel, base+"/") {
			return true
		}
	}
	return false
}

// Split divides import paths into the project's pure-Go packages (PureGo)
// and the others, packages outside the module among them, keeping their
// order.
func Split(paths []string) (pure, others []string) {
	for _, p := range paths {
		if rel, ok := strings.CutPrefix(p, Module); ok && Matches(PureGo, rel) {
			pure = append(pure, p)
		} else {
			others = append(others, p)
		}
	}
	return pure, others
}
