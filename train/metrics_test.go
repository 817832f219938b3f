package train

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

// readRecords parses every line of dir/metrics.jsonl; a line that does
// not parse fails the test.
func readRecords(t *testing.T, dir string) []Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("metrics.jsonl ends in a cut line: %q", b[max(0, len(b)-40):])
	}
	var out []Record
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("metrics.jsonl:%d: %v: %q", i+1, err, line)
		}
		out = append(out, r)
	}
	return out
}

// TestMetricsResume: what a kill -9 after a checkpoint leaves in
// metrics.jsonl (records written after the checkpoint, the last one cut
// short) is cut away when the run resumes, so every update has exactly
// one record and every line parses.
func TestMetricsResume(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 6 // within the first epoch: no validation
	if _, err := run(t, c, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	// A record of the checkpoint's own update written after it, two of
	// later updates, the last one cut.
	f.WriteString(`{"type":"valid","update":6,"epoch":1,"loss":5}` + "\n" +
		`{"type":"train","update":7,"epoch":1,"loss":5}` + "\n" + `{"type":"train","update":8,"ep`)
	f.Close()
	c.Optim.MaxUpdate = 10
	if _, err := run(t, c, nil); err != nil {
		t.Fatal(err)
	}
	var updates []int
	for _, r := range readRecords(t, c.Checkpoint.SaveDir) {
		if r.Type != "train" {
			t.Errorf("unexpected %s record at update %d", r.Type, r.Update)
		}
		updates = append(updates, r.Update)
	}
	if !slices.Equal(updates, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("train records of updates %v, want 1..10 once each", updates)
	}
}

// TestMetricsWriteError: a metrics record that cannot be written (a full
// disk: metrics.jsonl is /dev/full here) stops training with an error
// naming the file, after saving checkpoint_last.
func TestMetricsWriteError(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 5
	if err := os.Symlink("/dev/full", filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl")); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, c, nil)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "metrics.jsonl") {
		t.Fatalf("err = %v, want ENOSPC naming metrics.jsonl", err)
	}
	t.Log(err)
	hdr, _, err := ReadCheckpoint(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext))
	if err != nil || hdr.Meta.Updates != 1 {
		t.Fatalf("checkpoint_last: %v, %+v; want one saved at update 1", err, hdr)
	}
}

// TestTrimMetrics: the rules of the cut at a resume.
func TestTrimMetrics(t *testing.T) {
	rec := func(u int) string { return `{"type":"train","update":` + string(rune('0'+u)) + "}\n" }
	for _, tc := range []struct {
		name, text string
		upTo       int
		limit      int64
		keep       string
		dropped    int
	}{
		{"nothing to cut", rec(1) + rec(2), 2, 0, rec(1) + rec(2), 0},
		{"later updates", rec(1) + rec(2) + rec(3), 1, 0, rec(1), 2},
		{"cut line", rec(1) + `{"type":"tr`, 5, 0, rec(1), 1},
		{"size limit", rec(1) + rec(2) + rec(2), 2, int64(2 * len(rec(1))), rec(1) + rec(2), 1},
		{"limit beyond the file", rec(1), 1, 1000, rec(1), 0},
		{"fresh start", rec(1) + rec(2), 0, 0, "", 2},
		{"unreadable line", rec(1) + "garbage\n" + rec(2), 5, 0, rec(1), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "metrics.jsonl")
			os.WriteFile(p, []byte(tc.text), 0o644)
			n, err := trimMetrics(p, tc.upTo, tc.limit)
			b, _ := os.ReadFile(p)
			if err != nil || n != tc.dropped || string(b) != tc.keep {
				t.Errorf("dropped %d, %v, kept %q; want %d, %q", n, err, b, tc.dropped, tc.keep)
			}
		})
	}
	if n, err := trimMetrics(filepath.Join(t.TempDir(), "none"), 1, 0); n != 0 || err != nil {
		t.Errorf("no file: %d, %v", n, err)
	}
}

// TestResumeAfterEpochEnd: a run resumed from the checkpoint saved at the
// end of an epoch (as after a kill -9 in the next one) goes on with the
// next epoch; it does not validate (and write a valid record, and count
// patience) a second time.
func TestResumeAfterEpochEnd(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxEpoch = 1
	if _, err := run(t, c, nil); err != nil {
		t.Fatal(err)
	}
	c.Optim.MaxEpoch, c.Checkpoint.RestoreFile = 2, filepath.Join(c.Checkpoint.SaveDir, "checkpoint1"+Ext)
	if _, err := run(t, c, nil); err != nil {
		t.Fatal(err)
	}
	var valid []int
	for _, r := range readRecords(t, c.Checkpoint.SaveDir) {
		if r.Type == "valid" {
			valid = append(valid, r.Epoch)
		}
	}
	if !slices.Equal(valid, []int{1, 2}) {
		t.Errorf("valid records of epochs %v, want [1 2]", valid)
	}
}
