package transformer_test

import (
	"math/rand"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// Forward+backward training steps, shaped as ../shared/bench's reference:
// iwslt 128x32 (4,096 tokens, vocab 10000), small 64x32 (vocab 8000);
// real lengths uniform in [24, 32] counting EOS, left-padded source,
// right-padded target; a step is zero_grad + forward + label-smoothed loss
// + backward + Adam step. tok/s counts non-pad target tokens.
//
//	go test -run '^$' -bench TrainStep -benchtime 5x ./transformer
func BenchmarkTrainStepIWSLTPost(b *testing.B)  { trainBench(b, "iwslt", "post", "default", 128) }
func BenchmarkTrainStepIWSLTFixup(b *testing.B) { trainBench(b, "iwslt", "none", "fixup", 128) }
func BenchmarkTrainStepSmallPost(b *testing.B)  { trainBench(b, "small", "post", "default", 64) }
func BenchmarkTrainStepSmallFixup(b *testing.B) { trainBench(b, "small", "none", "fixup", 64) }

type batch struct {
	src, prev, tgt *ts.Tensor
	tokens         int
}

// randomBatch mirrors transformer_ref.py's random_batch.
func randomBatch(r *rand.Rand, n, L, vocab int) batch {
	const pad, eos = 1, 2
	lo := L - L/4
	src, prev, tgt := make([]int64, n*L), make([]int64, n*L), make([]int64, n*L)
	toks := 0
	for i := 0; i < n; i++ {
		row := func(a []int64) []int64 { return a[i*L : (i+1)*L] }
		s, p, t := row(src), row(prev), row(tgt)
		for j := range s {
			s[j], p[j], t[j] = pad, pad, pad
		}
		l := lo + r.Intn(L-lo+1)
		for j := L - l; j < L-1; j++ {
			s[j] = int64(4 + r.Intn(vocab-4))
		}
		s[L-1] = eos
		l = lo + r.Intn(L-lo+1)
		for j := 0; j < l-1; j++ {
			t[j] = int64(4 + r.Intn(vocab-4))
		}
		t[l-1] = eos
		p[0] = eos
		copy(p[1:l], t[:l-1])
		toks += l
	}
	shape := []int64{int64(n), int64(L)}
	return batch{ts.MustOfSlice(src).MustView(shape, true), ts.MustOfSlice(prev).MustView(shape, true), ts.MustOfSlice(tgt).MustView(shape, true), toks}
}

// labelSmoothed is fairseq's label_smoothed_nll_loss (eps 0.1, pad
// ignored), summed and divided by the number of target tokens.
func labelSmoothed(logits, tgt *ts.Tensor, eps float64, pad int64, ntok int) *ts.Tensor {
	v := logits.MustSize()[2]
	lp := logits.MustView([]int64{-1, v}, false).MustLogSoftmax(-1, gotch.Float, true)
	t := tgt.MustView([]int64{-1, 1}, false)
	keep := t.MustNe(ts.IntScalar(pad), false).MustTotype(gotch.Float, true)
	nll := lp.MustGather(1, t, false, false).MustMul(keep, true).MustSum(gotch.Float, true)
	smooth := lp.MustSumDimIntlist([]int64{1}, true, gotch.Float, false).MustMul(keep, true).MustSum(gotch.Float, true)
	ei := eps / float64(v-1)
	loss := nll.MustMulScalar(ts.FloatScalar(-(1-eps-ei)), true).
		MustSub(smooth.MustMulScalar(ts.FloatScalar(ei), true), true)
	return loss.MustDivScalar(ts.FloatScalar(float64(ntok)), true)
}

func trainBench(b *testing.B, preset, norm, init string, n int) {
	tch.LockThread()
	if err := kernel.Start(); err != nil { // NMT_THREADS and the rest, as commands do
		b.Fatal(err)
	}
	c, err := transformer.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	c.Norm, c.Init = norm, init
	vs := nn.NewVarStore(gotch.CPU)
	transformer.ManualSeed(1)
	m, err := transformer.New(vs.Root(), c)
	if err != nil {
		b.Fatal(err)
	}
	opt, err := nn.DefaultAdamConfig().Build(vs, 5e-4)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	batches := make([]batch, 4)
	for i := range batches {
		batches[i] = randomBatch(r, n, 32, c.TgtVocab)
	}
	step := func(bt batch) {
		s := ts.NewScope()
		opt.MustZeroGrad()
		loss := labelSmoothed(m.Forward(bt.src, bt.prev), bt.tgt, 0.1, int64(c.Pad), bt.tokens)
		loss.MustBackward()
		opt.MustStep()
		s.Close()
	}
	for i := 0; i < 2; i++ { // warm-up, as the reference's untimed steps
		step(batches[i])
	}
	tokens := 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		bt := batches[i%len(batches)]
		step(bt)
		tokens += bt.tokens
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(tokens)/el, "tok/s")
	b.ReportMetric(float64(tokens)/float64(b.N), "tok/step")
}
