// Command nmt-torch runs the nmt commands that need libtorch (train,
// translate, model, env, ...). Users run it through nmt, which forwards
// those commands here; it works on its own too.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/tch"
)

// version matches cmd/nmt's.
var version = "0.1.0"

func init() {
	// All torch work runs on the main goroutine, wired to the main thread:
	// libtorch's grad mode and gotch's error slot are thread-local.
	tch.LockThread()
	// libtorch on some machines starts with one intra-op thread; use every
	// core unless NMT_THREADS or a command's --threads says otherwise.
	tch.SetThreads(tch.DefaultThreads())
	tch.TuneMalloc()
}

func main() {
	app := &cli.App{
		Name:     "nmt",
		Usage:    "Transformer machine translation without LayerNorm (Fixup): libtorch commands",
		Version:  version,
		Commands: commands(),
		Before: func(*cli.Context) error {
			_, err := tch.ConfigureGEMM(os.Getenv("NMT_GEMM"))
			return err
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintf(os.Stderr, "nmt: %v\n", err)
		if ec, ok := err.(cli.ExitCoder); ok {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}
