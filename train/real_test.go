package train

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fixup-nmt/nmt/tch"
)

func realConfig(t *testing.T) Config {
	c := tinyConfig(t)
	c.Model.Arch, c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = "small", 1, 1, 32, 64, 2
	c.Model.Norm, c.Model.Init, c.Model.Dropout = "none", "fixup", 0.1
	return c
}

// TestTransformerLossFallsAndResumes runs the real Fixup Transformer
// (d 32, 1+1 layers): the loss falls, and a run stopped at update 9 and
// resumed matches the uninterrupted one exactly.
func TestTransformerLossFallsAndResumes(t *testing.T) {
	tch.LockThread()
	c := realConfig(t)
	c.Optim.MaxUpdate = 30
	full, err := runWith(t, c, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	first, last := mean(full[:5]), mean(full[len(full)-5:])
	t.Logf("Fixup d32 1+1: loss %.3f -> %.3f bits/token", first, last)
	if !(last < first-0.5) {
		t.Errorf("loss did not fall: %.3f -> %.3f", first, last)
	}
	resumedMatches(t, c, 9, full)
}

// resumedMatches runs c in a new save directory up to update k, resumes
// it up to c.Optim.MaxUpdate, and fails unless every update's loss and gradient
// norm equal full's (c run without a stop) bit for bit.
func resumedMatches(t *testing.T, c Config, k int, full []UpdateStats) {
	t.Helper()
	last := c.Optim.MaxUpdate
	c.Checkpoint.SaveDir, c.Optim.MaxUpdate = t.TempDir(), k
	a, err := runWith(t, c, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	c.Optim.MaxUpdate = last
	b, err := runWith(t, c, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	got := append(a, b...)
	if len(got) != len(full) {
		t.Fatalf("stopped at %d and resumed: %d updates, uninterrupted %d", k, len(got), len(full))
	}
	for i := range full {
		if got[i].Loss != full[i].Loss || got[i].GNorm != full[i].GNorm {
			t.Fatalf("update %d: resumed loss %v gnorm %v, uninterrupted %v %v", i+1, got[i].Loss, got[i].GNorm, full[i].Loss, full[i].GNorm)
		}
	}
}

func runWith(t *testing.T, c Config, build BuildFunc) ([]UpdateStats, error) {
	var got []UpdateStats
	tr, err := New(c, Options{Build: build, Log: testLog{t}, OnUpdate: func(u UpdateStats) { got = append(got, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return got, tr.Run()
}

// TestBinarySIGTERM runs bin/nmt-torch train (go build -o bin/nmt-torch
// ./cmd/nmt-torch first; skipped without it), sends SIGTERM, and checks
// the exit status 143, the message and a valid checkpoint_last.
func TestBinarySIGTERM(t *testing.T) {
	bin, _ := filepath.Abs("../bin/nmt-torch")
	if _, err := os.Stat(bin); err != nil {
		t.Skip("bin/nmt-torch not built")
	}
	c := realConfig(t)
	cmd := exec.Command(bin, "train", "--data", c.Data.Dir, "--save-dir", c.Checkpoint.SaveDir, "--recipe", "small",
		"--encoder-layers", "1", "--decoder-layers", "1", "--dim", "32", "--ffn-dim", "64", "--heads", "2",
		"--max-tokens", "512", "--log-interval", "1", "--threads", "1", "--device", "cpu", "--max-update", "100000")
	var out strings.Builder
	cmd.Stderr, cmd.Stdout = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b, _ := os.ReadFile(metrics); strings.Count(string(b), "\n") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no progress:\n%s", out.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 143 {
		t.Fatalf("exit %v, want 143\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "resume with") {
		t.Errorf("no resume hint:\n%s", out.String())
	}
	hdr, _, err := ReadCheckpoint(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext))
	if err != nil || hdr.Meta.Updates < 3 {
		t.Fatalf("checkpoint_last: %v %+v", err, hdr)
	}
	t.Logf("stopped after update %d", hdr.Meta.Updates)
}

// TestBinaryOneTrainerPerDir runs bin/nmt-torch (skipped when not built):
// a second `nmt train` on a save directory in use exits at once, non-zero,
// naming the first one's pid; after the first is killed with SIGKILL the
// same command takes the directory over, removes the half-written files
// the killed one left and trains on, with one metrics record per update.
// `nmt model` then reads the trainer's checkpoint, and `nmt train
// --recipe ... --print-config` needs no data.
func TestBinaryOneTrainerPerDir(t *testing.T) {
	bin, _ := filepath.Abs("../bin/nmt-torch")
	if _, err := os.Stat(bin); err != nil {
		t.Skip("bin/nmt-torch not built")
	}
	c := realConfig(t)
	trainCmd := func(maxUpdate string) *exec.Cmd {
		return exec.Command(bin, "train", "--data", c.Data.Dir, "--save-dir", c.Checkpoint.SaveDir, "--recipe", "small",
			"--encoder-layers", "1", "--decoder-layers", "1", "--dim", "32", "--ffn-dim", "64", "--heads", "2",
			"--max-tokens", "512", "--log-interval", "1", "--threads", "1", "--device", "cpu", "--max-update", maxUpdate)
	}
	first := trainCmd("100000")
	var out1 strings.Builder
	first.Stderr, first.Stdout = &out1, &out1
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	metrics := filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(metrics); strings.Count(string(b), "\n") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress:\n%s", out1.String())
		}
	}
	out, err := trainCmd("4").CombinedOutput()
	want := fmt.Sprintf("process %d is training into it", first.Process.Pid)
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("second trainer: %v\n%s\nwant an error containing %q", err, out, want)
	}
	t.Logf("second trainer: %s", strings.TrimSpace(string(out)))

	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	// What a kill in the middle of writing leaves.
	half := filepath.Join(c.Checkpoint.SaveDir, ".checkpoint_last.ckpt.tmp-123")
	os.WriteFile(half, []byte("half a checkpoint"), 0o644)
	last := filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext)
	resume := 0
	if hdr, _, err := ReadCheckpoint(last); err == nil {
		resume = hdr.Meta.Updates
	}
	out, err = trainCmd(fmt.Sprint(resume + 3)).CombinedOutput()
	if err != nil {
		t.Fatalf("after kill -9 of the first trainer: %v\n%s", err, out)
	}
	t.Logf("killed at update %d or later, resumed from %d:\n%s", strings.Count(out1.String(), "\n"), resume, out)
	if _, err := os.Stat(half); err == nil {
		t.Errorf("%s is still there", half)
	}
	b, _ := os.ReadFile(metrics)
	var updates []int
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Errorf("metrics.jsonl: %v: %q", err, line)
		}
		if r.Type == "train" {
			updates = append(updates, r.Update)
		}
	}
	for i, u := range updates {
		if u != i+1 || len(updates) != resume+3 {
			t.Errorf("train records of updates %v, want 1..%d once each", updates, resume+3)
			break
		}
	}

	out, err = exec.Command(bin, "model", "--checkpoint", last).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "model: 1+1 layers, d 32") {
		t.Errorf("nmt model --checkpoint checkpoint_last.ckpt: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "train", "--recipe", "iwslt14-fixup", "--print-config").Output()
	if err != nil || !strings.Contains(string(out), "recipe: iwslt14-fixup") {
		t.Errorf("nmt train --recipe iwslt14-fixup --print-config: %v\n%s", err, out)
	}
}
