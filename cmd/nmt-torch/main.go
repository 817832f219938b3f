// Command nmt-torch runs the nmt commands that need libtorch (train,
// translate, model, env, ...). Users run it through nmt, which forwards
// those commands here; it works on its own too.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// startErr is the runtime settings' error (a variable of kernel.Vars that
// does not parse), which every command reports.
var startErr error

func init() {
	// All torch work runs on the main goroutine, wired to the main thread:
	// libtorch's grad mode and gotch's error slot are thread-local.
	tch.LockThread()
	// The runtime's settings from the environment, once, before any
	// tensor: threads (libtorch on some machines starts with one intra-op
	// thread; every core unless NMT_THREADS or a command's --threads says
	// otherwise), malloc and the CPU cache, the linear layers' engine.
	startErr = kernel.Start()
}

func main() {
	app := &cli.App{
		Name:     "nmt",
		Usage:    cmdinfo.Usage + ": libtorch commands",
		Version:  cmdinfo.Version,
		Commands: commands(),
		Before:   func(*cli.Context) error { return startErr },
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintf(os.Stderr, "nmt: %v\n", err)
		if ec, ok := err.(cli.ExitCoder); ok {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}
