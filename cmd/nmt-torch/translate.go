package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/translate"
)

func translateCommand() *cli.Command {
	return &cli.Command{
		Name:  "translate",
		Usage: cmdinfo.TorchUsage("translate"),
		Flags: append(modelFlags(true),
			&cli.StringFlag{Name: "input", Usage: "input file (default: standard input)"},
			&cli.IntFlag{Name: "buffer-size", Value: 64, Usage: "lines read before translating them (1: translate each line as it arrives)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or fairseq (S-/H-/D-/P- lines, scores in base 2 as fairseq-generate)"},
			&cli.BoolFlag{Name: "fail-overlong", Usage: "a line longer than the model takes is an error (default: truncated with a warning)"},
			&cli.StringFlag{Name: "data", Usage: "prepared data directory: translate --split and score it (with --bleu)"},
			&cli.StringFlag{Name: "split", Value: "test", Usage: "split of --data"},
			&cli.BoolFlag{Name: "bleu", Usage: "with --data: print tokenized-lowercased BLEU and detokenized sacreBLEU"},
		),
		Action: runTranslate,
	}
}

// modelFlags are the flags that load a model and set its decoding, shared
// by translate and serve.
func modelFlags(required bool) []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "checkpoint", Required: required, Usage: "checkpoint file; repeat for an ensemble (probabilities averaged)"},
		&cli.IntFlag{Name: "beam", Value: 5, Usage: "beam size (1: greedy search)"},
		&cli.IntFlag{Name: "nbest", Value: 1, Usage: "hypotheses printed per line"},
		&cli.Float64Flag{Name: "lenpen", Value: 1, Usage: "length penalty: score = sum log p / len^lenpen (len counts EOS)"},
		&cli.Float64Flag{Name: "max-len-a", Value: 0, Usage: "max output length a*src_len+b (a and b not both 0) ..."},
		&cli.IntFlag{Name: "max-len-b", Value: 200, Usage: "... capped by the model's positions"},
		&cli.IntFlag{Name: "min-len", Value: 1, Usage: "EOS forbidden before this many tokens"},
		&cli.Float64Flag{Name: "unkpen", Usage: "subtracted from <unk>'s log-probability"},
		&cli.IntFlag{Name: "no-repeat-ngram-size", Usage: "forbid repeating n-grams of this size (0: off)"},
		&cli.BoolFlag{Name: "exhaustive-stop", Usage: "stop a sentence only when no unfinished hypothesis can beat the finished ones under the length penalty (fairseq stops at beam finished hypotheses)"},
		&cli.StringFlag{Name: "device", Value: "auto", Usage: "auto, cpu, cuda or cuda:N"},
		&cli.StringFlag{Name: "precision", Value: "auto", Usage: precisionUsage()},
		&cli.StringSliceFlag{Name: "int8-float32", Usage: "in int8: parts kept in float32, encoder and/or output (the output projection); repeat or separate by commas"},
		&cli.IntFlag{Name: "max-tokens", Value: 4096, Usage: "source tokens per batch, padding included (0: no bound)"},
		&cli.IntFlag{Name: "batch-size", Usage: "sentences per batch (0: no bound)"},
		&cli.IntFlag{Name: "threads", Usage: fmt.Sprintf("libtorch threads, 1..%d (0: NMT_THREADS or all cores)", maxThreads())},
	}
}

// precisionUsage is --precision's help: translate.Precisions' names.
func precisionUsage() string {
	var names []string
	for _, p := range translate.Precisions() {
		names = append(names, string(p))
	}
	return "the arithmetic of the model's products: " + strings.Join(names, ", ") + ", or auto (the checkpoint's: int8 for nmt quantize's output, else float32); bf16: bf16 products with float32 accumulation (CPUs with AVX512-BF16, or CUDA); int8 runs on the CPU"
}

// maxThreads bounds --threads: libtorch's and nmt's parallel loops wait
// for their slowest thread, so threads beyond the CPUs only queue for
// them; four per CPU leaves room for deliberate oversubscription and
// still refuses typos such as 999.
func maxThreads() int { return 4 * runtime.NumCPU() }

// setThreads checks --threads and applies it.
func setThreads(c *cli.Context) error {
	n := c.Int("threads")
	if n < 0 || n > maxThreads() {
		return fmt.Errorf("--threads %d: want 1..%d (4 per CPU), or 0 for NMT_THREADS or all %d cores", n, maxThreads(), runtime.NumCPU())
	}
	kernel.SetThreads(n)
	return nil
}

