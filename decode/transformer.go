package decode

import (
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/transformer"
)

// FromTransformer adapts a Transformer to Model: Start encodes the source
// once (without gradients) and keeps its keys and values in the decoder
// state, which has room for maxLen+1 positions.
func FromTransformer(m *transformer.Model) Model { return transformerModel{m} }

type transformerModel struct{ m *transformer.Model }

func (a transformerModel) Start(src *ts.Tensor, maxLen int) State {
	var st *transformer.State
	ts.NoGrad(func() {
		enc := a.m.Encode(src)
		st = a.m.NewState(enc, maxLen+1)
		enc.Free()
	})
	return st
}

func (a transformerModel) Step(prev *ts.Tensor, st State) *ts.Tensor {
	return a.m.Step(prev, st.(*transformer.State))
}

func (a transformerModel) StepLogits(prev *ts.Tensor, st State) *ts.Tensor {
	return a.m.StepLogits(prev, st.(*transformer.State))
}
