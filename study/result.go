package study

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// Num is a measured float64 that JSON can hold when it is not finite:
// NaN and infinities are written as the strings "NaN", "+Inf" and "-Inf".
// It is written with 7 significant digits (the measurements come from
// float32 tensors), which keeps results.json small.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	x := float64(n)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return json.Marshal(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return []byte(strconv.FormatFloat(x, 'g', 7, 64)), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		x, err := strconv.ParseFloat(s, 64)
		*n = Num(x)
		return err
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*n = Num(x)
	return err
}

// Settings are what makes a run; a run file whose settings differ from
// the study's is not reused.
type Settings struct {
	Method    string  `json:"method"`
	Norm      string  `json:"norm"`
	Init      string  `json:"init"`
	Depth     int     `json:"depth"` // encoder = decoder layers
	Dim       int     `json:"dim"`
	FFNDim    int     `json:"ffn_dim"`
	Heads     int     `json:"heads"`
	Dropout   float64 `json:"dropout"`
	Updates   int     `json:"updates"`
	LR        float64 `json:"lr"`
	Sched     string  `json:"lr_scheduler"`
	Warmup    int     `json:"warmup_updates"`
	LS        float64 `json:"label_smoothing"`
	WD        float64 `json:"weight_decay"`
	Tokens    int     `json:"max_tokens"`
	Seed      int64   `json:"seed"`
	Data      string  `json:"data"`
	Optimizer string  `json:"optimizer"`
}

func settingsFor(c Config, m Method, depth int) Settings {
	sched, w, _ := c.LRSchedule(m)
	return Settings{Method: m.Name, Norm: m.Norm, Init: m.Init, Depth: depth,
		Dim: c.Dim, FFNDim: c.FFNDim, Heads: c.Heads, Dropout: c.Dropout,
		Updates: c.Updates, LR: c.LR, Sched: sched, Warmup: w, LS: c.LabelSmoothing, WD: c.WeightDecay,
		Tokens: c.MaxTokens, Seed: c.Seed, Data: c.Data, Optimizer: "adam 0.9,0.98 eps 1e-8"}
}

// Result is one run: its settings, the gradients at initialisation, the
// loss curve and the verdict.
type Result struct {
	Settings
	AtInit    InitGrads `json:"at_init"` // gradients at initialisation
	Curve     []Point   `json:"curve"`
	Done      int       `json:"updates_done"`
	FirstLoss Num       `json:"first_loss"` // loss of update 1, bits
	FinalLoss Num       `json:"final_loss"` // mean of the last 10 updates, bits
	Threshold float64   `json:"diverge_threshold"`
	Diverged  bool      `json:"diverged"`
	Reason    string    `json:"reason,omitempty"`
	Seconds   float64   `json:"seconds"`
}

// LayerRange returns the smallest and largest gradient norm at init over
// the encoder and decoder layers.
func (r *Result) LayerRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, l := range r.AtInit.Layers {
		if _, _, ok := layerIndex(l.Layer); ok {
			lo, hi = math.Min(lo, float64(l.Norm)), math.Max(hi, float64(l.Norm))
		}
	}
	return lo, hi
}

func runPath(c Config, m Method, depth int) string {
	return filepath.Join(c.Out, "runs", fmt.Sprintf("%s-L%d.json", m.Name, depth))
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// readRun reads a run file; ok is false when there is none.
func readRun(path string) (r *Result, ok bool, err error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	r = new(Result)
	if err := json.Unmarshal(b, r); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return r, true, nil
}

// writeResults writes res as a JSON array, one compact run per line.
func writeResults(path string, res []*Result) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		io.WriteString(w, "[\n")
		for i, r := range res {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			sep := ",\n"
			if i == len(res)-1 {
				sep = "\n"
			}
			if _, err := w.Write(append(b, sep...)); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "]\n")
		return err
	})
}
