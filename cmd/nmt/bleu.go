package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// bleuCommand is `nmt bleu`: sacreBLEU's command line, pure Go. Flags
// keep sacreBLEU's names and meanings, so `sacrebleu ARGS` can be run as
// `nmt bleu ARGS`; the differences are listed in bleuDescription.
func bleuCommand() *cli.Command {
	return &cli.Command{
		Name:            "bleu",
		Usage:           "score translations with BLEU, chrF and TER exactly as sacreBLEU 2.x does",
		UsageText:       "nmt bleu [flags] REF [REF...] < HYP\n   nmt bleu -i HYP [-i HYP2 ...] [flags] REF [REF...]\n   nmt bleu REF [REF...] -i HYP [HYP2 ...] [flags]",
		Description:     bleuDescription,
		Flags:           bleuFlags(),
		SkipFlagParsing: true, // flags may follow positionals, as in sacreBLEU
		Action: func(c *cli.Context) error {
			return runBleu(c.Args().Slice(), os.Stdin, c.App.Writer, c.App.ErrWriter)
		},
	}
}

const bleuDescription = `Scores detokenized hypotheses against references and prints sacreBLEU's
score line, with the signature naming every setting that changes the score
(version:nmt-VERSION in place of sacreBLEU's version).

Differences from sacreBLEU 2.x: the default output is the text line (-f json
for JSON); no test-set downloads (-t), ja-mecab/ko-mecab/spm tokenizers (-l
xx-ja and xx-ko are refused) or LaTeX tables; --seed sets the resampling seed
(SACREBLEU_SEED is read too); chrF orders are limited to -cc 1..6 and -cw
0..4.`

