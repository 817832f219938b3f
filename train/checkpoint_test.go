package train

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestAverage(t *testing.T) {
	dir := t.TempDir()
	vals := []float32{1, 2, 4.5}
	var paths []string
	for i, v := range vals {
		p := filepath.Join(dir, "checkpoint_1_"+string(rune('1'+i))+"0.ckpt")
		bs := append(testBlobs(v, 10*v), Blob{TensorInfo: TensorInfo{Name: "optim.exp_avg.x", DType: "float32", Shape: []int64{1}}, Data: make([]byte, 4)})
		if err := WriteCheckpoint(p, Meta{Updates: 10 * (i + 1)}, bs); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
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