// loadModel loads --checkpoint and returns it with the decoding options
// of the flags.
func loadModel(c *cli.Context) (*translate.Model, translate.Options, error) {
	o := translate.DefaultOptions()
	o.Beam, o.NBest, o.LenPen = c.Int("beam"), c.Int("nbest"), c.Float64("lenpen")
	o.MaxLenA, o.MaxLenB, o.MinLen = c.Float64("max-len-a"), c.Int("max-len-b"), c.Int("min-len")
	o.UnkPen, o.NoRepeatNgram, o.Exhaustive = c.Float64("unkpen"), c.Int("no-repeat-ngram-size"), c.Bool("exhaustive-stop")
	o.Batching.MaxTokens, o.Batching.BatchSize = c.Int("max-tokens"), c.Int("batch-size")
	if err := setThreads(c); err != nil {
		return nil, o, err
	}
	dev, err := tch.ParseDevice(c.String("device"))
	if err != nil {
		return nil, o, err
	}
	lo, err := loadOptions(c, dev)
	if err != nil {
		return nil, o, err
	}
	m, err := translate.LoadWith(c.StringSlice("checkpoint"), lo)
	if err != nil {
		return nil, o, err
	}
	o.MaxPositions = m.MaxPositions()
	return m, o, o.Validate()
}

// loadOptions reads --precision and --int8-float32 for a model on dev.
func loadOptions(c *cli.Context, dev gotch.Device) (translate.LoadOptions, error) {
	o := translate.LoadOptions{Device: dev}
	var err error
	if o.Precision, err = translate.ParsePrecision(c.String("precision")); err != nil {
		return o, fmt.Errorf("--precision: %w", err)
	}
	for _, v := range c.StringSlice("int8-float32") {
		for _, part := range strings.Split(v, ",") {
			switch strings.TrimSpace(part) {
			case "encoder":
				o.Int8.Encoder = translate.Float32
			case "output":
				o.Int8.Output = translate.Float32
			default:
				return o, fmt.Errorf("--int8-float32 %q: want encoder or output", part)
			}
		}
	}
	return o, nil
}

func runTranslate(c *cli.Context) error {
	out, err := translate.NewWriter(os.Stdout, c.String("format"))
	if err != nil {
		return err
	}
	m, o, err := loadModel(c)
	if err != nil {
		return err
	}
	o.FailOverlong = c.Bool("fail-overlong")
	err = translateTo(c, m, o, out)
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("writing the translations: %w", ferr)
	}
	return err
}

// translateTo translates --data's split or the input lines into out.
func translateTo(c *cli.Context, m *translate.Model, o translate.Options, out *translate.Writer) error {
	ctx := context.Background()
	if dir := c.String("data"); dir != "" {
		res, err := m.TranslateSplit(ctx, dir, c.String("split"), o)
		if err != nil {
			return err
		}
		if !c.Bool("bleu") {
			for i, t := range res {
				if err := out.Write(i, t); err != nil {
					return err
				}
			}
			return nil
		}
		scores, err := m.ScoreSplit(dir, c.String("split"), res, "nmt-"+cmdinfo.Version)
		if err != nil {
			return err
		}
		return out.WriteScores(scores)
	}
	in := io.Reader(os.Stdin)
	if p := c.String("input"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	bad, err := stream(ctx, m, o, in, max(1, c.Int("buffer-size")), out)
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d line(s) could not be translated (see above); their output lines are empty", bad)
	}
	return nil
}

// stream translates the lines of in, buf lines at a time, writing each
// batch's output before reading on. It returns the number of lines that
// could not be translated.
func stream(ctx context.Context, m *translate.Model, o translate.Options, in io.Reader, buf int, out *translate.Writer) (bad int, err error) {
	r := bufio.NewReader(in)
	var lines []string
	n := 0
	for {
		line, rerr := r.ReadString('\n')
		if len(line) > 0 || rerr == nil {
			lines = append(lines, strings.TrimRight(line, "\r\n"))
		}
		if len(lines) == buf || (rerr != nil && len(lines) > 0) {
			b, err := translateLines(ctx, m, o, lines, n, out)
			bad += b
			if err != nil {
				return bad, err
			}
			if err := out.Flush(); err != nil {
				return bad, fmt.Errorf("writing the translations: %w", err)
			}
			n += len(lines)
			lines = lines[:0]
		}
		if rerr == io.EOF {
			return bad, nil
		}
		if rerr != nil {
			return bad, rerr
		}
	}
}

// translateLines translates lines, numbered from first+1, reporting
// invalid and overlong lines on standard error.
func translateLines(ctx context.Context, m *translate.Model, o translate.Options, lines []string, first int, out *translate.Writer) (bad int, err error) {
	srcs := make([]translate.Source, len(lines))
	for i, l := range lines {
		s := m.Preprocess(l)
		switch no := first + i + 1; {
		case s.Err != nil:
			fmt.Fprintf(os.Stderr, "nmt translate: line %d: %v; output line left empty\n", no, s.Err)
			bad++
		case s.Truncated() && o.FailOverlong:
			return bad, fmt.Errorf("line %d: %d tokens, the model takes at most %d (EOS included)", no, s.Tokens, m.MaxPositions())
		case s.Truncated():
			fmt.Fprintf(os.Stderr, "nmt translate: line %d: %d tokens, truncated to the model's %d (EOS included)\n", no, s.Tokens, m.MaxPositions())
		}
		srcs[i] = s
	}
	res, err := m.Search(ctx, srcs, o)
	if err != nil {
		return bad, err
	}
	for i, t := range res {
		if err := out.Write(first+i, t); err != nil {
			return bad, fmt.Errorf("writing the translations: %w", err)
		}
	}
	return bad, nil
}
