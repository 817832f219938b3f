package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	if err := syscall.Exec(path, argv, os.Environ()); err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	return nil
}
