package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/iwslt"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/data/wmt"
)

// prepareCommand is `nmt prepare text|iwslt14|wmt14`.
func prepareCommand() *cli.Command {
	return &cli.Command{
		Name:  "prepare",
		Usage: "tokenize, clean, split, learn/apply BPE, build dictionaries and binarize a parallel corpus",
		Description: "Writes one directory: SPLIT.raw.L, SPLIT.tok.L, SPLIT.bpe.L, codes, dict.L.txt,\n" +
			"SPLIT.SRC-TGT.L.bin/.idx (fairseq mmap format) and prepare.json (every setting and count).",
		Subcommands: []*cli.Command{prepareTextCommand(), prepareIWSLTCommand(), prepareWMTCommand()},
	}
}

// commonPrepareFlags are shared by the recipes.
func commonPrepareFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Required: true, Usage: "output `DIR`"},
		&cli.IntFlag{Name: "workers", Usage: "goroutines for tokenizing and BPE (0: all cores)"},
		&cli.BoolFlag{Name: "force", Usage: "replace an existing prepared directory"},
		&cli.BoolFlag{Name: "quiet", Usage: "no progress on stderr"},
	}
}

func progressOut(c *cli.Context) io.Writer {
	if c.Bool("quiet") {
		return nil
	}
	return os.Stderr
}

func prepareTextCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "train-src", Required: true, Usage: "source side of the training corpus (`FILE`, .gz allowed)"},
		&cli.StringFlag{Name: "train-tgt", Required: true, Usage: "target side of the training corpus"},
		&cli.StringFlag{Name: "valid-src"}, &cli.StringFlag{Name: "valid-tgt"},
		&cli.StringFlag{Name: "test-src"}, &cli.StringFlag{Name: "test-tgt"},
		&cli.IntFlag{Name: "valid-every", Usage: "move every `N`th training pair to valid (after cleaning)"},
		&cli.IntFlag{Name: "valid-size", Usage: "hold out `N` random training pairs as valid"},
		&cli.IntFlag{Name: "test-size", Usage: "hold out `N` random training pairs as test"},
		&cli.Int64Flag{Name: "split-seed", Value: 1, Usage: "seed for --valid-size/--test-size"},
		&cli.StringFlag{Name: "src-lang", Required: true, Usage: "source language code (tokenizer rules)"},
		&cli.StringFlag{Name: "tgt-lang", Required: true, Usage: "target language code"},
		&cli.BoolFlag{Name: "no-tokenize", Usage: "skip the Moses tokenizer (text is already tokenized)"},
		&cli.BoolFlag{Name: "aggressive", Usage: "tokenizer -a: split hyphens as @-@"},
		&cli.BoolFlag{Name: "no-escape", Usage: "tokenizer -no-escape"},
		&cli.BoolFlag{Name: "normalize-punctuation", Usage: "normalize-punctuation.perl before tokenizing"},
		&cli.BoolFlag{Name: "remove-non-printing", Usage: "remove-non-printing-char.perl before tokenizing"},
		&cli.BoolFlag{Name: "lowercase", Usage: "lowercase after tokenizing"},
		&cli.IntFlag{Name: "bpe-merges", Value: 10000, Usage: "joint BPE merges learned on train (0: no BPE)"},
		&cli.IntFlag{Name: "bpe-min-frequency", Value: 2, Usage: "subword-nmt --min-frequency"},
		&cli.StringFlag{Name: "spm", Usage: "segment both sides with the SentencePiece `MODEL` (or Hugging Face tokenizer.json) instead of the Moses tokenizer and BPE"},
		&cli.StringFlag{Name: "spm-src", Usage: "SentencePiece `MODEL` of the source side (with --spm-tgt)"},
		&cli.StringFlag{Name: "spm-tgt", Usage: "SentencePiece `MODEL` of the target side"},
		&cli.IntFlag{Name: "clean-max", Usage: "drop training pairs with more tokens than this, as clean-corpus-n.perl (0: no cleaning)"},
		&cli.IntFlag{Name: "clean-min", Value: 1, Usage: "with --clean-max: fewest tokens"},
		&cli.Float64Flag{Name: "clean-ratio", Value: 1.5, Usage: "with --clean-max: longest/shortest side at most this"},
		&cli.BoolFlag{Name: "joined-dictionary", Value: true, Usage: "one dictionary for both sides"},
		&cli.Int64Flag{Name: "threshold", Usage: "keep dictionary symbols seen at least this often"},
		&cli.IntFlag{Name: "nwords", Usage: "at most this many dictionary symbols (0: all)"},
	}
	return &cli.Command{
		Name:      "text",
		Usage:     "prepare any parallel corpus given as line-aligned files",
		UsageText: "nmt prepare text --train-src F --train-tgt F [--valid-src F --valid-tgt F | --valid-every N | --valid-size N] [--test-src F --test-tgt F | --test-size N] --src-lang de --tgt-lang en [--lowercase] [--bpe-merges N | --spm MODEL | --spm-src M --spm-tgt M] --out DIR",
		Flags:     append(flags, commonPrepareFlags()...),
		Action: func(c *cli.Context) error {
			st := prep.Settings{
				Recipe: "text", SrcLang: c.String("src-lang"), TgtLang: c.String("tgt-lang"),
				NormalizePunctuation: c.Bool("normalize-punctuation"), RemoveNonPrinting: c.Bool("remove-non-printing"),
				Tokenize: !c.Bool("no-tokenize"), Aggressive: c.Bool("aggressive"), NoEscape: c.Bool("no-escape"),
				Lowercase: c.Bool("lowercase"), ValidEvery: c.Int("valid-every"),
				ValidSize: c.Int("valid-size"), TestSize: c.Int("test-size"), SplitSeed: c.Int64("split-seed"),
				Merges: c.Int("bpe-merges"), MinFrequency: c.Int("bpe-min-frequency"),
				JoinedDictionary: c.Bool("joined-dictionary"),
				Dict:             data.DictConfig{Threshold: c.Int64("threshold"), NWords: c.Int("nwords"), PaddingFactor: 8},
			}
			if st.ValidSize == 0 && st.TestSize == 0 {
				st.SplitSeed = 0
			}
			spmSrc, spmTgt, err := spmFlags(c)
			if err != nil {
				return err
			}
			if spmSrc != "" {
				if st.SPM, err = prep.SPMFiles(spmSrc, spmTgt, st.SrcLang, st.TgtLang); err != nil {
					return err
				}
				st.Tokenize, st.Merges, st.MinFrequency = false, 0, 0
			}
			if m := c.Int("clean-max"); m > 0 {
				st.Clean = &data.CleanConfig{Min: c.Int("clean-min"), Max: m, Ratio: c.Float64("clean-ratio"), MaxWordLength: 1000}
				st.CleanStage = "tok"
			}
			in, err := prep.TextConfig{
				TrainSrc: c.String("train-src"), TrainTgt: c.String("train-tgt"),
				ValidSrc: c.String("valid-src"), ValidTgt: c.String("valid-tgt"),
				TestSrc: c.String("test-src"), TestTgt: c.String("test-tgt"),
			}.Inputs()
			if err != nil {
				return err
			}
			rep, err := prep.Run(prep.Config{Settings: st, Out: c.String("out"), Inputs: in,
				Workers: c.Int("workers"), Progress: progressOut(c), Force: c.Bool("force"), Version: version,
				SPMSrc: spmSrc, SPMTgt: spmTgt})
			if err != nil {
				return err
			}
			printReport(os.Stdout, c.String("out"), rep)
			return nil
		},
	}
}

// spmFlags resolves --spm (joint) and --spm-src/--spm-tgt; SentencePiece
// replaces the Moses tokenizer and BPE, so --bpe-merges, --no-tokenize,
// --aggressive and --no-escape may not come with them.
func spmFlags(c *cli.Context) (src, tgt string, err error) {
	joint, s, t := c.String("spm"), c.String("spm-src"), c.String("spm-tgt")
	switch {
	case joint != "" && (s != "" || t != ""):
		return "", "", errors.New("give --spm MODEL or --spm-src and --spm-tgt, not both")
	case (s == "") != (t == ""):
		return "", "", errors.New("--spm-src and --spm-tgt go together")
	case joint == "" && s == "":
		return "", "", nil
	}
	for _, f := range []string{"bpe-merges", "bpe-min-frequency", "no-tokenize", "aggressive", "no-escape"} {
		if c.IsSet(f) {
			return "", "", fmt.Errorf("--%s does not apply with SentencePiece (it replaces the Moses tokenizer and BPE)", f)
		}
	}
	if joint != "" {
		return joint, joint, nil
	}
	return s, t, nil
}

