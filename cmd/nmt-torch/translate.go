package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sugarme/gotch"
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/text"
)

func translateCommand() *cli.Command {
	return &cli.Command{
		Name:  "translate",
		Usage: "translate lines of text (standard input or --input) with one or more checkpoints",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "checkpoint", Required: true, Usage: "checkpoint file; repeat for an ensemble (probabilities averaged)"},
			&cli.StringFlag{Name: "input", Usage: "input file (default: standard input)"},
			&cli.IntFlag{Name: "buffer-size", Value: 64, Usage: "lines read before translating them (1: translate each line as it arrives)"},
			&cli.IntFlag{Name: "beam", Value: 5, Usage: "beam size (1: greedy search)"},
			&cli.IntFlag{Name: "nbest", Value: 1, Usage: "hypotheses printed per line"},
			&cli.Float64Flag{Name: "lenpen", Value: 1, Usage: "length penalty: score = sum log p / len^lenpen (len counts EOS)"},
			&cli.Float64Flag{Name: "max-len-a", Value: 0, Usage: "max output length a*src_len+b ..."},
			&cli.IntFlag{Name: "max-len-b", Value: 200, Usage: "... capped by the model's positions"},
			&cli.IntFlag{Name: "min-len", Value: 1, Usage: "EOS forbidden before this many tokens"},
			&cli.Float64Flag{Name: "unkpen", Usage: "subtracted from <unk>'s log-probability"},
			&cli.IntFlag{Name: "no-repeat-ngram-size", Usage: "forbid repeating n-grams of this size (0: off)"},
			&cli.BoolFlag{Name: "exhaustive-stop", Usage: "stop a sentence only when no unfinished hypothesis can beat the finished ones under the length penalty (fairseq stops at beam finished hypotheses)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json or fairseq (S-/H-/D-/P- lines, scores in base 2 as fairseq-generate)"},
			&cli.StringFlag{Name: "device", Value: "auto", Usage: "auto, cpu, cuda or cuda:N"},
			&cli.IntFlag{Name: "max-tokens", Value: 4096, Usage: "source tokens per batch, padding included (0: no bound)"},
			&cli.IntFlag{Name: "batch-size", Usage: "sentences per batch (0: no bound)"},
			&cli.BoolFlag{Name: "fail-overlong", Usage: "a line longer than the model takes is an error (default: truncated with a warning)"},
			&cli.StringFlag{Name: "data", Usage: "prepared data directory: translate --split and score it (with --bleu)"},
			&cli.StringFlag{Name: "split", Value: "test", Usage: "split of --data"},
			&cli.BoolFlag{Name: "bleu", Usage: "with --data: print tokenized-lowercased BLEU and detokenized sacreBLEU"},
			&cli.IntFlag{Name: "threads", Usage: "libtorch threads (0: NMT_THREADS or all cores)"},
		},
		Action: runTranslate,
	}
}

// translator holds what translating a line needs.
type translator struct {
	cks   []*checkpoint
	model decode.Model
	opt   decode.Options
	batch decode.Batching
	dev   gotch.Device
	tok   *text.Tokenizer
	detok *text.Detokenizer
	bpe   *bpe.Encoder
	out   *bufio.Writer
	form  string
	nbest int
	fail  bool
	bad   int // lines with errors
}

