package main

import "github.com/urfave/cli/v2"

// commands lists nmt-torch's subcommands. cmd/nmt forwards each by name.
func commands() []*cli.Command {
	return []*cli.Command{
		envCommand(),
		modelCommand(),
		trainCommand(), averageCommand(),
		translateCommand(), quantizeCommand(), serveCommand(),
		studyCommand(),
	}
}
