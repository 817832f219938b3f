package transformer

import (
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// packTarget is a weight of a decoding step's products and where its
// packed copy lives.
type packTarget struct {
	w *ts.Tensor
	p **kernel.Packed
}

func (m *Model) packTargets() []packTarget {
	var t []packTarget
	for _, l := range m.Decoder.Layers {
		t = append(t,
			packTarget{l.SelfAttn.InProj, &l.SelfAttn.packIn},
			packTarget{l.SelfAttn.OutProj, &l.SelfAttn.packOut},
			packTarget{l.CrossAttn.Q(), &l.CrossAttn.packQ},
			packTarget{l.CrossAttn.OutProj, &l.CrossAttn.packOut},
			packTarget{l.FFN.FC1, &l.FFN.pack1},
			packTarget{l.FFN.FC2, &l.FFN.pack2})
	}
	return append(t, packTarget{m.Decoder.OutProj, &m.Decoder.packOut})
}

// packDecoder packs the weights of the decoding step's products for
// oneDNN (kernel.Pack), those not packed yet or changed since, when the
// model is in evaluation mode on the CPU. The packed copies cost the
// decoder's size in memory again and stay with the model.
func (m *Model) packDecoder() {
	if m.noPack || m.train || m.int8 {
		return
	}
	m.packMu.Lock()
	defer m.packMu.Unlock()
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		for _, t := range m.packTargets() {
			if *t.p != nil && !(*t.p).Stale() {
				continue
			}
			(*t.p).Free()
			p, err := kernel.Pack(t.w)
			if err != nil {
				panic(err)
			}
			*t.p = p
		}
	})
}

// linear is kernel.MustLinear(x, w, b), through p (w packed) where p is not
// nil.
func linear(x, w, b *ts.Tensor, p *kernel.Packed) *ts.Tensor {
	if p == nil {
		return kernel.MustLinear(x, w, b)
	}
	y, err := kernel.LinearPacked(x, p, b)
	if err != nil {
		panic(err)
	}
	return y
}
