package build

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCxx builds and runs the C++ tests of csrc/ (csrc/*/*_test.cpp, which
// setup leaves out of the library): each is a program that prints what
// failed and exits 1, or exits 0. They are compiled as setup compiles
// nmt's C++ (C++17, -O2, -fno-math-errno, csrc/ on the include path) and
// linked to build/lib/libtch.so, for those that test what it holds.
func TestCxx(t *testing.T) {
	files, err := filepath.Glob("../../csrc/*/*_test.cpp")
	if err != nil || len(files) < 2 {
		t.Fatalf("C++ tests in csrc/: %v (%v)", files, err)
	}
	lib, err := filepath.Abs("../../build/lib")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".cpp")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			exe := filepath.Join(t.TempDir(), name)
			build := exec.Command("g++", "-std=c++17", "-O2", "-Wno-psabi", "-fno-math-errno", "-I../../csrc",
				f, "-o", exe, "-L"+lib, "-ltch", "-Wl,-rpath,"+lib)
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("%s does not compile: %v\n%s", f, err, out)
			}
			out, err := exec.Command(exe).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", f, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
