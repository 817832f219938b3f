package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

func testBlobs(vals ...float32) []Blob {
	var bs []Blob
	for i, v := range vals {
		b := Blob{TensorInfo: TensorInfo{Name: "model.w" + string(rune('a'+i)), DType: "float32", Shape: []int64{2}}}
		b.Data = encode("float32", []float64{float64(v), float64(-v)}, 1)
		bs = append(bs, b)
	}
	return bs
}

func TestCheckpointTruncatedIsRefused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "checkpoint_last.ckpt")
	if err := WriteCheckpoint(p, Meta{Updates: 7}, testBlobs(1, 2)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCheckpoint(p); err != nil {
		t.Fatal(err)
	}
	full, _ := os.ReadFile(p)
	for _, n := range []int{0, 5, 16, 40, len(full) / 2, len(full) - 41, len(full) - 1} {
		bad := filepath.Join(dir, "bad.ckpt")
		os.WriteFile(bad, full[:n], 0o644)
		_, _, err := ReadCheckpoint(bad)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated to %d of %d bytes: got %v, want ErrCorrupt", n, len(full), err)
		}
	}
	// One flipped byte in the data.
	flip := append([]byte(nil), full...)
	flip[len(flip)-45] ^= 1
	bad := filepath.Join(dir, "flip.ckpt")
	os.WriteFile(bad, flip, 0o644)
	if _, _, err := ReadCheckpoint(bad); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("flipped byte: got %v", err)
	}
}

// averageInputs writes three checkpoints (checkpoint_1_10, _20, _30)
// into dir whose tensors hold 1, 2 and 4.5 times (1, -1) and (10, -10).
func averageInputs(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	for i, v := range []float32{1, 2, 4.5} {
		p := filepath.Join(dir, "checkpoint_1_"+string(rune('1'+i))+"0.ckpt")
		bs := append(testBlobs(v, 10*v), Blob{TensorInfo: TensorInfo{Name: "optim.exp_avg.x", DType: "float32", Shape: []int64{1}}, Data: make([]byte, 4)})
		if err := WriteCheckpoint(p, Meta{Updates: 10 * (i + 1)}, bs); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func TestAverage(t *testing.T) {
	dir := t.TempDir()
	paths := averageInputs(t, dir)
	got, err := LastCheckpoints(dir, 2, true)
	if err != nil || len(got) != 2 || got[0] != paths[1] || got[1] != paths[2] {
		t.Fatalf("LastCheckpoints = %v, %v", got, err)
	}
	out := filepath.Join(dir, "avg.ckpt")
	if err := Average(paths, out); err != nil {
		t.Fatal(err)
	}
	hdr, blobs, err := ReadCheckpoint(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(blobs) != 2 || len(hdr.Meta.AveragedFrom) != 3 {
		t.Fatalf("got %d tensors (optimizer state must be dropped), averaged_from %v", len(blobs), hdr.Meta.AveragedFrom)
	}
	m := float32((1 + 2 + 4.5) / 3.0)
	for i, want := range [][]float32{{m, -m}, {10 * m, -10 * m}} {
		g := blobs[i].Float32s()
		for k := range want {
			if d := g[k] - want[k]; d > 1e-6 || d < -1e-6 {
				t.Errorf("%s[%d] = %v, want %v", blobs[i].Name, k, g[k], want[k])
			}
		}
	}
	if _, err := LastCheckpoints(dir, 5, true); err == nil {
		t.Error("asking for more checkpoints than exist is not an error")
	}
}

// TestAverageIntoSaveDir: an average written into a save directory while
// its trainer runs may not take a name the trainer writes (the error
// names the trainer's pid; the file is left alone) and may take any
// other; with no trainer there, it holds the directory's lock while it
// writes (its pid goes into the lock file) and releases it; a directory
// that is not a save directory gets no lock file.
func TestAverageIntoSaveDir(t *testing.T) {
	dir := t.TempDir()
	paths := averageInputs(t, dir)
	save := filepath.Join(dir, "run")
	if err := os.Mkdir(save, 0o755); err != nil {
		t.Fatal(err)
	}
	trainer, err := lockDir(save) // a second open file: refused as another process's would be
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"checkpoint_last.ckpt", "checkpoint3.ckpt", "checkpoint_best.ckpt", "checkpoint_2_500.ckpt", "config.yaml", "metrics.jsonl"} {
		p := filepath.Join(save, name)
		os.WriteFile(p, []byte("the trainer's"), 0o644)
		err := Average(paths, p)
		want := fmt.Sprintf("--output %s: process %d is training into %s and writes that name", p, os.Getpid(), save)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("average into %s while a trainer runs: %v, want an error containing %q", name, err, want)
		}
		if b, _ := os.ReadFile(p); string(b) != "the trainer's" {
			t.Errorf("%s overwritten", name)
		}
	}
	if err := Average(paths, filepath.Join(save, "avg.ckpt")); err != nil {
		t.Errorf("avg.ckpt beside a running trainer: %v", err)
	}
	trainer.Close()

	lockFile := filepath.Join(save, lockName)
	os.WriteFile(lockFile, []byte("1\n"), 0o644)
	last := filepath.Join(save, "checkpoint_last.ckpt")
	if err := Average(paths, last); err != nil {
		t.Fatalf("into a save directory nobody trains into: %v", err)
	}
	if _, _, err := ReadCheckpoint(last); err != nil {
		t.Error(err)
	}
	if b, _ := os.ReadFile(lockFile); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q: the average did not take the lock", b)
	}
	if l, err := lockDir(save); err != nil {
		t.Errorf("lock not released: %v", err)
	} else {
		l.Close()
	}

	if err := Average(paths, filepath.Join(dir, "avg.ckpt")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, lockName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a lock file in a directory that is no save directory: %v", err)
	}
}

// TestInt8CheckpointRefused: a quantized checkpoint (nmt quantize: int8
// tensors) is refused by resuming training and by averaging, with an
// error that says what it is.
func TestInt8CheckpointRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "int8.ckpt")
	blobs := append(testBlobs(1), Blob{TensorInfo: TensorInfo{Name: "model.q", DType: "int8", Shape: []int64{2}}, Data: []byte{1, 255}})
	if err := WriteCheckpoint(p, Meta{Format: FormatVersion}, blobs); err != nil {
		t.Fatal(err)
	}
	const want = "an int8 checkpoint (nmt quantize) is for translation only"
	if err := Average([]string{p, p}, filepath.Join(t.TempDir(), "avg.ckpt")); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Average: %v", err)
	}
	tch.LockThread()
	c := tinyConfig(t)
	c.Checkpoint.RestoreFile = p
	if _, err := New(c, Options{Build: buildTiny, Log: testLog{t}}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("New with Restore: %v", err)
	}
}
