package study

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Method is one way of normalising and initialising the model.
type Method struct {
	Name, Norm, Init string
}

// Methods lists the study's methods in the order they are reported.
func Methods() []Method {
	return []Method{
		{"post-ln", "post", "default"},
		{"pre-ln", "pre", "default"},
		{"no-norm", "none", "default"},
		{"fixup", "none", "fixup"},
		{"t-fixup", "none", "t-fixup"},
		{"deepnorm", "post", "deepnorm"},
		{"rezero", "none", "rezero"},
	}
}

// ParseMethods turns a comma-separated list of method names ("all" for
// every one) into Methods.
func ParseMethods(s string) ([]Method, error) {
	if strings.TrimSpace(s) == "all" {
		return Methods(), nil
	}
	var out []Method
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		m, ok := methodByName(name)
		if !ok {
			var names []string
			for _, m := range Methods() {
				names = append(names, m.Name)
			}
			return nil, fmt.Errorf("study: unknown method %q (want all or some of %s)", name, strings.Join(names, ", "))
		}
		out = append(out, m)
	}
	return out, nil
}

func methodByName(name string) (Method, bool) {
	for _, m := range Methods() {
		if m.Name == name {
			return m, true
		}
	}
	return Method{}, false
}

// Config is one depth study.
type Config struct {
	Out     string   // output directory: runs/, results.*, plots
	Data    string   // prepared directory (Prepare fills it in when empty)
	Depths  []int    // encoder = decoder layers
	Methods []Method // see Methods

	Dim, FFNDim, Heads int
	Dropout            float64 // residual, attention and activation dropout

	Updates        int     // updates per run
	LR             float64 // peak learning rate (Adam 0.9,0.98)
	Schedule       string  // "recipe", "warmup" or "nowarmup" (see LRSchedule)
	Warmup         int     // warmup updates of inverse_sqrt
	TFixupW        int     // W of t-fixup's lr*sqrt(W/(W+t))
	LabelSmoothing float64 // as the iwslt recipes
	WeightDecay    float64
	MaxTokens      int   // batch size in padded tokens
	Seed           int64 // data order, init, dropout

	// DivergeLoss: a run diverged when a loss is not finite or its final
	// loss (bits per token, mean of the last 10 updates) is above this.
	// 0 means log2(target vocabulary) + 1: worse than a uniform guess.
	DivergeLoss float64

	// Corpus made by Prepare when Data is empty: synth pairs and BPE merges.
	TrainPairs, Merges int

	// Threads is libtorch's thread count (0: all cores). At d 64 every op
	// is small: one thread was 5 times faster than two on a 2-core machine
	// that other jobs shared (oversubscribed threads spin).
	Threads int

	// Precision is the trainer's (float32 or bf16; train.Config.Precision).
	Precision string
}

// DefaultConfig is the study as docs/depth-study.md describes it.
func DefaultConfig() Config {
	return Config{
		Out: "runs/depth-study", Depths: []int{6, 12, 24, 48, 96}, Methods: Methods(),
		Dim: 64, FFNDim: 128, Heads: 4,
		Updates: 100, LR: 5e-4, Schedule: "recipe", Warmup: 25, TFixupW: 4000,
		LabelSmoothing: 0.1, WeightDecay: 1e-4, MaxTokens: 512, Seed: 1,
		TrainPairs: 10000, Merges: 1000, Threads: 1, Precision: "float32",
	}
}

// Validate reports settings that cannot make a study.
func (c Config) Validate() error {
	var errs []error
	if c.Out == "" {
		errs = append(errs, errors.New("study: no output directory"))
	}
	if len(c.Depths) == 0 || len(c.Methods) == 0 {
		errs = append(errs, errors.New("study: want at least one depth and one method"))
	}
	for _, d := range c.Depths {
		if d < 1 {
			errs = append(errs, fmt.Errorf("study: depth %d: want 1 or more layers", d))
		}
	}
	if c.Dim <= 0 || c.FFNDim <= 0 || c.Heads <= 0 || c.Dim%c.Heads != 0 {
		errs = append(errs, fmt.Errorf("study: dim %d, ffn %d, heads %d: want positive sizes, dim divisible by heads", c.Dim, c.FFNDim, c.Heads))
	}
	if c.Updates < 1 || c.LR <= 0 || c.MaxTokens < 1 {
		errs = append(errs, fmt.Errorf("study: updates %d, lr %g, max-tokens %d: want all above 0", c.Updates, c.LR, c.MaxTokens))
	}
	switch c.Schedule {
	case "recipe", "warmup", "nowarmup":
	default:
		errs = append(errs, fmt.Errorf("study: schedule %q: want recipe, warmup or nowarmup", c.Schedule))
	}
	if c.DivergeLoss < 0 || math.IsNaN(c.DivergeLoss) {
		errs = append(errs, fmt.Errorf("study: diverge-loss %g: want 0 (automatic) or more", c.DivergeLoss))
	}
	if c.Precision != "float32" && c.Precision != "bf16" {
		errs = append(errs, fmt.Errorf("study: precision %q: want float32 or bf16", c.Precision))
	}
	return errors.Join(errs...)
}

// LRSchedule returns the scheduler, warmup (or W) and warmup-init-lr that
// method m trains with:
//
//   - "warmup": every method uses inverse_sqrt, linear warmup from 1e-7
//     to LR over Warmup updates, then LR*sqrt(Warmup/t);
//   - "nowarmup": every method uses T-Fixup's inverse_sqrt_nowarmup,
//     LR*sqrt(W/(W+t)) with W = TFixupW;
//   - "recipe": "nowarmup" for t-fixup (the iwslt14-tfixup recipe),
//     "warmup" for the others (the iwslt14-fixup/-layernorm recipes).
func (c Config) LRSchedule(m Method) (sched string, warmup int, initLR float64) {
	if c.Schedule == "nowarmup" || (c.Schedule == "recipe" && m.Init == "t-fixup") {
		return "inverse_sqrt_nowarmup", c.TFixupW, -1
	}
	return "inverse_sqrt", c.Warmup, 1e-7
}
