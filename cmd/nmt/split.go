package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/text"
)

func splitSentencesCommand() *cli.Command {
	return &cli.Command{
		Name:      "split-sentences",
		Usage:     "split paragraphs into sentences like Moses split-sentences.perl",
		UsageText: "nmt split-sentences -l LANG [-i] [-n] [-k] [-p FILE] < in > out",
		Description: "Joins the lines of each paragraph (up to a blank line or a line that is one tag\n" +
			"such as <p>) and writes one sentence a line; a paragraph ended by a blank line is\n" +
			"followed by a line <P>, tag lines are copied through. Languages without their own\n" +
			"prefix list use the English one, as split-sentences.perl does.",
		Flags: []cli.Flag{
			langFlag(),
			&cli.BoolFlag{Name: "i", Usage: "do not split after list items (1. a. iv.) at the start of a line"},
			&cli.BoolFlag{Name: "n", Usage: "do not write <P> after paragraphs"},
			&cli.BoolFlag{Name: "k", Usage: "keep line boundaries: split each line on its own"},
			&cli.StringFlag{Name: "p", Usage: "nonbreaking prefixes from `FILE` (Moses format) instead of the language's"},
			&cli.BoolFlag{Name: "q", Usage: "accepted for Moses compatibility (nmt prints no banner)"},
			bufferFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return cli.Exit("nmt split-sentences: reads stdin; unexpected argument "+c.Args().First(), 2)
			}
			lang := c.String("l")
			opt := text.SplitterOptions{ListItems: c.Bool("i")}
			if f := c.String("p"); f != "" {
				p, err := text.ReadMosesPrefixes(f)
				if err != nil {
					return cli.Exit("nmt split-sentences: -p: "+err.Error(), 2)
				}
				opt.Prefixes = p
			} else if !text.HasPrefixList(lang) {
				fmt.Fprintf(c.App.ErrWriter, "nmt split-sentences: no nonbreaking prefixes for %q, using English ones\n", lang)
			}
			sp := text.NewSplitter(lang, opt)
			err := sp.SplitDocument(c.App.Reader, c.App.Writer, text.DocumentOptions{NoParagraphMarks: c.Bool("n"), KeepLines: c.Bool("k")})
			if err != nil {
				return fmt.Errorf("split-sentences: %w", err)
			}
			return nil
		},
	}
}
