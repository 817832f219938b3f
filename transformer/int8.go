package transformer

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/quant"
)

// OutputProjection is the name UseInt8 asks for the output projection's
// weight by, whether or not it is the target embedding.
const OutputProjection = "decoder.output_projection.weight"

// Int8Weights names the weights whose products can run in int8
// (UseInt8), as the model's parameters are named: every linear layer's
// weight, encoder and decoder, and the output projection
// (OutputProjection, also where it is the target embedding).
func (c Config) Int8Weights() []string {
	var names []string
	for i := 0; i < c.EncoderLayers; i++ {
		p := fmt.Sprintf("encoder.layers.%d.", i)
		names = append(names, p+"self_attn.in_proj_weight", p+"self_attn.out_proj.weight", p+"fc1.weight", p+"fc2.weight")
	}
	for i := 0; i < c.DecoderLayers; i++ {
		p := fmt.Sprintf("decoder.layers.%d.", i)
		names = append(names, p+"self_attn.in_proj_weight", p+"self_attn.out_proj.weight",
			p+"encoder_attn.in_proj_weight", p+"encoder_attn.out_proj.weight", p+"fc1.weight", p+"fc2.weight")
	}
	return append(names, OutputProjection)
}

// int8Target is one weight of Int8Weights: the field that holds it (its
// float32 storage is released once packed; nil for the shared output
// projection, which stays the embedding) and where the packed rows go.
type int8Target struct {
	name  string
	w     *ts.Tensor
	field **ts.Tensor
	packs []int8Rows
}

// int8Rows packs rows r0..r1-1 of a weight into dst.
type int8Rows struct {
	r0, r1 int
	dst    **kernel.Packed
}

// int8Targets lists the model's weights in Int8Weights' order.
func (m *Model) int8Targets() []int8Target {
	d := m.cfg.Dim
	all := func(dst **kernel.Packed, rows int) []int8Rows { return []int8Rows{{0, rows, dst}} }
	var t []int8Target
	attn := func(name string, a *Attention, cross bool) {
		in := all(&a.packIn, 3*d)
		if cross { // queries from the decoder, keys and values from the encoder output
			in = []int8Rows{{0, d, &a.packQ}, {d, 3 * d, &a.packKV}}
		}
		t = append(t,
			int8Target{name + ".in_proj_weight", a.InProj, &a.InProj, in},
			int8Target{name + ".out_proj.weight", a.OutProj, &a.OutProj, all(&a.packOut, d)})
	}
	ffn := func(p string, f *FFN) {
		t = append(t,
			int8Target{p + "fc1.weight", f.FC1, &f.FC1, all(&f.pack1, m.cfg.FFNDim)},
			int8Target{p + "fc2.weight", f.FC2, &f.FC2, all(&f.pack2, d)})
	}
	for i, l := range m.Encoder.Layers {
		p := fmt.Sprintf("encoder.layers.%d.", i)
		attn(p+"self_attn", l.SelfAttn, false)
		ffn(p, l.FFN)
	}
	for i, l := range m.Decoder.Layers {
		p := fmt.Sprintf("decoder.layers.%d.", i)
		attn(p+"self_attn", l.SelfAttn, false)
		attn(p+"encoder_attn", l.CrossAttn, true)
		ffn(p, l.FFN)
	}
	out := int8Target{OutputProjection, m.Decoder.OutProj, &m.Decoder.OutProj, all(&m.Decoder.packOut, m.cfg.TgtVocab)}
	if m.Decoder.shared {
		out.field = nil
	}
	return append(t, out)
}

// UseInt8 makes the products of the weights Int8Weights names run in int8
// on the CPU (kernel.PackInt8): weight(name) returns each one quantized by
// rows, or nil to keep that one in float32 (the output projection, on
// request). Every matrix is asked for and checked before anything
// changes. The float32 storage of every packed weight is released, but
// the target embedding's: the model then serves only decoding and
// scoring on the CPU without gradients, and SetTraining(true) panics.
func (m *Model) UseInt8(weight func(name string) (*quant.Matrix, error)) error {
	if m.int8 {
		return fmt.Errorf("transformer: UseInt8 on a model already in int8")
	}
	targets := m.int8Targets()
	qs := make([]*quant.Matrix, len(targets))
	for i, t := range targets {
		if d := t.w.MustDevice(); d.IsCuda() {
			return fmt.Errorf("transformer: int8 products run on the CPU; the model is on %v", d)
		}
		q, err := weight(t.name)
		if err != nil {
			return err
		}
		if shape := t.w.MustSize(); q != nil && (q.Rows != int(shape[0]) || q.Cols != int(shape[1])) {
			return fmt.Errorf("transformer: %s: int8 weight [%d, %d] for a [%d, %d] parameter", t.name, q.Rows, q.Cols, shape[0], shape[1])
		}
		qs[i] = q
	}
	var err error
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		for i, t := range targets {
			if qs[i] == nil {
				continue
			}
			if err = packInt8(t, qs[i]); err != nil {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	m.int8, m.train = true, false
	return nil
}

func packInt8(t int8Target, q *quant.Matrix) error {
	for _, r := range t.packs {
		s := q.Slice(r.r0, r.r1)
		p, err := kernel.PackInt8(s.Q, s.Scale, s.Rows, s.Cols)
		if err != nil {
			return fmt.Errorf("transformer: %s: %w", t.name, err)
		}
		(*r.dst).Free()
		*r.dst = p
	}
	if t.field != nil {
		*t.field = released(t.w)
	}
	return nil
}

// released frees w's storage (the variable store's tensor as well: the
// same one) and returns a tensor of w's shape that holds one NaN: shapes
// and views of the weight still work, and a product that used it by
// mistake would give NaN, not a plausible output.
func released(w *ts.Tensor) *ts.Tensor {
	shape := w.MustSize()
	w.MustRequiresGrad_(false) // a leaf that requires grad takes no in-place op, NoGrad or not
	w.MustSet_()
	nan := ts.MustFull([]int64{1}, ts.FloatScalar(math.NaN()), gotch.Float, gotch.CPU)
	return adopt(nan.MustExpand(shape, false, true))
}

// QuantizeInt8 is UseInt8 with the model's own float32 weights, each
// quantized by rows (quant.Int8), but those keepFloat32 (nil: none)
// reports for their Int8Weights name, which stay float32.
func (m *Model) QuantizeInt8(keepFloat32 func(name string) bool) error {
	byName := map[string]*ts.Tensor{}
	for _, t := range m.int8Targets() {
		byName[t.name] = t.w
	}
	return m.UseInt8(func(name string) (*quant.Matrix, error) {
		if keepFloat32 != nil && keepFloat32(name) {
			return nil, nil
		}
		w := byName[name]
		sz := w.MustSize()
		q, err := quant.Int8(w.Vals().([]float32), int(sz[0]), int(sz[1]))
		if err != nil {
			return nil, fmt.Errorf("transformer: %s: %w", name, err)
		}
		return &q, nil
	})
}

// Int8 reports whether the model's products run in int8 (UseInt8).
func (m *Model) Int8() bool { return m.int8 }
