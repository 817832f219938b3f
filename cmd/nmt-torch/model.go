package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
	"github.com/fixup-nmt/nmt/translate"
)

func modelCommand() *cli.Command {
	return &cli.Command{
		Name:  "model",
		Usage: cmdinfo.TorchUsage("model"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "preset", Value: "iwslt", Usage: "iwslt, base, big or small"},
			&cli.IntFlag{Name: "enc-layers", Usage: "encoder layers (0: the preset's)"},
			&cli.IntFlag{Name: "dec-layers", Usage: "decoder layers (0: the preset's)"},
			&cli.StringFlag{Name: "norm", Value: "post", Usage: "post, pre or none"},
			&cli.StringFlag{Name: "init", Value: "default", Usage: "default, fixup, t-fixup, deepnorm or rezero"},
			&cli.IntFlag{Name: "src-vocab", Usage: "source vocabulary (0: the preset's)"},
			&cli.IntFlag{Name: "tgt-vocab", Usage: "target vocabulary (0: the preset's)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "random seed for the parameters and the batch"},
			&cli.BoolFlag{Name: "grad-norm", Usage: "also print every layer's gradient norm for one random batch"},
			&cli.IntFlag{Name: "batch", Value: 16, Usage: "sentences in the --grad-norm batch"},
			&cli.IntFlag{Name: "len", Value: 20, Usage: "source and target length of the --grad-norm batch"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "checkpoint", Usage: "summarise this checkpoint (of nmt train, nmt average or nmt quantize: its precision and every tensor as stored) instead of a fresh model"},
		},
		Action: func(c *cli.Context) error {
			return tch.Catch(func() error { return runModel(c) })
		},
	}
}

type paramInfo struct {
	Name     string  `json:"name"`
	DType    string  `json:"dtype,omitempty"` // as stored in a checkpoint
	Shape    []int64 `json:"shape"`
	Count    int64   `json:"count"`
	Mean     float64 `json:"mean"`
	Std      float64 `json:"std"`
	ZeroFrac float64 `json:"zero_fraction"`
}

type gradInfo struct {
	Layer string  `json:"layer"`
	Norm  float64 `json:"grad_norm"`
}

type modelReport struct {
	Config     transformer.Config `json:"config"`
	Params     []paramInfo        `json:"parameters"`
	Total      int64              `json:"total_parameters"`
	Loss       *float64           `json:"loss,omitempty"`
	GradNorms  []gradInfo         `json:"grad_norms,omitempty"`
	Checkpoint string             `json:"checkpoint,omitempty"`
	Precision  string             `json:"precision,omitempty"` // a checkpoint's: float32 or int8
	FileBytes  int64              `json:"file_bytes,omitempty"`
}

func modelConfig(c *cli.Context) (transformer.Config, error) {
	cfg, err := transformer.Preset(c.String("preset"))
	if err != nil {
		return cfg, err
	}
	if n := c.Int("enc-layers"); n > 0 {
		cfg.EncoderLayers = n
	}
	if n := c.Int("dec-layers"); n > 0 {
		cfg.DecoderLayers = n
	}
	if n := c.Int("src-vocab"); n > 0 {
		cfg.SrcVocab = n
	}
	if n := c.Int("tgt-vocab"); n > 0 {
		cfg.TgtVocab = n
	}
	cfg.Norm, cfg.Init = c.String("norm"), c.String("init")
	return cfg, cfg.Validate()
}

func runModel(c *cli.Context) error {
	s := ts.NewScope()
	defer s.Close()
	vs := nn.NewVarStore(gotch.CPU)
	var m *transformer.Model
	var err error
	rep := modelReport{Checkpoint: c.String("checkpoint")}
	if rep.Checkpoint != "" && !c.Bool("grad-norm") {
		if err := rep.readCheckpoint(); err != nil {
			return err
		}
		return rep.output(c.String("format"))
	}
	if rep.Checkpoint != "" {
		m, _, err = train.LoadModel(rep.Checkpoint, vs)
	} else {
		var cfg transformer.Config
		if cfg, err = modelConfig(c); err != nil {
			return err
		}
		transformer.ManualSeed(c.Int64("seed"))
		m, err = fixup.New(vs.Root(), cfg)
	}
	if err != nil {
		return err
	}
	rep.Config = m.Config()
	for _, v := range train.AllVars(vs) {
		p := summarise(v.Name, v.T)
		rep.Params = append(rep.Params, p)
		rep.Total += p.Count
	}
	if c.Bool("grad-norm") {
		loss, g := gradNorms(m, vs, c.Int("batch"), c.Int("len"), c.Int64("seed"))
		rep.Loss, rep.GradNorms = &loss, g
	}
	return rep.output(c.String("format"))
}

func (r modelReport) output(format string) error {
	if format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print()
	return nil
}

// readCheckpoint summarises an nmt checkpoint's model tensors as stored
// (int8 ones dequantized).
func (r *modelReport) readCheckpoint() error {
	cfg, prec, tensors, err := translate.ReadModel(r.Checkpoint)
	if err != nil {
		return err
	}
	r.Config, r.Precision = cfg, string(prec)
	if st, err := os.Stat(r.Checkpoint); err == nil {
		r.FileBytes = st.Size()
	}
	for _, t := range tensors {
		p := summariseValues(t.Name, t.Shape, t.Values)
		p.DType = t.DType
		r.Params = append(r.Params, p)
		r.Total += p.Count
	}
	return nil
}

