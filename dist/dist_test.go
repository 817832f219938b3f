package dist_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/dist"
	"github.com/fixup-nmt/nmt/tch"
)

// The tests run themselves as worker processes: a worker is this test
// binary with NMT_DIST_TEST_ROLE set, and torchrun's variables.

func TestMain(m *testing.M) {
	if role := os.Getenv("NMT_DIST_TEST_ROLE"); role != "" {
		tch.LockThread()
		tch.SetThreads(1)
		if err := worker(role); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// FreePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func spawn(t testing.TB, role string, rank, world, port int, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NMT_DIST_TEST_ROLE="+role,
		"MASTER_ADDR=127.0.0.1", "MASTER_PORT="+strconv.Itoa(port),
		"RANK="+strconv.Itoa(rank), "WORLD_SIZE="+strconv.Itoa(world), "LOCAL_RANK="+strconv.Itoa(rank))
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

func worker(role string) error {
	e, ok, err := dist.EnvFromOS()
	if err != nil || !ok {
		return fmt.Errorf("env: %v %v", ok, err)
	}
	backend, dev := "gloo", gotch.CPU
	if os.Getenv("NMT_DIST_TEST_BACKEND") == "nccl" {
		backend = "nccl"
		if dev, err = tch.ParseDevice("cuda:" + strconv.Itoa(e.LocalRank)); err != nil {
			return err
		}
	}
	g, err := dist.New(backend, e, 20*time.Second)
	if err != nil {
		return err
	}
	defer g.Close()
	switch role {
	case "collectives":
		return collectives(g, dev)
	case "die":
		// Rank 1 leaves without a word after one allreduce; rank 0 keeps
		// going and must get an error, not hang.
		x := ts.MustOnes([]int64{4}, gotch.Float, gotch.CPU)
		if err := g.AllReduce([]*ts.Tensor{x}); err != nil {
			return err
		}
		if g.Rank == 1 {
			os.Exit(7)
		}
		g.Timeout = 10 * time.Second
		start := time.Now()
		for i := 0; i < 100; i++ {
			if err := g.AllReduce([]*ts.Tensor{x}); err != nil {
				fmt.Fprintf(os.Stderr, "ERR after %.1fs: %v\n", time.Since(start).Seconds(), err)
				os.Exit(5)
			}
		}
		return fmt.Errorf("allreduce with a dead peer kept succeeding")
	case "bench":
		mb, _ := strconv.Atoi(os.Getenv("NMT_DIST_BENCH_MB"))
		n := int64(mb) << 20 / 4
		x := ts.MustOnes([]int64{n}, gotch.Float, gotch.CPU)
		if err := g.AllReduce([]*ts.Tensor{x}); err != nil { // warm up
			return err
		}
		reps := 10
		start := time.Now()
		for i := 0; i < reps; i++ {
			if err := g.AllReduce([]*ts.Tensor{x}); err != nil {
				return err
			}
		}
		d := time.Since(start) / time.Duration(reps)
		if g.Rank == 0 {
			fmt.Printf("BENCH %d MiB %.2f ms %.1f MB/s\n", mb, d.Seconds()*1e3, float64(n*4)/1e6/d.Seconds())
		}
		return nil
	}
	return fmt.Errorf("unknown role %q", role)
}

func collectives(g *dist.Group, dev gotch.Device) error {
	r := float64(g.Rank + 1)
	// Several tensors of different shapes, small buckets so that some are
	// flattened together and some alone.
	g.BucketBytes = 64
	a := ts.MustFull([]int64{3, 4}, ts.FloatScalar(r), gotch.Float, dev)
	b := ts.MustFull([]int64{5}, ts.FloatScalar(10*r), gotch.Float, dev)
	c := ts.MustFull([]int64{40}, ts.FloatScalar(100*r), gotch.Float, dev)
	if err := g.AllReduce([]*ts.Tensor{a, b, c}); err != nil {
		return err
	}
	sum := float64(g.World*(g.World+1)) / 2
	for i, x := range []*ts.Tensor{a, b, c} {
		want := sum * []float64{1, 10, 100}[i]
		got := x.Float64Values()
		for _, v := range got {
			if v != want {
				return fmt.Errorf("allreduce tensor %d: got %v, want %v", i, v, want)
			}
		}
	}
	d := ts.MustFull([]int64{7}, ts.FloatScalar(r), gotch.Double, dev)
	if err := g.Broadcast([]*ts.Tensor{d}, 0); err != nil {
		return err
	}
	for _, v := range d.Float64Values() {
		if v != 1 {
			return fmt.Errorf("broadcast: got %v, want 1", v)
		}
	}
	// A CPU tensor works with either backend (NCCL's goes through the GPU).
	e := ts.MustFull([]int64{3}, ts.FloatScalar(r), gotch.Double, gotch.CPU)
	if err := g.AllReduce([]*ts.Tensor{e}); err != nil {
		return fmt.Errorf("allreduce of a CPU tensor: %w", err)
	}
	for _, v := range e.Float64Values() {
		if v != sum {
			return fmt.Errorf("allreduce of a CPU tensor: got %v, want %v", v, sum)
		}
	}
	// Mixed dtypes are refused with an error, not a crash.
	f := ts.MustOnes([]int64{2}, gotch.Double, dev)
	if err := g.AllReduce([]*ts.Tensor{a, f}); err == nil || !strings.Contains(err.Error(), "dtype") {
		return fmt.Errorf("mixed dtypes: got %v", err)
	}
	return g.Barrier()
}

func TestCollectivesTwoProcesses(t *testing.T) {
	port := freePort(t)
	var cmds []*exec.Cmd
	for r := 0; r < 2; r++ {
		c := spawn(t, "collectives", r, 2, port)
		c.Stderr = os.Stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for r, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("rank %d: %v", r, err)
		}
	}
}

