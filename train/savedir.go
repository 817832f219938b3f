package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// A save directory belongs to one trainer at a time. The trainer holds an
// exclusive flock(2) on SAVE-DIR/.train.lock while it runs; the kernel
// releases it when the process ends in any way (kill -9 included), so a
// lock is never stale: the file of a dead trainer is simply taken over,
// and a recycled pid cannot keep it. The holder's pid is written into the
// file only for the message a second trainer gets.

// lockName is the lock file in a save directory.
const lockName = ".train.lock"

// DirLocked is returned by New when another process trains into the same
// save directory.
type DirLocked struct {
	Dir string
	PID int // 0: unknown
}

func (e *DirLocked) Error() string {
	return fmt.Sprintf("save-dir %s is in use: %s is training into it (lock %s); wait for it to end, stop it, or choose another --save-dir", e.Dir, e.holder(), filepath.Join(e.Dir, lockName))
}

// holder names the process that holds the lock.
func (e *DirLocked) holder() string {
	if e.PID > 0 {
		return fmt.Sprintf("process %d", e.PID)
	}
	return "another process"
}

// dirLock is a held save-directory lock; Close releases it.
type dirLock struct{ f *os.File }

// lockDir takes dir's lock without waiting: a *DirLocked error when
// another open file holds it.
func lockDir(dir string) (*dirLock, error) {
	p := filepath.Join(dir, lockName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("save-dir lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(p)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return nil, &DirLocked{Dir: dir, PID: pid}
		}
		return nil, fmt.Errorf("save-dir lock %s: %w", p, err)
	}
	// The pid only serves the message above: a full disk that keeps it
	// out does not stop training.
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f}, nil
}

// lockIfSaveDir takes dir's lock when dir is a save directory (it has a
// lock file); it returns nil, nil for any other directory and creates no
// lock file there.
func lockIfSaveDir(dir string) (*dirLock, error) {
	if _, err := os.Stat(filepath.Join(dir, lockName)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return lockDir(dir)
}

// Close releases the lock. The file stays: removing it would let a
// trainer that opened it before the removal and one that creates it anew
// both hold "the" lock.
func (l *dirLock) Close() error { return l.f.Close() }

// trainerFile matches the names the trainer writes into its save
// directory: checkpoints, config.yaml and metrics.jsonl.
var trainerFile = regexp.MustCompile(`^(checkpoint.*` + regexp.QuoteMeta(Ext) + `|config\.yaml|metrics\.jsonl)$`)

// removeStaleTemps deletes temporary files of the trainer's files left in
// dir by a process that died while writing them. Only call it holding
// dir's lock: no live trainer writes there then.
func removeStaleTemps(dir string) ([]string, error) {
	return atomicfile.RemoveTemps(dir, trainerFile.MatchString)
}

// claimSaveDir locks the save directory (rank 0 only: it alone writes
// there) and removes what dead trainers left half-written.
func (t *Trainer) claimSaveDir() error {
	if !t.master() {
		return nil
	}
	var err error
	if t.lock, err = lockDir(t.cfg.Checkpoint.SaveDir); err != nil {
		return err
	}
	removed, err := removeStaleTemps(t.cfg.Checkpoint.SaveDir)
	for _, p := range removed {
		fmt.Fprintf(t.log, "removed %s, left by a trainer that stopped while writing it\n", p)
	}
	return err
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
