package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// bpeCommand is `nmt bpe learn|apply|remove`: subword-nmt's
// learn_joint_bpe_and_vocab.py and apply_bpe.py, and fairseq's
// --remove-bpe.
func bpeCommand() *cli.Command {
	return &cli.Command{
		Name:        "bpe",
		Usage:       "learn and apply byte-pair encoding (subword-nmt codes files)",
		Subcommands: []*cli.Command{bpeLearnCommand(), bpeApplyCommand(), bpeRemoveCommand()},
	}
}

// bpeList is a repeatable flag whose values are never split at commas, so
// that a glossary regexp such as a{1,2} stays whole.
type bpeList []string

func (l *bpeList) Set(s string) error { *l = append(*l, s); return nil }
func (l *bpeList) String() string     { return fmt.Sprint([]string(*l)) }

func bpeListFlag(name string, aliases []string, usage string) *cli.GenericFlag {
	return &cli.GenericFlag{Name: name, Aliases: aliases, Usage: usage, Value: &bpeList{}}
}

func bpeListValue(c *cli.Context, name string) []string {
	if l, ok := c.Generic(name).(*bpeList); ok {
		return *l
	}
	return nil
}

func bpeLearnCommand() *cli.Command {
	return &cli.Command{
		Name:      "learn",
		Usage:     "learn joint BPE merges from tokenized text (learn_joint_bpe_and_vocab.py)",
		ArgsUsage: "[FILE...]",
		Description: "Counts the space-separated words of all inputs together (standard input if none)\n" +
			"and writes a subword-nmt codes file (#version: 0.2). The same inputs and settings\n" +
			"always give the same file, and it is the file learn_bpe.py writes.",
		Flags: []cli.Flag{
			bpeListFlag("input", []string{"i"}, "input `FILE` (repeatable; also as arguments)"),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "codes `FILE` (default: standard output)"},
			&cli.IntFlag{Name: "symbols", Aliases: []string{"s"}, Value: 10000, Usage: "number of merges to learn"},
			&cli.IntFlag{Name: "min-frequency", Value: 2, Usage: "stop when no pair occurs `N` times"},
			&cli.BoolFlag{Name: "total-symbols", Aliases: []string{"t"}, Usage: "subtract the number of distinct characters from --symbols"},
			&cli.BoolFlag{Name: "dict-input", Usage: "inputs are \"word count\" lines, not text"},
			bpeListFlag("write-vocabulary", nil, "write the vocabulary of each input after BPE to `FILE` (repeatable, one per input)"),
			&cli.StringFlag{Name: "separator", Value: "@@", Usage: "separator for --write-vocabulary"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print each merge to standard error"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no summary on standard error"},
		},
		Action: bpeLearn,
	}
}

func bpeLearn(c *cli.Context) error {
	inputs := append(bpeListValue(c, "input"), c.Args().Slice()...)
	vocabs := bpeListValue(c, "write-vocabulary")
	switch {
	case len(vocabs) > 0 && len(vocabs) != len(inputs):
		return fmt.Errorf("bpe learn: %d inputs but %d --write-vocabulary files", len(inputs), len(vocabs))
	case len(vocabs) > 0 && c.Bool("dict-input"):
		return errors.New("bpe learn: --write-vocabulary needs text inputs, not --dict-input")
	}
	start := time.Now()
	counts := map[string]int{}
	if len(inputs) == 0 {
		if err := bpeCount(c, counts, c.App.Reader, "standard input"); err != nil {
			return err
		}
	}
	for _, name := range inputs {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("bpe learn: %w", err)
		}
		err = bpeCount(c, counts, f, name)
		f.Close()
		if err != nil {
			return err
		}
	}
	counted := time.Since(start)
	opt := bpe.LearnOptions{Merges: c.Int("symbols"), MinFrequency: c.Int("min-frequency"), TotalSymbols: c.Bool("total-symbols")}
	if c.Bool("verbose") {
		opt.Progress = func(i int, p bpe.Pair, freq int) {
			fmt.Fprintf(c.App.ErrWriter, "pair %d: %s %s -> %s%s (frequency %d)\n", i, p.Left, p.Right, p.Left, p.Right, freq)
		}
	} else if !c.Bool("quiet") {
		opt.Progress = func(i int, _ bpe.Pair, _ int) {
			if (i+1)%1000 == 0 {
				fmt.Fprintf(c.App.ErrWriter, "nmt bpe learn: %d merges\n", i+1)
			}
		}
	}
	codes, err := bpe.Learn(counts, opt)
	if err != nil {
		return fmt.Errorf("bpe learn: %w", err)
	}
	if err := bpeWrite(c, c.String("output"), codes.WriteTo); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.ErrWriter, "nmt bpe learn: %d distinct words, %d merges; counting %.2fs, learning %.2fs\n",
			len(counts), len(codes.Merges), counted.Seconds(), (time.Since(start) - counted).Seconds())
	}
	if len(vocabs) == 0 {
		return nil
	}
	enc, err := bpe.NewEncoderWith(codes, bpe.EncoderOptions{Separator: c.String("separator")})
	if err != nil {
		return err
	}
	for i, name := range inputs {
		if err := bpeWriteVocabulary(enc, name, vocabs[i]); err != nil {
			return err
		}
	}
	return nil
}

