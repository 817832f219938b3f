package train

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
	"github.com/fixup-nmt/nmt/tch"
)

// holdLock is the process TestSaveDirLock kills (TestMain runs it when
// NMT_TRAIN_LOCK_HOLDER is set): it locks the save directory as a trainer
// does, leaves a checkpoint half written, says "locked" and waits.
func holdLock(dir string) error {
	if _, err := lockDir(dir); err != nil {
		return err
	}
	f, err := atomicfile.Create(filepath.Join(dir, "checkpoint_last"+Ext))
	if err != nil {
		return err
	}
	f.WriteString("the first half of a checkpoint")
	if err := f.Flush(); err != nil {
		return err
	}
	fmt.Println("locked")
	time.Sleep(5 * time.Minute)
	return errors.New("not killed")
}

// TestSaveDirLock: while a trainer holds a save directory, a second one is
// refused at once, naming the holder's pid, and nothing of the holder's is
// touched. After the holder is killed with SIGKILL the directory is taken
// over, and the half-written checkpoint it left is removed (with the
// other trainer files' temporaries, not with anyone else's). A pid that
// lives but holds no lock (pid reuse) does not block.
func TestSaveDirLock(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 2
	dir := c.Checkpoint.SaveDir
	others := []string{".checkpoint_3_81.ckpt.link-tmp", ".config.yaml.tmp-42", ".notes.txt.tmp-7", "notes.txt"}
	for _, n := range others {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "NMT_TRAIN_LOCK_HOLDER="+dir)
	holder.Stderr = os.Stderr
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("lock holder said %q, %v", line, err)
	}
	temps := func() []string {
		ents, _ := os.ReadDir(dir)
		var names []string
		for _, e := range ents {
			if _, ok := atomicfile.TempOf(e.Name()); ok {
				names = append(names, e.Name())
			}
		}
		return names
	}
	before := temps()
	if len(before) != 4 {
		t.Fatalf("temporary files %v: want the holder's and three of the test's", before)
	}

	_, err = New(c, Options{Build: buildTiny, Log: testLog{t}})
	var locked *DirLocked
	if !errors.As(err, &locked) || locked.PID != holder.Process.Pid || !strings.Contains(err.Error(), fmt.Sprintf("process %d is training into it", holder.Process.Pid)) {
		t.Fatalf("second trainer: err = %v, want DirLocked naming pid %d", err, holder.Process.Pid)
	}
	t.Log(err)
	if got := temps(); !slices.Equal(got, before) {
		t.Fatalf("a refused trainer removed files: %v, were %v", got, before)
	}

	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	tr, err := New(c, Options{Build: buildTiny, Log: testLog{t}})
	if err != nil {
		t.Fatalf("after kill -9 of the holder: %v", err)
	}
	if got := temps(); !slices.Equal(got, []string{".notes.txt.tmp-7"}) {
		t.Errorf("temporary files after the start: %v, want only the one of another program", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, lockName)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want this pid %d", b, os.Getpid())
	}
	if _, err := New(c, Options{Build: buildTiny, Log: testLog{t}}); !errors.As(err, &locked) || locked.PID != os.Getpid() {
		t.Errorf("a second trainer in the same process: err = %v, want DirLocked naming pid %d", err, os.Getpid())
	}
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	tr.Close()

	// A live pid in a lock file that nobody holds (the pid of a dead
	// trainer, reused) does not block.
	os.WriteFile(filepath.Join(dir, lockName), []byte("1\n"), 0o644)
	tr, err = New(c, Options{Build: buildTiny, Log: testLog{t}})
	if err != nil {
		t.Fatalf("lock file naming live pid 1, not held: %v", err)
	}
	tr.Close()
}

// startLimited is the process of TestConfigYAMLWriteFails (TestMain runs
// it when NMT_TRAIN_FSIZE_SAVE is set): New with every file write cut at
// 2 KiB (RLIMIT_FSIZE; writes past it fail with EFBIG, as on a full
// disk). It prints New's error.
func startLimited(data, save string) {
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 2048, Max: 2048})
	tr, err := New(tinyConfigFor(data, save), Options{Build: buildTiny, Log: os.Stderr})
	if err == nil {
		tr.Close()
	}
	fmt.Println(err)
}

// TestConfigYAMLWriteFails: when config.yaml cannot be written (a write
// fails part way), the trainer stops with the error, and the config.yaml
// of the earlier run is still there, whole.
func TestConfigYAMLWriteFails(t *testing.T) {
	c := tinyConfig(t)
	old := c.YAML()
	p := filepath.Join(c.Checkpoint.SaveDir, "config.yaml")
	os.WriteFile(p, []byte(old), 0o644)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NMT_TRAIN_FSIZE_DATA="+c.Data.Dir, "NMT_TRAIN_FSIZE_SAVE="+c.Checkpoint.SaveDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("New: %s", out)
	if !strings.Contains(string(out), "config.yaml") || !strings.Contains(string(out), "file too large") {
		t.Errorf("New under a 2 KiB file limit: %q, want an error writing config.yaml", out)
	}
	if b, _ := os.ReadFile(p); string(b) != old {
		t.Errorf("config.yaml holds %d bytes after the failed write, want the old %d", len(b), len(old))
	}
	ents, _ := os.ReadDir(c.Checkpoint.SaveDir)
	for _, e := range ents {
		if _, ok := atomicfile.TempOf(e.Name()); ok {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
