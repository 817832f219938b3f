package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/fixup-nmt/nmt/eval/bleu"
	"github.com/urfave/cli/v2"
)

// bleuOptions is nmt bleu's resolved command line.
type bleuOptions struct {
	refFiles, inputs []string
	metrics          []string // "bleu", "chrf", in sacreBLEU's output order
	numRefs          int
	sentence         bool
	bleu             bleu.Config
	chrf             bleu.CHRFConfig
	ter              bleu.TERConfig
	confidence       bool
	confidenceN      int
	pairedBS         bool
	pairedAR         bool
	pairedN          int
	seed             uint64
	seedName         string // as the signature prints it: "12345" or "none"
	force            bool
	short, scoreOnly bool
	width            int
	json             bool
}

func bleuOptionsFrom(c *cli.Context) (*bleuOptions, error) {
	o := &bleuOptions{
		refFiles: c.Args().Slice(), inputs: c.StringSlice("input"),
		numRefs: c.Int("num-refs"), sentence: c.Bool("sentence-level"),
		confidence: c.Bool("confidence"), confidenceN: c.Int("confidence-n"),
		pairedBS: c.Bool("paired-bs"), pairedAR: c.Bool("paired-ar"),
		force: c.Bool("force"), short: c.Bool("short"), scoreOnly: c.Bool("score-only"),
		width: c.Int("width"),
	}
	if len(o.refFiles) == 0 {
		return nil, errors.New("no reference file: usage: nmt bleu REF [REF...] < HYP (test sets (-t) are not built in)")
	}
	for _, m := range c.StringSlice("metrics") {
		m = strings.ToLower(m)
		switch m {
		case "bleu", "chrf", "ter":
			if !slices.Contains(o.metrics, m) {
				o.metrics = append(o.metrics, m)
			}
		default:
			return nil, fmt.Errorf("-m %s: unknown metric (want bleu, chrf or ter)", m)
		}
	}
	if len(o.metrics) == 0 {
		o.metrics = []string{"bleu"}
	}
	if !c.Bool("paired-bs") && !c.Bool("paired-ar") {
		// sacreBLEU prints metrics sorted by name (BLEU, chrF, TER),
		// except in paired tests, which keep the order given.
		slices.Sort(o.metrics)
	}
	if e := strings.ToLower(c.String("encoding")); e != "utf-8" && e != "utf8" {
		return nil, fmt.Errorf("--encoding %s: only utf-8 is supported", c.String("encoding"))
	}
	switch f := c.String("format"); f {
	case "text":
	case "json":
		o.json = true
	default:
		return nil, fmt.Errorf("--format %s: want text or json", f)
	}
	if o.numRefs < 1 {
		return nil, fmt.Errorf("--num-refs %d: want at least 1", o.numRefs)
	}
	if o.width < 0 {
		return nil, fmt.Errorf("--width %d: want 0 or more", o.width)
	}
	if err := o.metricConfigs(c); err != nil {
		return nil, err
	}
	if err := o.resampling(c); err != nil {
		return nil, err
	}
	return o, nil
}

// metricConfigs fills the BLEU and chrF settings.
func (o *bleuOptions) metricConfigs(c *cli.Context) error {
	o.bleu = bleu.DefaultConfig()
	o.bleu.Version = bleuVersion()
	o.bleu.Smooth = c.String("smooth-method")
	if c.IsSet("smooth-value") {
		v := c.Float64("smooth-value")
		o.bleu.SmoothValue = &v
	}
	o.bleu.Lowercase = c.Bool("lowercase")
	o.bleu.EffectiveOrder = o.sentence
	switch tok := c.String("tokenize"); {
	case tok != "":
		o.bleu.Tokenize = tok
	case strings.HasSuffix(c.String("language-pair"), "-zh"):
		o.bleu.Tokenize = "zh"
	case strings.HasSuffix(c.String("language-pair"), "-ja"):
		return errors.New("-l ..-ja: Japanese needs sacreBLEU's ja-mecab tokenizer, which nmt bleu does not have; pass --tokenize")
	case strings.HasSuffix(c.String("language-pair"), "-ko"):
		return errors.New("-l ..-ko: Korean needs sacreBLEU's ko-mecab tokenizer, which nmt bleu does not have; pass --tokenize")
	}
	if err := o.bleu.Validate(); err != nil {
		return err
	}
	o.chrf = bleu.CHRFConfig{
		CharOrder: c.Int("chrf-char-order"), WordOrder: c.Int("chrf-word-order"), Beta: c.Int("chrf-beta"),
		Lowercase: c.Bool("chrf-lowercase"), Whitespace: c.Bool("chrf-whitespace"),
		EpsSmoothing: c.Bool("chrf-eps-smoothing"), Version: bleuVersion(),
	}
	o.ter = bleu.TERConfig{
		Normalized: c.Bool("ter-normalized"), NoPunct: c.Bool("ter-no-punct"),
		AsianSupport: c.Bool("ter-asian-support"), CaseSensitive: c.Bool("ter-case-sensitive"),
		Version: bleuVersion(),
	}
	return o.chrf.Validate()
}

