package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/data/synth"
)

// corpusCommand is `nmt corpus synth`: the project's generated corpus.
func corpusCommand() *cli.Command {
	d := synth.DefaultConfig()
	return &cli.Command{
		Name:  "corpus",
		Usage: "write built-in corpora",
		Subcommands: []*cli.Command{{
			Name:      "synth",
			Usage:     "generate the project's German-English corpus from its bilingual grammar",
			UsageText: "nmt corpus synth --out DIR [--seed 1] [--train 20000] [--valid 1000] [--test 1000]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Required: true, Usage: "`DIR` for train.de, train.en, valid.*, test.*"},
				&cli.Int64Flag{Name: "seed", Value: d.Seed},
				&cli.IntFlag{Name: "train", Value: d.Train, Usage: "training pairs"},
				&cli.IntFlag{Name: "valid", Value: d.Valid, Usage: "validation pairs"},
				&cli.IntFlag{Name: "test", Value: d.Test, Usage: "test pairs"},
			},
			Action: func(c *cli.Context) error {
				cfg := synth.Config{Seed: c.Int64("seed"), Train: c.Int("train"), Valid: c.Int("valid"), Test: c.Int("test")}
				k, err := synth.Generate(cfg)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(c.String("out"), 0o755); err != nil {
					return err
				}
				if err := k.Write(c.String("out")); err != nil {
					return err
				}
				fmt.Printf("wrote %s: %d / %d / %d German-English pairs (seed %d)\n", c.String("out"), len(k.Train), len(k.Valid), len(k.Test), cfg.Seed)
				return nil
			},
		}},
	}
}