func runTranslate(c *cli.Context) error {
	tch.SetThreads(c.Int("threads"))
	dev, err := tch.ParseDevice(c.String("device"))
	if err != nil {
		return err
	}
	switch c.String("format") {
	case "text", "json", "fairseq":
	default:
		return fmt.Errorf("--format %q: want text, json or fairseq", c.String("format"))
	}
	t := &translator{dev: dev, form: c.String("format"), nbest: c.Int("nbest"), fail: c.Bool("fail-overlong")}
	for _, p := range c.StringSlice("checkpoint") {
		ck, err := loadCheckpoint(p, dev)
		if err != nil {
			return err
		}
		t.cks = append(t.cks, ck)
	}
	if err := compatible(t.cks); err != nil {
		return err
	}
	var ens decode.Ensemble
	maxPos := 0
	for _, ck := range t.cks {
		ens = append(ens, decode.FromTransformer(ck.model))
		if maxPos == 0 || ck.cfg.MaxPositions < maxPos {
			maxPos = ck.cfg.MaxPositions
		}
	}
	t.model = ens
	if len(ens) == 1 {
		t.model = ens[0]
	}
	o := decode.DefaultOptions()
	o.Beam, o.NBest, o.LenPen = c.Int("beam"), c.Int("nbest"), c.Float64("lenpen")
	o.MaxLenA, o.MaxLenB, o.MinLen = c.Float64("max-len-a"), c.Int("max-len-b"), c.Int("min-len")
	o.UnkPen, o.NoRepeatNgram, o.Exhaustive = c.Float64("unkpen"), c.Int("no-repeat-ngram-size"), c.Bool("exhaustive-stop")
	o.MaxPositions = maxPos
	if err := o.Validate(); err != nil {
		return err
	}
	t.opt = o
	t.batch = decode.Batching{MaxTokens: c.Int("max-tokens"), BatchSize: c.Int("batch-size")}
	s := t.cks[0].settings
	if s.Tokenize {
		t.tok = text.NewTokenizer(s.SrcLang, text.TokenizerOptions{Aggressive: s.Aggressive, NoEscape: s.NoEscape})
		t.detok = text.NewDetokenizer(s.TgtLang)
	}
	if t.cks[0].codes != nil {
		t.bpe = bpe.NewEncoder(t.cks[0].codes)
	}
	t.out = bufio.NewWriter(os.Stdout)
	defer t.out.Flush()
	if c.String("data") != "" {
		return t.scoreSplit(c.String("data"), c.String("split"), c.Bool("bleu"))
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
	if err := t.stream(in, max(1, c.Int("buffer-size"))); err != nil {
		return err
	}
	if t.bad > 0 {
		return fmt.Errorf("%d line(s) could not be translated (see above); their output lines are empty", t.bad)
	}
	return nil
}

// stream translates the lines of in, buf lines at a time, writing each
// batch's output before reading on.
func (t *translator) stream(in io.Reader, buf int) error {
	r := bufio.NewReader(in)
	var lines []string
	n := 0
	for {
		line, err := r.ReadString('\n')
		if len(line) > 0 || err == nil {
			lines = append(lines, strings.TrimRight(line, "\r\n"))
		}
		if len(lines) == buf || (err != nil && len(lines) > 0) {
			if e := t.translateLines(lines, n); e != nil {
				return e
			}
			n += len(lines)
			lines = lines[:0]
			t.out.Flush()
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// prepare turns a line into source ids (EOS last); ok false for an empty
// or invalid line. first is the 0-based number of lines before.
func (t *translator) prepare(line string, lineNo int) (ids []int64, src string, ok bool, err error) {
	if !utf8.ValidString(line) {
		fmt.Fprintf(os.Stderr, "nmt translate: line %d: invalid UTF-8; output line left empty\n", lineNo)
		t.bad++
		return nil, "", false, nil
	}
	s := t.cks[0].settings
	if s.NormalizePunctuation {
		line = text.NormalizePunctuation(line, s.SrcLang)
	}
	if s.RemoveNonPrinting {
		line = text.RemoveNonPrinting(line)
	}
	if t.tok != nil {
		line = t.tok.Tokenize(line)
	}
	if s.Lowercase {
		line = text.Lowercase(line)
	}
	if t.bpe != nil {
		line = t.bpe.Apply(line)
	}
	if strings.TrimSpace(line) == "" {
		return nil, "", false, nil
	}
	ids32 := t.cks[0].srcDict.Encode(line, nil)
	ids = make([]int64, len(ids32))
	for i, v := range ids32 {
		ids[i] = int64(v)
	}
	if limit := t.opt.MaxPositions; limit > 0 && len(ids) > limit {
		if t.fail {
			return nil, "", false, fmt.Errorf("line %d: %d tokens, the model takes at most %d (EOS included)", lineNo, len(ids), limit)
		}
		fmt.Fprintf(os.Stderr, "nmt translate: line %d: %d tokens, truncated to the model's %d (EOS included)\n", lineNo, len(ids), limit)
		ids = append(ids[:limit-1], ids[len(ids)-1])
	}
	return ids, line, true, nil
}

func (t *translator) translateLines(lines []string, first int) error {
	var src [][]int64
	var which []int
	bpeSrc := make([]string, len(lines))
	for i, l := range lines {
		ids, s, ok, err := t.prepare(l, first+i+1)
		if err != nil {
			return err
		}
		if ok {
			src = append(src, ids)
			which = append(which, i)
			bpeSrc[i] = s
		}
	}
	hyps := make([][]decode.Hypothesis, len(lines))
	if len(src) > 0 {
		res, err := decode.Translate(t.model, src, t.opt, t.batch, t.dev)
		if err != nil {
			return err
		}
		for j, i := range which {
			hyps[i] = res[j]
		}
	}
	for i := range lines {
		t.write(first+i, bpeSrc[i], hyps[i])
	}
	return nil
}

// postprocess turns output ids into (BPE-joined tokenized, detokenized)
// text.
func (t *translator) postprocess(toks []int64) (tokenized, detok string) {
	if n := len(toks); n > 0 && toks[n-1] == t.opt.Special.EOS {
		toks = toks[:n-1]
	}
	ids := make([]int32, len(toks))
	for i, v := range toks {
		ids[i] = int32(v)
	}
	tokenized = bpe.Remove(t.cks[0].tgtDict.Decode(ids))
	detok = tokenized
	if t.detok != nil {
		detok = t.detok.Detokenize(tokenized)
	}
	return tokenized, detok
}