func summarise(name string, t *ts.Tensor) paramInfo {
	return summariseValues(name, t.MustSize(), t.Vals().([]float32))
}

func summariseValues(name string, shape []int64, v []float32) paramInfo {
	var sum, sum2 float64
	zeros := 0
	for _, f := range v {
		x := float64(f)
		sum += x
		sum2 += x * x
		if x == 0 {
			zeros++
		}
	}
	n := float64(len(v))
	mean := sum / n
	return paramInfo{Name: name, Shape: shape, Count: int64(len(v)), Mean: mean,
		Std: math.Sqrt(math.Max(0, sum2/n-mean*mean)), ZeroFrac: float64(zeros) / n}
}

// gradNorms runs one random batch (left-padded sources, right-padded
// targets, lengths uniform in [3/4 len, len]) through the model in training
// mode, backpropagates the token-mean cross-entropy and returns the loss and
// the gradient norm of each layer.
func gradNorms(m *transformer.Model, vs *nn.VarStore, n, L int, seed int64) (float64, []gradInfo) {
	cfg := m.Config()
	r := rand.New(rand.NewSource(seed))
	src, prev, tgt := make([]int64, n*L), make([]int64, n*L), make([]int64, n*L)
	pad, eos := int64(cfg.Pad), int64(cfg.EOS)
	for i := 0; i < n; i++ {
		s, p, t := src[i*L:(i+1)*L], prev[i*L:(i+1)*L], tgt[i*L:(i+1)*L]
		for j := range s {
			s[j], p[j], t[j] = pad, pad, -100
		}
		ls, lt := L-r.Intn(L/4+1), L-r.Intn(L/4+1)
		for j := L - ls; j < L-1; j++ {
			s[j] = int64(4 + r.Intn(cfg.SrcVocab-4))
		}
		s[L-1] = eos
		for j := 0; j < lt-1; j++ {
			t[j] = int64(4 + r.Intn(cfg.TgtVocab-4))
		}
		t[lt-1] = eos
		p[0] = eos
		copy(p[1:lt], t[:lt-1])
	}
	shape := []int64{int64(n), int64(L)}
	S, P := ts.MustOfSlice(src).MustView(shape, true), ts.MustOfSlice(prev).MustView(shape, true)
	Y := ts.MustOfSlice(tgt)
	m.SetTraining(true)
	loss := m.Forward(S, P).MustView([]int64{-1, int64(cfg.TgtVocab)}, true).
		MustLogSoftmax(-1, gotch.Float, true).
		MustNllLoss(Y, nil, 1, -100, true)
	loss.MustBackward()
	sq := map[string]float64{}
	var order []string
	for _, p := range train.AllVars(vs) {
		k, v := p.Name, p.T
		l := transformer.LayerOf(k)
		if _, ok := sq[l]; !ok {
			order = append(order, l)
			sq[l] = 0
		}
		g := v.MustGrad(false)
		if g.MustDefined() {
			for _, x := range g.Float64Values() {
				sq[l] += x * x
			}
		}
	}
	out := make([]gradInfo, 0, len(order))
	for _, l := range order {
		out = append(out, gradInfo{l, math.Sqrt(sq[l])})
	}
	return loss.Float64Values()[0], out
}

func (r modelReport) print() {
	c := r.Config
	fmt.Printf("model: %d+%d layers, d %d, ffn %d, heads %d, norm %s, init %s, vocab %d/%d\n",
		c.EncoderLayers, c.DecoderLayers, c.Dim, c.FFNDim, c.Heads, c.Norm, c.Init, c.SrcVocab, c.TgtVocab)
	if r.Precision != "" {
		fmt.Printf("precision: %s (%s)\n", r.Precision, r.dtypes())
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "name\tdtype\tshape\tcount\tmean\tstd\tzero\t")
	for _, p := range r.Params {
		dt := p.DType
		if dt == "" {
			dt = "float32"
		}
		fmt.Fprintf(w, "%s\t%s\t%v\t%d\t%.4g\t%.4g\t%.3f\t\n", p.Name, dt, p.Shape, p.Count, p.Mean, p.Std, p.ZeroFrac)
	}
	w.Flush()
	fmt.Printf("total parameters: %d\n", r.Total)
	if r.GradNorms != nil {
		fmt.Printf("\nloss at init: %.4f\n", *r.Loss)
		w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "layer\tgrad norm\t")
		for _, g := range r.GradNorms {
			fmt.Fprintf(w, "%s\t%.4g\t\n", g.Layer, g.Norm)
		}
		w.Flush()
	}
}

// dtypes counts a checkpoint's tensors and values by stored dtype, with
// the file's size: "26 tensors int8 (per output channel), 43 float32;
// 12.3 MB".
func (r modelReport) dtypes() string {
	tensors, values := map[string]int{}, map[string]int64{}
	for _, p := range r.Params {
		tensors[p.DType]++
		values[p.DType] += p.Count
	}
	var parts []string
	for _, dt := range []string{"int8", "float32", "float64", "int64"} {
		if tensors[dt] == 0 {
			continue
		}
		s := fmt.Sprintf("%d tensors %s (%d values)", tensors[dt], dt, values[dt])
		if dt == "int8" {
			s += " by output channel"
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%s; file %.1f MB", strings.Join(parts, ", "), float64(r.FileBytes)/1e6)
}
