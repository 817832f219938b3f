package study

import (
	"math"
	"strconv"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
)

// LayerGrad is the gradient norm of one layer's parameters.
type LayerGrad struct {
	Layer string `json:"layer"` // encoder.layers.3, decoder.embed_tokens, ...
	Norm  Num    `json:"grad_norm"`
}

// InitGrads is what one batch says about a model at initialisation.
type InitGrads struct {
	Loss   Num         `json:"loss"`   // bits per target token (label-smoothed)
	Total  Num         `json:"total"`  // L2 norm of all gradients
	Layers []LayerGrad `json:"layers"` // in parameter-name order, layers numerically
	Params int64       `json:"parameters"`
}

// layerIndex returns the side ("encoder", "decoder") and number of a
// layer name from transformer.LayerOf, or ok false for embeddings and the like.
func layerIndex(layer string) (side string, n int, ok bool) {
	f := strings.Split(layer, ".")
	if len(f) != 3 || f[1] != "layers" {
		return "", 0, false
	}
	n, err := strconv.Atoi(f[2])
	return f[0], n, err == nil
}

// initGrads builds the run's model as the trainer does (train.ManualSeed
// then train.BuildTransformer), runs the trainer's first batch through it
// in training mode, backpropagates train.LabelSmoothedCE divided by the
// batch's target tokens (as the trainer scales gradients) and returns the
// per-layer gradient norms. Total equals the gnorm the trainer logs for
// its first update (see TestInitGradsMatchTrainer). The model's tensors
// belong to the current scope.
func initGrads(tc train.Config, v train.Vocab, b data.Batch) (InitGrads, error) {
	var g InitGrads
	err := tch.Catch(func() error {
		train.ManualSeed(tc.Seed)
		vs := nn.NewVarStore(gotch.CPU)
		m, _, err := train.BuildTransformer(vs.Root(), tc, v)
		if err != nil {
			return err
		}
		params := train.Params(vs)
		s := ts.NewScope()
		defer s.Close()
		train.ManualSeed(tc.Seed) // the trainer seeds update u with seed+u
		m.SetTraining(true)
		src, prev, tgt := batchTensors(b)
		loss, _ := train.LabelSmoothedCE(m.Forward(src, prev), tgt, tc.Optim.LabelSmoothing, int64(v.Pad))
		loss.MustBackward()
		l, _ := loss.Float64Value(nil)
		g.Loss = Num(l / float64(b.NTokens) / math.Ln2)
		train.ScaleGrads(params, 1/float64(b.NTokens))
		sq := map[string]float64{}
		var total float64
		var order []string
		for _, p := range params {
			g.Params += int64(p.T.Numel())
			gr := p.T.MustGrad(false)
			if !gr.MustDefined() {
				continue
			}
			n, err := gr.MustNorm(false).Float64Value(nil)
			if err != nil {
				return err
			}
			l := transformer.LayerOf(p.Name)
			if _, ok := sq[l]; !ok {
				order = append(order, l)
			}
			sq[l] += n * n
			total += n * n
		}
		g.Total = Num(math.Sqrt(total))
		sortLayers(order)
		for _, l := range order {
			g.Layers = append(g.Layers, LayerGrad{l, Num(math.Sqrt(sq[l]))})
		}
		return nil
	})
	return g, err
}

// sortLayers orders layer names alphabetically but layer numbers
// numerically (encoder.layers.2 before encoder.layers.10).
func sortLayers(names []string) {
	less := func(a, b string) bool {
		sa, na, oka := layerIndex(a)
		sb, nb, okb := layerIndex(b)
		if oka && okb && sa == sb {
			return na < nb
		}
		return a < b
	}
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && less(names[j], names[j-1]); j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// batchTensors makes src [B,S], prev and tgt [B,T] on the CPU, as the
// trainer does.
func batchTensors(b data.Batch) (src, prev, tgt *ts.Tensor) {
	mk := func(v []int64, n int) *ts.Tensor {
		return ts.MustOfSlice(v).MustView([]int64{int64(b.B), int64(n)}, true)
	}
	return mk(b.Source, b.S), mk(b.PrevOutput, b.T), mk(b.Target, b.T)
}
