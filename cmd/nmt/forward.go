package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// torchBinary is the companion binary that links libtorch.
const torchBinary = "nmt-torch"

// torchCommand returns a command that hands the whole command line to
// nmt-torch. Its flags and help are nmt-torch's own.
func torchCommand(name, usage string) *cli.Command {
	return &cli.Command{
		Name:            name,
		Usage:           usage,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			return execTorch(append([]string{name}, c.Args().Slice()...))
		},
	}
}

// findTorch looks for nmt-torch beside the running executable, then in
// $NMT_TORCH, then on PATH.
func findTorch() (string, error) {
	if p := os.Getenv("NMT_TORCH"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), torchBinary)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(torchBinary); err == nil {
		return p, nil
	}
	return "", errors.New("nmt-torch not found beside nmt or on PATH: run `make build` (it needs libtorch; see README)")
}

// execTorch replaces this process with nmt-torch, so signals, exit status
// and terminal go straight to it.
func execTorch(args []string) error {
	path, err := findTorch()
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	argv := append([]string{"nmt"}, args...)
	if err := syscall.Exec(path, argv, torchEnv(os.Environ())); err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	return nil
}

// torchEnv adds OMP_WAIT_POLICY=passive unless the user chose a policy:
// libgomp's threads otherwise spin while they wait, and on a machine whose
// cores are busy with other work a 2-thread training step was measured 6
// times slower than with passive waiting (50 ms against 8 ms for a small
// MLP step). libgomp reads the variable when it loads, so it must be set
// before nmt-torch starts.
func torchEnv(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "OMP_WAIT_POLICY=") {
			return env
		}
	}
	return append(env, "OMP_WAIT_POLICY=passive")
}
