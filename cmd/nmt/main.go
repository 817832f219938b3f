// Command nmt is the toolkit's command line: prepare data, train, translate
// and score.
//
// The nmt binary itself is pure Go and never loads libtorch, so the text
// commands (bleu, tokenize, bpe, prepare) start in milliseconds. Commands
// that need libtorch (train, translate, model, ...) run in nmt-torch, a
// companion binary installed beside nmt, which nmt starts with the same
// arguments.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
)

// version is the toolkit's version; it appears in BLEU signatures.
const version = cmdinfo.Version

func main() {
	app := newApp()
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintf(os.Stderr, "nmt: %v\n", err)
		os.Exit(exitCode(err))
	}
}

func newApp() *cli.App {
	return &cli.App{
		Name:                 "nmt",
		Usage:                cmdinfo.Usage,
		Version:              version,
		EnableBashCompletion: true,
		Commands:             commands(),
	}
}

// exitCode returns the status carried by err, or 1.
func exitCode(err error) int {
	if ec, ok := err.(cli.ExitCoder); ok {
		return ec.ExitCode()
	}
	return 1
}
