package tch_test

import (
	"runtime"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// mlp is a small model: 2 layers, 256 -> 512 -> 256, with gotch's Adam.
type mlp struct {
	vs             *nn.VarStore
	w1, b1, w2, b2 *ts.Tensor
	opt            *nn.Optimizer
	x, y           *ts.Tensor
}

func newMLP(t testing.TB) *mlp { return newMLPOn(t, gotch.CPU) }

// newMLPOn builds the model and its data on dev. (Models are built on
// their device: gotch's VarStore.ToDevice replaces leaf parameters by
// copies that are not leaves.)
func newMLPOn(t testing.TB, dev gotch.Device) *mlp {
	vs := nn.NewVarStore(dev)
	r := vs.Root()
	m := &mlp{
		vs: vs,
		w1: r.MustNewVar("w1", []int64{256, 512}, nn.NewRandnInit(0, 0.05)),
		b1: r.MustZeros("b1", []int64{512}),
		w2: r.MustNewVar("w2", []int64{512, 256}, nn.NewRandnInit(0, 0.05)),
		b2: r.MustZeros("b2", []int64{256}),
		x:  ts.MustRandn([]int64{64, 256}, gotch.Float, dev),
		y:  ts.MustRandn([]int64{64, 256}, gotch.Float, dev),
	}
	opt, err := nn.DefaultAdamConfig().Build(vs, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	m.opt = opt
	return m
}

// step runs forward, backward and an Adam step in a scope and returns the
// loss.
func (m *mlp) step() float64 {
	s := ts.NewScope()
	defer s.Close()
	h := m.x.MustMatmul(m.w1, false).MustAdd(m.b1, true).MustRelu(true)
	out := h.MustMatmul(m.w2, true).MustAdd(m.b2, true)
	loss := out.MustMseLoss(m.y, 1, true)
	m.opt.MustZeroGrad()
	loss.MustBackward()
	m.opt.MustStep()
	return loss.Float64Values()[0]
}

func TestMLPLossFalls(t *testing.T) {
	tch.LockThread()
	m := newMLP(t)
	first := m.step()
	var last float64
	for i := 0; i < 50; i++ {
		last = m.step()
	}
	if !(last < first) {
		t.Fatalf("loss %g -> %g, want it to fall", first, last)
	}
}

// BenchmarkMemoryFlat runs 10,000 forward+backward+Adam steps of a small
// model and reports resident memory at step 1,000 and step 10,000. Each
// run of the benchmark is the whole 10,000 steps: use -benchtime 1x.
func BenchmarkMemoryFlat(b *testing.B) {
	tch.LockThread()
	for n := 0; n < b.N; n++ {
		m := newMLP(b)
		var at1k, at10k int64
		for i := 1; i <= 10000; i++ {
			m.step()
			if i%1000 == 0 {
				runtime.GC()
			}
			switch i {
			case 1000:
				at1k = tch.ResidentBytes()
			case 10000:
				at10k = tch.ResidentBytes()
			}
		}
		b.ReportMetric(float64(at1k)/(1<<20), "MiB@1k")
		b.ReportMetric(float64(at10k)/(1<<20), "MiB@10k")
		b.ReportMetric(100*float64(at10k-at1k)/float64(at1k), "growth%")
	}
}