// bpeCount adds the words (or with --dict-input, the counts) of r to
// counts; errors name the input and line.
func bpeCount(c *cli.Context, counts map[string]int, r io.Reader, name string) error {
	var err error
	if c.Bool("dict-input") {
		err = bpe.ReadDict(r, counts)
	} else {
		err = bpe.CountWords(r, counts)
	}
	return bpeNamed("bpe learn", name, err)
}

// bpeWriteVocabulary applies enc to the input file and writes the counts
// of its pieces, as learn_joint_bpe_and_vocab.py's --write-vocabulary.
func bpeWriteVocabulary(enc *bpe.Encoder, input, output string) error {
	f, err := os.Open(input)
	if err != nil {
		return fmt.Errorf("bpe learn: %w", err)
	}
	defer f.Close()
	pr, pw := io.Pipe()
	go func() {
		_, err := enc.ApplyStream(pw, f)
		pw.CloseWithError(err)
	}()
	counter := bpe.NewCounter()
	err = counter.ReadText(pr)
	pr.CloseWithError(io.ErrClosedPipe)
	if err = bpeNamed("bpe learn", input, err); err != nil {
		return err
	}
	return bpeWrite(nil, output, counter.WriteTo)
}

func bpeApplyCommand() *cli.Command {
	return &cli.Command{
		Name:  "apply",
		Usage: "segment tokenized text with BPE codes (apply_bpe.py)",
		Description: "Reads lines from --input (standard input by default) and writes them with words\n" +
			"split into pieces, \"@@ \" after every piece but a word's last.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "codes", Aliases: []string{"c"}, Required: true, Usage: "codes `FILE` (subword-nmt format)"},
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "input `FILE` (default: standard input)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE` (default: standard output)"},
			&cli.IntFlag{Name: "merges", Aliases: []string{"m"}, Value: -1, Usage: "use the first `N` merges only (-1: all)"},
			&cli.StringFlag{Name: "separator", Aliases: []string{"s"}, Value: "@@", Usage: "marks pieces that continue a word"},
			&cli.StringFlag{Name: "vocabulary", Usage: "only produce pieces in this vocabulary `FILE` (\"word count\" lines)"},
			&cli.IntFlag{Name: "vocabulary-threshold", Usage: "with --vocabulary, drop its words counted fewer than `N` times"},
			bpeListFlag("glossaries", nil, "never split or merge text matching `REGEXP` (Go syntax; repeatable)"),
		},
		Action: bpeApply,
	}
}

func bpeApply(c *cli.Context) error {
	codes, err := bpe.LoadCodes(c.String("codes"))
	if err != nil {
		return fmt.Errorf("bpe apply: %w", err)
	}
	if m := c.Int("merges"); m >= 0 && m < len(codes.Merges) {
		codes.Merges = codes.Merges[:m]
	}
	opt := bpe.EncoderOptions{Separator: c.String("separator"), Glossaries: bpeListValue(c, "glossaries")}
	if path := c.String("vocabulary"); path != "" {
		if opt.Vocabulary, err = bpe.LoadVocabulary(path, c.Int("vocabulary-threshold")); err != nil {
			return fmt.Errorf("bpe apply: %w", err)
		}
	}
	enc, err := bpe.NewEncoderWith(codes, opt)
	if err != nil {
		return fmt.Errorf("bpe apply: %w", err)
	}
	return bpeFilter(c, "bpe apply", enc.ApplyStream)
}

func bpeRemoveCommand() *cli.Command {
	return &cli.Command{
		Name:  "remove",
		Usage: "undo BPE segmentation, as fairseq's --remove-bpe (sed -r 's/(@@ )|(@@ ?$)//g')",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "input `FILE` (default: standard input)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE` (default: standard output)"},
		},
		Action: func(c *cli.Context) error { return bpeFilter(c, "bpe remove", bpe.RemoveStream) },
	}
}

// bpeFilter streams --input (or standard input) through f to --output (or
// standard output); an output file appears only when complete.
func bpeFilter(c *cli.Context, cmd string, f func(io.Writer, io.Reader) (int, error)) error {
	in, name := c.App.Reader, "standard input"
	if path := c.String("input"); path != "" {
		file, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		defer file.Close()
		in, name = file, path
	}
	return bpeWrite(c, c.String("output"), func(w io.Writer) (int64, error) {
		n, err := f(w, in)
		return int64(n), bpeNamed(cmd, name, err)
	})
}

// bpeWrite writes through fill to path atomically, or to the app's
// standard output when path is empty.
func bpeWrite(c *cli.Context, path string, fill func(io.Writer) (int64, error)) error {
	if path == "" {
		_, err := fill(c.App.Writer)
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := fill(w)
		return err
	})
}

// bpeNamed puts the input's name into a line error ("FILE:LINE: msg").
func bpeNamed(cmd, name string, err error) error {
	if err == nil {
		return nil
	}
	var se *bpe.SyntaxError
	if errors.As(err, &se) && se.File == "" {
		se.File = name
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return fmt.Errorf("%s: %s: %w", cmd, name, err)
}
