package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/dist"
)

// Distributed training flags, as torchrun names them. `nmt train
// --nproc-per-node N` starts N workers of this machine (this binary again,
// with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set); a
// process started with WORLD_SIZE in its environment (by this launcher,
// torchrun or a scheduler) is one worker.
func distFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "nproc-per-node", Usage: "start this many data-parallel workers on this machine (0: one process, no launcher)"},
		&cli.IntFlag{Name: "nnodes", Value: 1, Usage: "number of machines of a distributed run"},
		&cli.IntFlag{Name: "node-rank", Usage: "this machine's index among --nnodes"},
		&cli.StringFlag{Name: "master-addr", EnvVars: []string{"MASTER_ADDR"}, Value: "127.0.0.1", Usage: "address of the rank-0 machine (its TCPStore)"},
		&cli.IntFlag{Name: "master-port", EnvVars: []string{"MASTER_PORT"}, Value: 29500, Usage: "TCP port of rank 0's TCPStore"},
		&cli.StringFlag{Name: "dist-backend", Value: "", Usage: "c10d backend: gloo (CPU) or nccl (CUDA); default gloo, nccl on a cuda device"},
		&cli.DurationFlag{Name: "dist-timeout", Value: 5 * time.Minute, Usage: "bound on rendezvous and on every collective: a dead or cut-off worker stops the others within it"},
	}
}

// workerMarker tells a process that the launcher started it.
const workerMarker = "NMT_DIST_WORKER"

// launchWorkers runs --nproc-per-node workers when asked and this process
// is not itself one; handled reports whether it did.
func launchWorkers(c *cli.Context) (handled bool, err error) {
	n := c.Int("nproc-per-node")
	if n <= 0 || os.Getenv(workerMarker) != "" {
		return false, nil
	}
	nnodes, node := c.Int("nnodes"), c.Int("node-rank")
	if nnodes < 1 || node < 0 || node >= nnodes {
		return true, fmt.Errorf("train: --node-rank %d outside --nnodes %d", node, nnodes)
	}
	self, err := os.Executable()
	if err != nil {
		return true, err
	}
	world := nnodes * n
	type exit struct {
		rank int
		err  error
	}
	done := make(chan exit, n)
	procs := make([]*exec.Cmd, n)
	for i := 0; i < n; i++ {
		rank := node*n + i
		cmd := exec.Command(self, os.Args[1:]...)
		cmd.Env = append(os.Environ(), workerMarker+"=1",
			"MASTER_ADDR="+c.String("master-addr"), "MASTER_PORT="+strconv.Itoa(c.Int("master-port")),
			"RANK="+strconv.Itoa(rank), "WORLD_SIZE="+strconv.Itoa(world), "LOCAL_RANK="+strconv.Itoa(i))
		cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			for _, p := range procs[:i] {
				p.Process.Kill()
			}
			return true, fmt.Errorf("train: starting worker %d: %w", rank, err)
		}
		procs[i] = cmd
		go func(i int) { done <- exit{node*n + i, procs[i].Wait()} }(i)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var first *exit
	running := n
	var killAt <-chan time.Time
	for running > 0 {
		select {
		case s := <-sigs:
			for _, p := range procs {
				if p.ProcessState == nil {
					p.Process.Signal(s)
				}
			}
		case e := <-done:
			running--
			if e.err != nil && first == nil {
				first = &e
				fmt.Fprintf(os.Stderr, "train: worker %d failed (%v); stopping the other workers\n", e.rank, e.err)
				for _, p := range procs {
					if p.ProcessState == nil {
						p.Process.Signal(syscall.SIGTERM)
					}
				}
				killAt = time.After(10 * time.Second)
			}
		case <-killAt:
			for _, p := range procs {
				if p.ProcessState == nil {
					p.Process.Kill()
				}
			}
		}
	}
	if first != nil {
		code := 1
		var ee *exec.ExitError
		if errors.As(first.err, &ee) && ee.ExitCode() > 0 {
			code = ee.ExitCode()
		}
		return true, cli.Exit(fmt.Sprintf("train: worker %d of %d failed: %v", first.rank, world, first.err), code)
	}
	return true, nil
}

// joinGroup joins the process group when this process is a worker of a
// distributed run (WORLD_SIZE set); nil otherwise.
func joinGroup(c *cli.Context, device string) (*dist.Group, error) {
	e, ok, err := dist.EnvFromOS()
	if err != nil || !ok {
		return nil, err
	}
	be := c.String("dist-backend")
	if be == "" {
		be = "gloo"
		if len(device) >= 4 && device[:4] == "cuda" {
			be = "nccl"
		}
	}
	g, err := dist.New(be, e, c.Duration("dist-timeout"))
	if err != nil {
		return nil, fmt.Errorf("train: joining the distributed run: %w", err)
	}
	return g, nil
}
