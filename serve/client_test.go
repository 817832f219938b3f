package serve_test

import (
	"encoding/json"
	"github.com/fixup-nmt/nmt/serve"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNPMClient: the libretranslate package from npm (a third-party
// LibreTranslate client, installed into testdata/npm by
// scripts/setup.sh) translates through the server, with an API key, and
// gets nmt translate's output.
func TestNPMClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join("testdata", "npm")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "libretranslate")); err != nil {
		t.Skip("npm libretranslate is not installed: run scripts/setup.sh (or npm ci in serve/testdata/npm)")
	}
	_, ts := newServer(t, func(c *serve.Config) { c.APIKeys = map[string]bool{"npm-key": true} })
	sents := testSentences(t)[:20]
	want := offline(t, sents)
	cmd := exec.Command(node, "client.cjs", ts.URL, "npm-key")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(strings.Join(sents, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("node client.cjs: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(sents) {
		t.Fatalf("%d answers for %d sentences:\n%s", len(lines), len(sents), out)
	}
	for i, l := range lines {
		var got string
		if err := json.Unmarshal([]byte(l), &got); err != nil || got != want[i] {
			t.Errorf("sentence %d: the client got %s, nmt translate gives %q", i+1, l, want[i])
		}
	}
}
