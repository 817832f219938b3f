// Package build holds the tools that scripts/setup.sh runs (stubgen,
// gotchpatch) and tests of setup's own checks.
package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runSetup runs scripts/setup.sh --check with extra environment and
// returns its exit error and combined output.
func runSetup(t *testing.T, env ...string) (error, string) {
	t.Helper()
	cmd := exec.Command("bash", "../../scripts/setup.sh", "--check")
	cmd.Env = append(os.Environ(), append([]string{"NMT_NO_APT=1"}, env...)...)
	out, err := cmd.CombinedOutput()
	return err, string(out)
}

func TestSetupStopsWithClearMessage(t *testing.T) {
	empty := t.TempDir()
	multiarch := "x86_64-linux-gnu"
	if out, err := exec.Command("gcc", "-print-multiarch").Output(); err == nil {
		multiarch = strings.TrimSpace(string(out))
	}
	// A prefix with libtorch but reference BLAS.
	refblas := t.TempDir()
	inc := filepath.Join(refblas, "include/torch/csrc/api/include/torch")
	lib := filepath.Join(refblas, "lib", multiarch)
	for _, d := range []string{inc, lib, filepath.Join(refblas, "blas")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	touch := func(p string) {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	touch(filepath.Join(inc, "torch.h"))
	touch(filepath.Join(lib, "libtorch.so"))
	touch(filepath.Join(refblas, "blas", "libblas.so.3.11.0"))
	if err := os.Symlink(filepath.Join(refblas, "blas", "libblas.so.3.11.0"), filepath.Join(lib, "libblas.so.3")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"bad LIBTORCH path", []string{"LIBTORCH=" + filepath.Join(empty, "nope")}, []string{"is not a folder", "LIBTORCH"}},
		{"LIBTORCH without headers", []string{"LIBTORCH=" + empty}, []string{"not a libtorch folder"}},
		{"no libtorch", []string{"NMT_DEBIAN_PREFIX=" + empty}, []string{"libtorch not found", "apt-get install libtorch-dev libopenblas0-openmp", "LIBTORCH="}},
		{"no OpenBLAS", []string{"NMT_DEBIAN_PREFIX=" + refblas}, []string{"not OpenBLAS", "apt-get install libopenblas0-openmp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err, out := runSetup(t, tt.env...)
			if err == nil {
				t.Fatalf("setup succeeded, want a failure; output:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