func prepareIWSLTCommand() *cli.Command {
	d := iwslt.DefaultConfig()
	return &cli.Command{
		Name:      "iwslt14",
		Usage:     "prepare the IWSLT'14 de-en release as fairseq's prepare-iwslt14.sh",
		UsageText: "nmt prepare iwslt14 --raw DIR --out DIR",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "raw", Required: true, Usage: "the unpacked release (`DIR` with train.tags.de-en.* and IWSLT14.TED*.xml, or its parent)"},
			&cli.IntFlag{Name: "bpe-merges", Value: d.Merges, Usage: "joint BPE merges"},
			&cli.BoolFlag{Name: "joined-dictionary", Usage: "one dictionary for both sides (fairseq's example uses two)"},
		}, commonPrepareFlags()...),
		Action: func(c *cli.Context) error {
			cfg := d
			cfg.Raw, cfg.Out, cfg.Merges = c.String("raw"), c.String("out"), c.Int("bpe-merges")
			cfg.JoinedDictionary, cfg.Workers, cfg.Progress, cfg.Force, cfg.Version = c.Bool("joined-dictionary"), c.Int("workers"), progressOut(c), c.Bool("force"), version
			rep, err := iwslt.Prepare(cfg)
			if err != nil {
				return err
			}
			printReport(os.Stdout, cfg.Out, rep)
			return nil
		},
	}
}

func prepareWMTCommand() *cli.Command {
	d := wmt.DefaultConfig()
	return &cli.Command{
		Name:      "wmt14",
		Usage:     "prepare WMT'14 en-de as fairseq's prepare-wmt14en2de.sh (streaming)",
		UsageText: "nmt prepare wmt14 --raw DIR --out DIR [--corpus PREFIX|FILE.tsv[=de-en] ...]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "raw", Required: true, Usage: "`DIR` where the script's archives are unpacked"},
			&cli.StringSliceFlag{Name: "corpus", Usage: "training corpus relative to --raw (repeat; default: " + strings.Join(d.Corpora, ", ") + ")"},
			&cli.StringFlag{Name: "test-src", Value: d.TestSrc, Usage: "source SGM test file relative to --raw"},
			&cli.StringFlag{Name: "test-tgt", Value: d.TestTgt, Usage: "target SGM test file relative to --raw"},
			&cli.IntFlag{Name: "bpe-merges", Value: d.Merges, Usage: "joint BPE merges"},
		}, commonPrepareFlags()...),
		Action: func(c *cli.Context) error {
			cfg := d
			cfg.Raw, cfg.Out, cfg.Merges = c.String("raw"), c.String("out"), c.Int("bpe-merges")
			if cs := c.StringSlice("corpus"); len(cs) > 0 {
				cfg.Corpora = cs
			}
			cfg.TestSrc, cfg.TestTgt = c.String("test-src"), c.String("test-tgt")
			cfg.Workers, cfg.Progress, cfg.Force, cfg.Version = c.Int("workers"), progressOut(c), c.Bool("force"), version
			rep, err := wmt.Prepare(cfg)
			if err != nil {
				return err
			}
			printReport(os.Stdout, cfg.Out, rep)
			return nil
		},
	}
}

// printReport summarises a run: pairs per split, drops, dictionaries.
func printReport(w io.Writer, out string, rep *prep.Report) {
	fmt.Fprintf(w, "prepared %s (%s, %s-%s) in %.1fs\n", out, rep.Recipe, rep.SrcLang, rep.TgtLang, rep.WallSecond)
	for _, split := range []string{"train", "valid", "test"} {
		s, ok := rep.Splits[split]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "  %-5s %9d pairs  %11d / %11d tokens  <unk> %d / %d\n", split, s.Pairs, s.SrcTokens, s.TgtTokens, s.SrcUnk, s.TgtUnk)
	}
	keys := make([]string, 0, len(rep.Dropped))
	for k := range rep.Dropped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var parts []string
		for rule, n := range rep.Dropped[k] {
			parts = append(parts, fmt.Sprintf("%s %d", rule, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "  dropped from %s: %s\n", strings.Replace(k, "_bpe", " after BPE", 1), strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "  dictionaries: %s %d, %s %d symbols\n", rep.SrcLang, rep.DictSizes[rep.SrcLang], rep.TgtLang, rep.DictSizes[rep.TgtLang])
}