// TestNCCLOneWorker runs the collectives through ProcessGroupNCCL on the
// first GPU with one worker (NCCL refuses two ranks on one device). It
// skips where the shim has no NCCL or no GPU is visible: run it on a GPU
// machine against a CUDA build (docs/distributed.md).
func TestNCCLOneWorker(t *testing.T) {
	if !strings.Contains(dist.Backends(), "nccl") || len(tch.CUDADevices()) == 0 {
		t.Skipf("needs the NCCL shim and a GPU (backends %q, %d GPUs)", dist.Backends(), len(tch.CUDADevices()))
	}
	c := spawn(t, "collectives", 0, 1, freePort(t), "NMT_DIST_TEST_BACKEND=nccl")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("nccl worker: %v\n%s", err, out)
	}
	t.Logf("nccl worker on %v: collectives passed\n%s", tch.CUDADevices(), out)
}

func TestDeadPeer(t *testing.T) {
	port := freePort(t)
	var cmds []*exec.Cmd
	var out0 strings.Builder
	for r := 0; r < 2; r++ {
		c := spawn(t, "die", r, 2, port)
		if r == 0 {
			c.Stderr = &out0
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	start := time.Now()
	cmds[1].Wait()
	err := cmds[0].Wait()
	t.Logf("rank 0 after %v: %v\n%s", time.Since(start), err, out0.String())
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 5 {
		t.Fatalf("rank 0 should exit 5 with an allreduce error, got %v", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("took %v to notice the dead peer", time.Since(start))
	}
}

func TestEnvFromOS(t *testing.T) {
	t.Setenv("WORLD_SIZE", "")
	if _, ok, err := dist.EnvFromOS(); ok || err != nil {
		t.Fatalf("unset: %v %v", ok, err)
	}
	t.Setenv("WORLD_SIZE", "2")
	t.Setenv("RANK", "")
	if _, _, err := dist.EnvFromOS(); err == nil {
		t.Fatal("RANK missing: no error")
	}
	t.Setenv("RANK", "2")
	if _, _, err := dist.EnvFromOS(); err == nil {
		t.Fatal("RANK 2 of 2: no error")
	}
	t.Setenv("RANK", "1")
	t.Setenv("MASTER_PORT", "")
	t.Setenv("MASTER_ADDR", "")
	t.Setenv("LOCAL_RANK", "")
	e, ok, err := dist.EnvFromOS()
	if !ok || err != nil || e.Rank != 1 || e.WorldSize != 2 || e.MasterPort != 29500 || e.MasterAddr != "127.0.0.1" || e.LocalRank != 1 {
		t.Fatalf("got %+v %v %v", e, ok, err)
	}
}

// BenchmarkAllReduce measures the shim's allreduce of gradient-sized
// buffers between two local processes (Gloo over loopback); it reports
// what rank 0 printed.
func BenchmarkAllReduce(b *testing.B) {
	for _, mb := range []int{1, 4, 25, 100} {
		b.Run(fmt.Sprintf("%dMiB", mb), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				port := freePort(b)
				var cmds []*exec.Cmd
				var out strings.Builder
				for r := 0; r < 2; r++ {
					c := spawn(b, "bench", r, 2, port, "NMT_DIST_BENCH_MB="+strconv.Itoa(mb))
					c.Stderr = os.Stderr
					if r == 0 {
						c.Stdout = &out
					}
					c.Start()
					cmds = append(cmds, c)
				}
				for _, c := range cmds {
					if err := c.Wait(); err != nil {
						b.Fatal(err)
					}
				}
				b.Log(strings.TrimSpace(out.String()))
			}
		})
	}
}
