package cgotest

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// childEnv tells a re-executed test binary which test to run as the child.
const childEnv = "NMT_GC_CHILD"

// InChild reports whether this process is the child of test t (RunChild).
func InChild(t *testing.T) bool { return os.Getenv(childEnv) == t.Name() }

// RunChild runs test t again in a child process (the test binary run
// again) with env added, and fails t with the child's output when it does
// not pass: for tests whose failure kills the process (a fatal error of
// the Go runtime, a segmentation fault in libtorch). The child's log lines
// from files named *gc_test.go are logged in t.
func RunChild(t *testing.T, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + t.Name()}, env...)...)
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil || !strings.Contains(s, "--- PASS: "+t.Name()) {
		if len(s) > 4000 {
			s = s[:2000] + "\n...\n" + s[len(s)-2000:]
		}
		t.Fatalf("the child process failed (%v):\n%s", err, s)
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "gc_test.go") {
			t.Log(strings.TrimSpace(l))
		}
	}
}

// GCLoop runs garbage collections back to back until stop is closed, so
// that the collector is marking (write barriers on) and finalizers run
// most of the time.
func GCLoop(stop chan struct{}) {
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
}

// UnderGC reports whether test t runs here. In the parent it runs t again
// in a child process with GOGC=1 (RunChild) and returns false; in the
// child it starts back-to-back collections (GCLoop), stopped when t ends,
// and returns true.
func UnderGC(t *testing.T) bool {
	if !InChild(t) {
		RunChild(t, "GOGC=1")
		return false
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	GCLoop(stop)
	return true
}
