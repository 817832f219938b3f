package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/text"
)

// The Moses-style text filters: stdin to stdout, one line at a time,
// streaming (memory does not grow with the input), lines in input order.

func langFlag() cli.Flag {
	return &cli.StringFlag{Name: "l", Aliases: []string{"lang"}, Value: "en", Usage: "language `CODE` (en, de, fr, ...)"}
}

// bufferFlag is the Moses scripts' -b (unbuffered output). It is accepted
// and has no effect: nmt's output is the same either way.
func bufferFlag() cli.Flag {
	return &cli.BoolFlag{Name: "b", Usage: "accepted for Moses compatibility; no effect"}
}

func threadsFlag() cli.Flag {
	return &cli.IntFlag{Name: "threads", Usage: "worker goroutines (0: all cores)"}
}

func tokenizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "tokenize",
		Usage:     "tokenize stdin like Moses tokenizer.perl",
		UsageText: "nmt tokenize -l LANG [-a] [--no-escape] [--protected FILE] [-x] [--penn] [--lowercase] < in > out",
		Description: "Splits punctuation from words by tokenizer.perl's rules (nonbreaking prefixes per\n" +
			"language, Moses escaping of & | < > ' \" [ ]). Languages without their own prefix list\n" +
			"use the English one, as tokenizer.perl does.",
		Flags: []cli.Flag{
			langFlag(),
			&cli.BoolFlag{Name: "a", Aliases: []string{"aggressive"}, Usage: "split hyphens between letters/digits as @-@"},
			&cli.BoolFlag{Name: "no-escape", Usage: "do not escape & | < > ' \" [ ]"},
			&cli.StringFlag{Name: "protected", Usage: "keep whole what the regular expressions in `FILE` match (one per line, Perl syntax)"},
			&cli.BoolFlag{Name: "x", Usage: "copy lines that are one XML tag (<...>) through"},
			&cli.BoolFlag{Name: "penn", Usage: "Penn Treebank tokenization (tokenizer.perl -penn)"},
			&cli.BoolFlag{Name: "lowercase", Usage: "lowercase the output (Moses lowercase.perl)"},
			bufferFlag(),
			threadsFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return cli.Exit("nmt tokenize: reads stdin; unexpected argument "+c.Args().First(), 2)
			}
			lang := c.String("l")
			opt := text.TokenizerOptions{Aggressive: c.Bool("a"), NoEscape: c.Bool("no-escape"), SkipXML: c.Bool("x"), Penn: c.Bool("penn")}
			if f := c.String("protected"); f != "" {
				res, err := text.ReadProtected(f)
				if err != nil {
					return cli.Exit("nmt tokenize: --protected: "+err.Error(), 2)
				}
				opt.Protected = res
			}
			tok := text.NewTokenizer(lang, opt)
			if !text.HasPrefixList(lang) {
				fmt.Fprintf(c.App.ErrWriter, "nmt tokenize: no nonbreaking prefixes for %q, using English ones\n", lang)
			}
			lower := c.Bool("lowercase")
			return runFilter(c, "tokenize", func(line string, _ bool) string {
				s := tok.Tokenize(line)
				if lower {
					s = text.Lowercase(s)
				}
				return s
			})
		},
	}
}

func detokenizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "detokenize",
		Usage:     "detokenize stdin like Moses detokenizer.perl",
		UsageText: "nmt detokenize -l LANG [-u] [--penn] < in > out",
		Flags: []cli.Flag{
			langFlag(),
			&cli.BoolFlag{Name: "u", Usage: "uppercase the first letter of each line"},
			&cli.BoolFlag{Name: "penn", Usage: "read Penn Treebank tokens (English only)"},
			bufferFlag(),
			threadsFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return cli.Exit("nmt detokenize: reads stdin; unexpected argument "+c.Args().First(), 2)
			}
			if c.Bool("penn") && c.String("l") != "en" {
				return cli.Exit("nmt detokenize: --penn is for English only (-l en), as in detokenizer.perl", 2)
			}
			d := text.NewDetokenizerWith(c.String("l"), text.DetokenizerOptions{UppercaseFirst: c.Bool("u"), Penn: c.Bool("penn")})
			return runFilter(c, "detokenize", func(line string, _ bool) string { return d.Detokenize(line) })
		},
	}
}

func normalizePunctCommand() *cli.Command {
	return &cli.Command{
		Name:      "normalize-punct",
		Usage:     "normalize punctuation like Moses normalize-punctuation.perl",
		UsageText: "nmt normalize-punct -l LANG [--penn] [--remove-non-printing] < in > out",
		Flags: []cli.Flag{
			langFlag(),
			&cli.BoolFlag{Name: "penn", Usage: "leave ` and '' alone (Penn Treebank quotes)"},
			&cli.BoolFlag{Name: "remove-non-printing", Usage: "then replace control/format/unassigned characters by spaces (remove-non-printing-char.perl)"},
			threadsFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return cli.Exit("nmt normalize-punct: reads stdin; unexpected argument "+c.Args().First(), 2)
			}
			lang, penn, rnp := c.String("l"), c.Bool("penn"), c.Bool("remove-non-printing")
			return runFilter(c, "normalize-punct", func(line string, newline bool) string {
				var s string
				switch {
				case !newline:
					s = text.NormalizeLastLine(line, lang, penn)
				case penn:
					s = text.NormalizePunctuationPenn(line, lang)
				default:
					s = text.NormalizePunctuation(line, lang)
				}
				if rnp {
					s = text.RemoveNonPrinting(s)
				}
				return s
			})
		},
	}
}

// runFilter streams the app's stdin through f to its stdout.
func runFilter(c *cli.Context, name string, f lineFunc) error {
	st, err := filterLines(c.App.Reader, c.App.Writer, c.Int("threads"), f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if st.invalid > 0 {
		fmt.Fprintf(c.App.ErrWriter, "nmt %s: warning: %d lines with invalid UTF-8 (first: line %d)\n", name, st.invalid, st.firstInvalid)
	}
	return nil
}