// resampling checks the statistical-test flags and resolves the seed.
func (o *bleuOptions) resampling(c *cli.Context) error {
	if o.pairedBS && o.pairedAR {
		return errors.New("--paired-bs and --paired-ar exclude each other")
	}
	if o.sentence && (o.confidence || o.pairedBS || o.pairedAR) {
		return errors.New("--sentence-level: statistical tests are not available per sentence")
	}
	if o.sentence && len(o.metrics) > 1 {
		return errors.New("--sentence-level: give one metric only")
	}
	o.pairedN = c.Int("paired-bs-n")
	if o.pairedAR {
		o.pairedN = c.Int("paired-ar-n")
	}
	if (o.pairedBS || o.pairedAR) && o.pairedN < 1 || o.confidence && o.confidenceN < 1 {
		return errors.New("the number of resamples or trials must be positive")
	}
	seed := c.String("seed")
	if !c.IsSet("seed") {
		seed = os.Getenv("SACREBLEU_SEED")
		if seed == "" {
			seed = "12345"
		}
	}
	if strings.EqualFold(seed, "none") {
		o.seed, o.seedName = rand.Uint64(), "none"
		return nil
	}
	v, err := strconv.ParseUint(seed, 10, 64)
	if err != nil {
		return fmt.Errorf("seed %q: want a non-negative integer or none", seed)
	}
	o.seed, o.seedName = v, strconv.FormatUint(v, 10)
	return nil
}

// run reads everything, checks it, scores, and only then prints, so a bad
// input never leaves a partial result on stdout.
func (o *bleuOptions) run(stdin io.Reader, stdout, stderr io.Writer) error {
	refs, err := bleuReadRefs(o.refFiles, o.numRefs)
	if err != nil {
		return err
	}
	paired := o.pairedBS || o.pairedAR
	systems, err := bleuReadSystems(o.inputs, stdin, paired)
	if err != nil {
		return err
	}
	refNames := o.refFiles
	if o.numRefs > 1 {
		refNames = nil
		for k := range o.numRefs {
			refNames = append(refNames, fmt.Sprintf("%s (column %d)", o.refFiles[0], k+1))
		}
	}
	if err := bleuCheckLengths(refNames, refs, systems); err != nil {
		return err
	}
	switch {
	case paired && len(systems) < 2:
		return errors.New("paired tests need several systems: give them with -i (the first is the baseline)")
	case o.confidence && len(systems) > 1:
		return errors.New("--confidence is for one system; use --paired-bs or --paired-ar for several")
	case o.sentence && len(systems) > 1:
		return errors.New("--sentence-level scores one system only")
	}
	if !o.force && slices.Contains(o.metrics, "bleu") {
		bleuWarnTokenized(stderr, systems)
	}
	ms, err := o.newMetrics(refs)
	if err != nil {
		return err
	}
	var out string
	switch {
	case o.sentence:
		out, err = o.sentenceLevel(ms[0], refs, systems[0].hyps)
	case len(systems) == 1:
		out, err = o.single(ms, systems[0].hyps)
	case paired:
		out, err = o.pairedTable(ms, systems)
	default:
		out, err = o.table(ms, systems)
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, out)
	return err
}

// bleuWarnTokenized repeats sacreBLEU's warning when 100 or more hypotheses
// end in " ." (a tokenized period).
func bleuWarnTokenized(w io.Writer, systems []bleuSystem) {
	for _, s := range systems {
		n := 0
		for _, h := range s.hyps {
			if strings.HasSuffix(h, " .") {
				n++
			}
		}
		if n >= 100 {
			fmt.Fprintf(w, "nmt bleu: warning: %s: %d lines end in a tokenized period (' .'); BLEU expects detokenized text (--force silences this)\n", s.file, n)
		}
	}
}

// newMetrics prepares the requested metrics against the references.
func (o *bleuOptions) newMetrics(refs [][]string) ([]bleu.Metric, error) {
	var ms []bleu.Metric
	for _, name := range o.metrics {
		var m bleu.Metric
		var err error
		switch name {
		case "bleu":
			m, err = bleu.New(refs, o.bleu)
		case "chrf":
			m, err = bleu.NewCHRF(refs, o.chrf)
		default:
			m, err = bleu.NewTER(refs, o.ter)
		}
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}
