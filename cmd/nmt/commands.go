package main

import (
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
)

// commands lists every subcommand: nmt-torch's (cmdinfo.Torch), forwarded
// to it, then the pure-Go ones, which run here.
func commands() []*cli.Command {
	var cs []*cli.Command
	for _, c := range cmdinfo.Torch {
		cs = append(cs, torchCommand(c.Name, c.Usage))
	}
	return append(cs,
		plotCommand(), prepareCommand(), corpusCommand(), bpeCommand(),
		tokenizeCommand(), detokenizeCommand(), normalizePunctCommand(), splitSentencesCommand(), spmCommand(),
		bleuCommand(),
	)
}