// bleuFlags are nmt bleu's flags, with sacreBLEU's names and aliases.
func bleuFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "input", Aliases: []string{"i"}, Usage: "read hypotheses from `FILE`s instead of standard input; several files are several systems"},
		&cli.StringSliceFlag{Name: "metrics", Aliases: []string{"m"}, Usage: "metrics to compute: bleu, chrf, ter (default: bleu)"},
		&cli.IntFlag{Name: "num-refs", Aliases: []string{"nr"}, Value: 1, Usage: "split the one reference file on tabs into `N` references"},
		&cli.BoolFlag{Name: "sentence-level", Aliases: []string{"sl"}, Usage: "print a score for every segment"},
		&cli.StringFlag{Name: "encoding", Aliases: []string{"e"}, Value: "utf-8", Usage: "input encoding (only utf-8)"},
		&cli.StringFlag{Name: "language-pair", Aliases: []string{"l"}, Usage: "SRC-TRG; a zh target selects the zh tokenizer when --tokenize is not given"},

		&cli.StringFlag{Name: "smooth-method", Aliases: []string{"s"}, Value: "exp", Usage: "BLEU smoothing: none, floor, add-k, exp"},
		&cli.Float64Flag{Name: "smooth-value", Aliases: []string{"sv"}, Usage: "value for floor (default 0.1) and add-k (default 1)"},
		&cli.StringFlag{Name: "tokenize", Aliases: []string{"tok"}, Usage: "BLEU tokenizer: none, zh, 13a, char, intl (default 13a)"},
		&cli.BoolFlag{Name: "lowercase", Aliases: []string{"lc"}, Usage: "case-insensitive BLEU"},
		&cli.BoolFlag{Name: "force", Usage: "do not warn about input that looks tokenized"},

		&cli.IntFlag{Name: "chrf-char-order", Aliases: []string{"cc"}, Value: 6, Usage: "chrF character n-gram order"},
		&cli.IntFlag{Name: "chrf-word-order", Aliases: []string{"cw"}, Value: 0, Usage: "chrF word n-gram order; 2 is chrF++"},
		&cli.IntFlag{Name: "chrf-beta", Value: 2, Usage: "chrF recall weight"},
		&cli.BoolFlag{Name: "chrf-whitespace", Usage: "keep whitespace in character n-grams"},
		&cli.BoolFlag{Name: "chrf-lowercase", Usage: "case-insensitive chrF"},
		&cli.BoolFlag{Name: "chrf-eps-smoothing", Usage: "chrF++.py/NLTK/Moses epsilon smoothing instead of effective order"},

		&cli.BoolFlag{Name: "ter-case-sensitive", Usage: "case-sensitive TER"},
		&cli.BoolFlag{Name: "ter-asian-support", Usage: "TER: split CJK characters (with --ter-normalized), drop CJK punctuation (with --ter-no-punct)"},
		&cli.BoolFlag{Name: "ter-no-punct", Usage: "TER: remove punctuation"},
		&cli.BoolFlag{Name: "ter-normalized", Usage: "TER: Tercom's normalisation (punctuation split, XML escapes undone)"},

		&cli.BoolFlag{Name: "confidence", Aliases: []string{"ci"}, Usage: "95% confidence interval by bootstrap resampling"},
		&cli.IntFlag{Name: "confidence-n", Aliases: []string{"cin"}, Value: 1000, Usage: "bootstrap resamples for --confidence"},
		&cli.BoolFlag{Name: "paired-bs", Aliases: []string{"pbs"}, Usage: "paired bootstrap resampling test against the first system"},
		&cli.BoolFlag{Name: "paired-ar", Aliases: []string{"par"}, Usage: "paired approximate randomization test against the first system"},
		&cli.IntFlag{Name: "paired-bs-n", Aliases: []string{"pbsn"}, Value: 1000, Usage: "resamples for --paired-bs"},
		&cli.IntFlag{Name: "paired-ar-n", Aliases: []string{"parn"}, Value: 10000, Usage: "trials for --paired-ar"},
		&cli.IntFlag{Name: "paired-jobs", Aliases: []string{"j"}, Value: 1, Usage: "accepted for compatibility; all CPUs are used"},
		&cli.StringFlag{Name: "seed", Usage: "resampling seed, or none for a random one (default $SACREBLEU_SEED or 12345)"},

		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "accepted for compatibility"},
		&cli.BoolFlag{Name: "short", Aliases: []string{"sh"}, Usage: "abbreviated signature"},
		&cli.BoolFlag{Name: "score-only", Aliases: []string{"b"}, Usage: "print only the score"},
		&cli.IntFlag{Name: "width", Aliases: []string{"w"}, Value: 1, Usage: "decimal places"},
		&cli.BoolFlag{Name: "no-color", Aliases: []string{"nc"}, Usage: "accepted for compatibility (output is never colored)"},
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json"},
		&cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version and exit"},
	}
}

// runBleu runs nmt bleu with sacreBLEU-style arguments.
func runBleu(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	// A run is short and its heap small (about 5 MB for 3,000 segments):
	// collect garbage only if the heap nears 1 GiB, which saves the
	// collector's work on every ordinary run.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	flags := bleuFlags()
	app := &cli.App{
		Name:                      "nmt bleu",
		Usage:                     "score translations with BLEU, chrF and TER exactly as sacreBLEU 2.x does",
		UsageText:                 bleuCommand().UsageText,
		Description:               bleuDescription,
		Flags:                     flags,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true, // file names may contain commas
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return fmt.Errorf("%w (see nmt bleu --help)", err)
		},
		Writer:    stdout,
		ErrWriter: stderr,
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				fmt.Fprintf(stdout, "nmt bleu %s\n", bleuVersion())
				return nil
			}
			o, err := bleuOptionsFrom(c)
			if err != nil {
				return err
			}
			return o.run(stdin, stdout, stderr)
		},
	}
	return app.Run(append([]string{"nmt bleu"}, reorderBleuArgs(args, flags)...))
}

// bleuVersion is the version field of signatures.
func bleuVersion() string { return "nmt-" + version }
