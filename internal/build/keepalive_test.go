package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/build/keepalive"
)

// TestKeepAlive fails when a function passes a tensor's C handle to C
// without keeping the tensor alive until the call returns (package
// keepalive says what counts): in the patched gotch that setup made
// (third_party/gotch, rule 6 of gotchpatch) and in every cgo file of the
// project.
func TestKeepAlive(t *testing.T) {
	ts, err := filepath.Glob("../../third_party/gotch/ts/*.go")
	if err != nil || len(ts) == 0 {
		t.Fatalf("no patched gotch in third_party/gotch (run scripts/setup.sh): %v", err)
	}
	checkFiles(t, ts, keepalive.Gotch)

	out, err := exec.Command("go", "list", "-f", `{{$d := .Dir}}{{range .CgoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}`, "github.com/fixup-nmt/nmt/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var own []string
	for _, f := range strings.Fields(string(out)) {
		if !strings.Contains(f, "/internal/build/") {
			own = append(own, f)
		}
	}
	if len(own) < 5 {
		t.Fatalf("found only %d cgo files of the project: %v", len(own), own)
	}
	checkFiles(t, own, keepalive.Nmt)
}

func checkFiles(t *testing.T, files []string, r keepalive.Rules) {
	t.Helper()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		miss, err := keepalive.Check(f, src, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range miss {
			t.Error(m)
		}
	}
}
