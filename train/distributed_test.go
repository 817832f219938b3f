package train

import (
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/dist"
	"github.com/fixup-nmt/nmt/tch"
)

// The distributed tests run this test binary as workers: TestMain turns a
// process with NMT_TRAIN_DIST_ROLE set into one rank of a run (and one
// with NMT_TRAIN_LOCK_HOLDER or NMT_TRAIN_FSIZE_SAVE set into the child
// of TestSaveDirLock or TestConfigYAMLWriteFails).

func TestMain(m *testing.M) {
	if role := os.Getenv("NMT_TRAIN_DIST_ROLE"); role != "" {
		tch.LockThread()
		if err := distWorker(role); err != nil {
			fmt.Fprintln(os.Stderr, "worker error:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	if dir := os.Getenv("NMT_TRAIN_LOCK_HOLDER"); dir != "" {
		fmt.Fprintln(os.Stderr, "lock holder:", holdLock(dir))
		os.Exit(3)
	}
	if save := os.Getenv("NMT_TRAIN_FSIZE_SAVE"); save != "" {
		tch.LockThread()
		startLimited(os.Getenv("NMT_TRAIN_FSIZE_DATA"), save)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// noDropout is tinyModel without dropout: with dropout the pooled
// batches of one process and the shards of two draw different masks.
type noDropout struct{ *tinyModel }

func (noDropout) SetTraining(bool) {}

func buildTinyNoDropout(p *nn.Path, c Config, v Vocab) (Model, any, error) {
	m, mc, err := buildTiny(p, c, v)
	return noDropout{m.(*tinyModel)}, mc, err
}

func distConfig(dataDir, saveDir string) Config {
	c, err := Recipe("small")
	if err != nil {
		panic(err)
	}
	c.Data.Dir, c.Checkpoint.SaveDir = dataDir, saveDir
	c.Data.MaxTokens, c.Optim.LR, c.Optim.WarmupUpdates, c.Log.Interval = 512, 3e-3, 5, 1
	c.Optim.MaxEpoch, c.Checkpoint.SaveIntervalUpdates, c.Checkpoint.KeepIntervalUpdates = 0, 0, 0
	c.Machine.Threads, c.Machine.Device = 1, "cpu"
	return c
}

func distWorker(role string) error {
	e, ok, err := dist.EnvFromOS()
	if err != nil || !ok {
		return fmt.Errorf("env: %v", err)
	}
	g, err := dist.New("gloo", e, 20*time.Second)
	if err != nil {
		return err
	}
	defer g.Close()
	c := distConfig(os.Getenv("NMT_TRAIN_DIST_DATA"), os.Getenv("NMT_TRAIN_DIST_SAVE"))
	c.Optim.MaxUpdate, _ = strconv.Atoi(os.Getenv("NMT_TRAIN_DIST_MAX_UPDATE"))
	o := Options{Build: buildTinyNoDropout, Log: os.Stderr, Dist: g}
	if role == "slow" {
		c.Checkpoint.SaveIntervalUpdates = 2
		o.OnUpdate = func(UpdateStats) { time.Sleep(40 * time.Millisecond) }
	}
	tr, err := New(c, o)
	if err != nil {
		return err
	}
	defer tr.Close()
	if err := tr.Run(); err != nil {
		return err
	}
	if out := os.Getenv("NMT_TRAIN_DIST_OUT"); out != "" {
		return os.WriteFile(filepath.Join(out, fmt.Sprintf("rank%d.params", g.Rank)), paramBytes(tr), 0o644)
	}
	return nil
}

// paramBytes is every parameter's float64 values, in name order.
func paramBytes(tr *Trainer) []byte {
	var b []byte
	for _, p := range tr.params {
		for _, v := range p.T.Float64Values() {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return b
}

func floats(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type worker struct {
	cmd *exec.Cmd
	out strings.Builder
}

// startWorkers starts world ranks of role on loopback.
func startWorkers(t *testing.T, role string, world int, env ...string) []*worker {
	port := freePort(t)
	var ws []*worker
	for r := 0; r < world; r++ {
		w := &worker{cmd: exec.Command(os.Args[0], "-test.run=^$")}
		w.cmd.Env = append(os.Environ(), "NMT_TRAIN_DIST_ROLE="+role,
			"MASTER_ADDR=127.0.0.1", "MASTER_PORT="+strconv.Itoa(port),
			"RANK="+strconv.Itoa(r), "WORLD_SIZE="+strconv.Itoa(world), "LOCAL_RANK="+strconv.Itoa(r))
		w.cmd.Env = append(w.cmd.Env, env...)
		w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.out
		if err := w.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	t.Cleanup(func() {
		for _, w := range ws {
			if w.cmd.ProcessState == nil {
				w.cmd.Process.Kill()
				w.cmd.Wait()
			}
		}
	})
	return ws
}

// TestDistributedMatchesUpdateFreq: two processes (Gloo on loopback),
// each taking every other batch, end with identical parameters, equal
// within 1e-5 to one process trained on the same batches with
// update-freq 2.
func TestDistributedMatchesUpdateFreq(t *testing.T) {
	tch.LockThread()
	dataDir := tinyData(t)
	out, save := t.TempDir(), t.TempDir()
	const updates = 8
	ws := startWorkers(t, "train", 2, "NMT_TRAIN_DIST_DATA="+dataDir, "NMT_TRAIN_DIST_SAVE="+save,
		"NMT_TRAIN_DIST_OUT="+out, "NMT_TRAIN_DIST_MAX_UPDATE="+strconv.Itoa(updates))
	for r, w := range ws {
		if err := w.cmd.Wait(); err != nil {
			t.Fatalf("rank %d: %v\n%s", r, err, w.out.String())
		}
	}
	t.Logf("rank 0 log:\n%s", ws[0].out.String())
	if s := ws[1].out.String(); strings.Contains(s, "update") {
		t.Errorf("rank 1 logged:\n%s", s)
	}
	r0, err := os.ReadFile(filepath.Join(out, "rank0.params"))
	if err != nil {
		t.Fatal(err)
	}
	r1, err := os.ReadFile(filepath.Join(out, "rank1.params"))
	if err != nil {
		t.Fatal(err)
	}
	if string(r0) != string(r1) {
		t.Errorf("ranks 0 and 1 hold different parameters")
	}
	// Rank 0 alone wrote the run's files.
	h, _, err := ReadCheckpoint(filepath.Join(save, "checkpoint_last"+Ext))
	if err != nil {
		t.Fatal(err)
	}
	if h.Meta.Updates != updates {
		t.Errorf("checkpoint_last at update %d, want %d", h.Meta.Updates, updates)
	}

	c := distConfig(dataDir, t.TempDir())
	c.Optim.MaxUpdate, c.Optim.UpdateFreq = updates, 2
	tr, err := New(c, Options{Build: buildTinyNoDropout, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	single := floats(paramBytes(tr))
	multi := floats(r0)
	if len(single) != len(multi) {
		t.Fatalf("%d parameters vs %d", len(single), len(multi))
	}
	maxDiff, moved := 0.0, 0.0
	init := floats(initParams(t, c))
	for i := range single {
		maxDiff = math.Max(maxDiff, math.Abs(single[i]-multi[i]))
		moved = math.Max(moved, math.Abs(single[i]-init[i]))
	}
	t.Logf("%d parameters: max |single - distributed| = %.3g; largest change from init %.3g", len(single), maxDiff, moved)
	if maxDiff > 1e-5 {
		t.Errorf("distributed and update-freq 2 differ by %g > 1e-5", maxDiff)
	}
	if moved < 1e-3 {
		t.Errorf("parameters barely moved (%g): the test compares nothing", moved)
	}
}

func initParams(t *testing.T, c Config) []byte {
	c.Checkpoint.SaveDir, c.Optim.MaxUpdate = t.TempDir(), 0
	tr, err := New(c, Options{Build: buildTinyNoDropout, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return paramBytes(tr)
}

// TestDistributedWorkerKilled: one of two workers is killed mid-run; the
// other stops non-zero within 60 s, checkpoint_last is intact, and the
// run resumes from it with one worker.
func TestDistributedWorkerKilled(t *testing.T) {
	for _, victim := range []int{1, 0} {
		t.Run(fmt.Sprintf("kill-rank-%d", victim), func(t *testing.T) {
			tch.LockThread()
			dataDir := tinyData(t)
			save := t.TempDir()
			ws := startWorkers(t, "slow", 2, "NMT_TRAIN_DIST_DATA="+dataDir, "NMT_TRAIN_DIST_SAVE="+save,
				"NMT_TRAIN_DIST_MAX_UPDATE=100000")
			last := filepath.Join(save, "checkpoint_last"+Ext)
			deadline := time.Now().Add(60 * time.Second)
			for {
				if h, _, err := ReadCheckpoint(last); err == nil && h.Meta.Updates >= 6 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no checkpoint_last after update 6 in 60 s\n%s", ws[0].out.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			ws[victim].cmd.Process.Signal(syscall.SIGKILL)
			killed := time.Now()
			ws[victim].cmd.Wait()
			other := ws[1-victim]
			done := make(chan error, 1)
			go func() { done <- other.cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("rank %d still running 60 s after rank %d was killed", 1-victim, victim)
			}
			t.Logf("rank %d stopped %.2fs after the kill: %v; its last words: %s", 1-victim, time.Since(killed).Seconds(), err, lastLine(other.out.String()))
			if err == nil {
				t.Fatalf("rank %d exited 0 after its peer was killed", 1-victim)
			}
			if !strings.Contains(other.out.String(), "c10d") {
				t.Errorf("rank %d's error does not name c10d:\n%s", 1-victim, other.out.String())
			}
			h, _, err := ReadCheckpoint(last)
			if err != nil {
				t.Fatalf("checkpoint_last after the kill: %v", err)
			}
			// Resume with a different worker count: one process.
			c := distConfig(dataDir, save)
			c.Optim.MaxUpdate, c.Optim.UpdateFreq = h.Meta.Updates+3, 2
			tr, err := New(c, Options{Build: buildTinyNoDropout, Log: testLog{t}})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			if tr.Updates() != h.Meta.Updates {
				t.Fatalf("resumed at update %d, checkpoint_last holds %d", tr.Updates(), h.Meta.Updates)
			}
			if err := tr.Run(); err != nil {
				t.Fatal(err)
			}
			if tr.Updates() != h.Meta.Updates+3 {
				t.Errorf("after resuming: update %d, want %d", tr.Updates(), h.Meta.Updates+3)
			}
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
