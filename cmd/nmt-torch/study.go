package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/study"
	"github.com/fixup-nmt/nmt/tch"
)

// studyCommand is `nmt study depth`: the depth study of docs/depth-study.md.
func studyCommand() *cli.Command {
	d := study.DefaultConfig()
	return &cli.Command{
		Name:  "study",
		Usage: cmdinfo.TorchUsage("study"),
		Subcommands: []*cli.Command{{
			Name:      "depth",
			Usage:     "train every method at every depth for a fixed number of updates; record grad norms at init, loss curves, divergence; plot",
			UsageText: "nmt study depth [--out DIR] [--depths 6,12,24,48,96] [--methods all] [--updates 100] ... (re-run to resume; --summary to only redraw)",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Value: d.Out, Usage: "output directory: runs/*.json, results.json/.csv, plots, data/ (the prepared corpus)"},
				&cli.StringFlag{Name: "data", Usage: "prepared directory to train on (default: make OUT/data from the synth corpus)"},
				&cli.StringFlag{Name: "depths", Value: "6,12,24,48,96", Usage: "encoder = decoder layers, comma-separated"},
				&cli.StringFlag{Name: "methods", Value: "all", Usage: "all or some of post-ln, pre-ln, no-norm, fixup, t-fixup, deepnorm, rezero"},
				&cli.IntFlag{Name: "dim", Value: d.Dim, Usage: "model dimension"},
				&cli.IntFlag{Name: "ffn-dim", Value: d.FFNDim, Usage: "feed-forward inner dimension"},
				&cli.IntFlag{Name: "heads", Value: d.Heads, Usage: "attention heads"},
				&cli.Float64Flag{Name: "dropout", Value: d.Dropout, Usage: "dropout (residual, attention, activation)"},
				&cli.IntFlag{Name: "updates", Value: d.Updates, Usage: "updates per run"},
				&cli.Float64Flag{Name: "lr", Value: d.LR, Usage: "peak learning rate (Adam 0.9,0.98; the iwslt recipes' 5e-4)"},
				&cli.StringFlag{Name: "schedule", Value: d.Schedule, Usage: "recipe (t-fixup: no warmup; others: warmup), warmup (inverse_sqrt for all) or nowarmup (lr*sqrt(W/(W+t)) for all)"},
				&cli.IntFlag{Name: "warmup", Value: d.Warmup, Usage: "warmup updates of inverse_sqrt (from 1e-7 to lr)"},
				&cli.IntFlag{Name: "tfixup-w", Value: d.TFixupW, Usage: "W of the no-warmup schedule lr*sqrt(W/(W+t))"},
				&cli.Float64Flag{Name: "label-smoothing", Value: d.LabelSmoothing, Usage: "label smoothing"},
				&cli.Float64Flag{Name: "weight-decay", Value: d.WeightDecay, Usage: "decoupled weight decay"},
				&cli.IntFlag{Name: "max-tokens", Value: d.MaxTokens, Usage: "batch size in padded tokens"},
				&cli.Int64Flag{Name: "seed", Value: d.Seed, Usage: "seed: corpus, data order, init, dropout"},
				&cli.Float64Flag{Name: "diverge-loss", Usage: "a final loss (bits) above this counts as diverged (0: log2(vocab)+1)"},
				&cli.IntFlag{Name: "train-pairs", Value: d.TrainPairs, Usage: "synth pairs in the corpus made when --data is not given"},
				&cli.IntFlag{Name: "bpe-merges", Value: d.Merges, Usage: "BPE merges of that corpus"},
				&cli.IntFlag{Name: "threads", Value: d.Threads, Usage: "libtorch threads (0: NMT_THREADS or all cores; the ops of a d 64 model are small, one thread is fastest on a shared machine)"},
				&cli.StringFlag{Name: "precision", Value: d.Precision, Usage: "float32 or bf16 (nmt train --precision)"},
				&cli.BoolFlag{Name: "summary", Usage: "train nothing: summarise the runs already in OUT"},
			},
			Action: func(c *cli.Context) error {
				cfg, err := studyConfig(c)
				if err != nil {
					return err
				}
				return tch.Catch(func() error { return runStudy(c, cfg) })
			},
		}},
	}
}

func studyConfig(c *cli.Context) (study.Config, error) {
	cfg := study.DefaultConfig()
	var err error
	if cfg.Depths, err = parseInts(c.String("depths")); err != nil {
		return cfg, fmt.Errorf("--depths: %w", err)
	}
	if cfg.Methods, err = study.ParseMethods(c.String("methods")); err != nil {
		return cfg, fmt.Errorf("--methods: %w", err)
	}
	cfg.Out, cfg.Data = c.String("out"), c.String("data")
	cfg.Dim, cfg.FFNDim, cfg.Heads, cfg.Dropout = c.Int("dim"), c.Int("ffn-dim"), c.Int("heads"), c.Float64("dropout")
	cfg.Updates, cfg.LR, cfg.Schedule = c.Int("updates"), c.Float64("lr"), c.String("schedule")
	cfg.Warmup, cfg.TFixupW = c.Int("warmup"), c.Int("tfixup-w")
	cfg.LabelSmoothing, cfg.WeightDecay = c.Float64("label-smoothing"), c.Float64("weight-decay")
	cfg.MaxTokens, cfg.Seed, cfg.DivergeLoss = c.Int("max-tokens"), c.Int64("seed"), c.Float64("diverge-loss")
	cfg.TrainPairs, cfg.Merges, cfg.Threads = c.Int("train-pairs"), c.Int("bpe-merges"), c.Int("threads")
	cfg.Precision = c.String("precision")
	return cfg, cfg.Validate()
}

func runStudy(c *cli.Context, cfg study.Config) error {
	if cfg.Threads > 0 {
		kernel.SetThreads(cfg.Threads)
	}
	var res []*study.Result
	var err error
	if c.Bool("summary") {
		if cfg.Data == "" {
			cfg.Data = cfg.Out + "/data"
		}
		res, err = study.Collect(cfg)
	} else {
		if err = study.Prepare(&cfg, os.Stderr); err != nil {
			return err
		}
		res, err = study.Run(cfg, os.Stderr)
	}
	if len(res) > 0 {
		if serr := study.Summarise(cfg, res, os.Stdout); serr != nil && err == nil {
			err = serr
		}
		fmt.Fprintf(os.Stderr, "study: wrote %s/results.json, results.csv, final-loss.png, grad-norm.png, grad-norm-layers.png, loss-curves.png\n", cfg.Out)
	}
	return err
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("want comma-separated integers, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}
