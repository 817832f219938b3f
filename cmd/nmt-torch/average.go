package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/train"
)

// averageCommand is `nmt average`, fairseq's average_checkpoints.py.
func averageCommand() *cli.Command {
	return &cli.Command{
		Name:      "average",
		Usage:     cmdinfo.TorchUsage("average"),
		UsageText: "nmt average --inputs DIR --num-update-checkpoints 5 --output avg.ckpt\n   nmt average --inputs a.ckpt,b.ckpt --output avg.ckpt",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "inputs", Required: true, Usage: "a save directory, or checkpoint files separated by commas"},
			&cli.IntFlag{Name: "num-update-checkpoints", Usage: "average the last N checkpoint_E_U files in the directory"},
			&cli.IntFlag{Name: "num-epoch-checkpoints", Usage: "average the last N checkpointE files in the directory"},
			&cli.StringFlag{Name: "output", Required: true, Usage: "checkpoint to write (in a save directory where a trainer runs, not one of the names it writes)"},
		},
		Action: func(c *cli.Context) error {
			nu, ne := c.Int("num-update-checkpoints"), c.Int("num-epoch-checkpoints")
			var paths []string
			switch {
			case nu > 0 && ne > 0:
				return errors.New("average: give --num-update-checkpoints or --num-epoch-checkpoints, not both")
			case nu > 0 || ne > 0:
				var err error
				if paths, err = train.LastCheckpoints(c.String("inputs"), max(nu, ne), nu > 0); err != nil {
					return err
				}
			default:
				paths = strings.Split(c.String("inputs"), ",")
			}
			if err := train.Average(paths, c.String("output")); err != nil {
				return err
			}
			fmt.Printf("averaged %d checkpoints into %s: %s\n", len(paths), c.String("output"), strings.Join(paths, ", "))
			return nil
		},
	}
}
