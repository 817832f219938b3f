package train

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// randomBatch builds a batch as ../shared/bench/transformer_ref.py does:
// real lengths (EOS included) uniform in [L-floor(0.25L), L], source
// left-padded, target right-padded, prev = EOS + target shifted.
func randomBatch(r *rand.Rand, bsz, srcLen, tgtLen, vocab int) data.Batch {
	const nspecial = 4
	pad, eos := int64(data.PADID), int64(data.EOSID)
	b := data.Batch{B: bsz, S: srcLen, T: tgtLen}
	length := func(l int) int { lo := max(1, l-l/4); return lo + r.IntN(l-lo+1) }
	for i := 0; i < bsz; i++ {
		l := length(srcLen)
		for j := 0; j < srcLen; j++ {
			switch {
			case j < srcLen-l:
				b.Source = append(b.Source, pad)
			case j == srcLen-1:
				b.Source = append(b.Source, eos)
			default:
				b.Source = append(b.Source, int64(nspecial+r.IntN(vocab-nspecial)))
			}
		}
	}
	b.Target = make([]int64, bsz*tgtLen)
	b.PrevOutput = make([]int64, bsz*tgtLen)
	for i := 0; i < bsz; i++ {
		l := length(tgtLen)
		row, prev := b.Target[i*tgtLen:(i+1)*tgtLen], b.PrevOutput[i*tgtLen:(i+1)*tgtLen]
		for j := range row {
			row[j], prev[j] = pad, pad
		}
		for j := 0; j < l-1; j++ {
			row[j] = int64(nspecial + r.IntN(vocab-nspecial))
		}
		row[l-1] = eos
		prev[0] = eos
		copy(prev[1:l], row[:l-1])
		b.NTokens += l
	}
	return b
}

// benchTrainer is a Trainer over given batches, without data files.
func benchTrainer(b testing.TB, c Config, vocab int) *Trainer {
	t := &Trainer{cfg: c, opt: Options{Log: os.Stderr}, log: os.Stderr, dev: gotch.CPU}
	t.vocab = Vocab{Src: vocab, Tgt: vocab, Pad: int(data.PADID), EOS: int(data.EOSID)}
	err := tch.Catch(func() error {
		ManualSeed(c.Seed)
		t.vs = nn.NewVarStore(gotch.CPU)
		m, _, err := BuildTransformer(t.vs.Root(), c, t.vocab)
		if err != nil {
			return err
		}
		t.model, t.params = m, Params(t.vs)
		t.optim, err = newOptimizer(c.Optim, t.params)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	plan := &data.Plan{Batches: [][]int{{0}}}
	t.it, _ = data.NewEpochIterator(plan, 1, false, data.IterState{Epoch: 1})
	return t
}

// startBench applies the environment's runtime settings, as commands do
// (kernel.Start), with 2 threads unless NMT_THREADS says (the reference's
// setting here).
func startBench(b *testing.B) {
	s, err := kernel.Env()
	if err != nil {
		b.Fatal(err)
	}
	if s.Threads == 0 {
		s.Threads = 2
	}
	if err := kernel.Apply(s); err != nil {
		b.Fatal(err)
	}
}

// benchTrain runs benchTrainPrecision in float32 and in bf16 (skipped
// where the CPU has no bf16 products: kernel.CheckBF16).
func benchTrain(b *testing.B, arch string, layers, dim, ffn, heads, vocab, batchTokens int, norm, init string) {
	for _, prec := range []string{"float32", "bf16"} {
		b.Run(prec, func(b *testing.B) {
			if prec == "bf16" {
				if err := kernel.CheckBF16(gotch.CPU); err != nil {
					b.Skip(err)
				}
			}
			benchTrainPrecision(b, arch, layers, dim, ffn, heads, vocab, batchTokens, norm, init, prec)
		})
	}
}

// benchTrainPrecision times whole updates (forward, label-smoothed loss,
// backward, gradient norm, Adam, lr) in precision prec on the reference's
// shapes and reports non-pad target tokens per second of the median
// update, as the reference does.
func benchTrainPrecision(b *testing.B, arch string, layers, dim, ffn, heads, vocab, batchTokens int, norm, init, prec string) {
	tch.LockThread()
	startBench(b)
	c := DefaultConfig()
	c.Machine.Precision = prec
	c.Model.Arch, c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = arch, layers, layers, dim, ffn, heads
	c.Model.Norm, c.Model.Init, c.Model.Dropout, c.Optim.LabelSmoothing = norm, init, 0.3, 0.1
	c.Model.MaxPositions = 1024
	t := benchTrainer(b, c, vocab)
	r := rand.New(rand.NewPCG(1, 2))
	bsz := batchTokens / 32
	batches := make([]data.Batch, 8)
	for i := range batches {
		batches[i] = randomBatch(r, bsz, 32, 32, vocab)
	}
	for i := 0; i < 3; i++ { // warm-up, untimed, as the reference
		if _, err := t.update(batches[i%len(batches):][:1]); err != nil {
			b.Fatal(err)
		}
	}
	var times []time.Duration
	ntok := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt := batches[i%len(batches)]
		start := time.Now()
		if _, err := t.update([]data.Batch{bt}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		ntok += bt.NTokens
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	med := times[len(times)/2]
	tps := float64(ntok) / float64(b.N) / med.Seconds()
	b.ReportMetric(tps, "tok/s")
	b.ReportMetric(float64(med.Milliseconds()), "median_ms")
	b.Logf("%s %d+%d d%d norm %s init %s %s: %d steps, median %.1f ms, %.1f tokens/step, %.0f tok/s (threads %d)",
		arch, layers, layers, dim, norm, init, prec, b.N, float64(med.Microseconds())/1000, float64(ntok)/float64(b.N), tps, tch.Threads())
}

func BenchmarkTrainSmallPost(b *testing.B) {
	benchTrain(b, "small", 3, 256, 1024, 4, 8000, 2048, "post", "default")
}
func BenchmarkTrainSmallFixup(b *testing.B) {
	benchTrain(b, "small", 3, 256, 1024, 4, 8000, 2048, "none", "fixup")
}
func BenchmarkTrainIWSLTPost(b *testing.B) {
	benchTrain(b, "iwslt", 6, 512, 1024, 4, 10000, 4096, "post", "default")
}
func BenchmarkTrainIWSLTFixup(b *testing.B) {
	benchTrain(b, "iwslt", 6, 512, 1024, 4, 10000, 4096, "none", "fixup")
}

// statmRSS returns resident memory in bytes from /proc/self/statm.
func statmRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// BenchmarkLeak trains the Fixup Transformer (d 32, 1+1 layers, vocab
// 500, 32x16 batches, dropout, clipping, Adam) for 2,000 updates and compares resident memory
// after 200 and after 2,000 updates: the trainer must free what each
// update makes (the goal is within 5%).
func BenchmarkLeak(b *testing.B) {
	tch.LockThread()
	kernel.SetThreads(2)
	c := DefaultConfig()
	c.Model.Arch, c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = "small", 1, 1, 32, 64, 2
	c.Model.Norm, c.Model.Init, c.Model.Dropout, c.Optim.LabelSmoothing, c.Optim.ClipNorm = "none", "fixup", 0.1, 0.1, 1
	t := benchTrainer(b, c, 500)
	r := rand.New(rand.NewPCG(3, 4))
	batches := make([]data.Batch, 16)
	for i := range batches {
		batches[i] = randomBatch(r, 32, 16, 16, 500)
	}
	var at200 int64
	for i := 1; i <= 2000; i++ {
		if _, err := t.update(batches[i%len(batches):][:1]); err != nil {
			b.Fatal(err)
		}
		if i == 200 {
			at200 = statmRSS()
			fmt.Fprintf(os.Stderr, "leak: RSS after 200 updates %.1f MiB\n", float64(at200)/(1<<20))
		}
	}
	at2000 := statmRSS()
	growth := float64(at2000-at200) / float64(at200) * 100
	b.ReportMetric(float64(at200)/(1<<20), "MiB@200")
	b.ReportMetric(float64(at2000)/(1<<20), "MiB@2000")
	b.ReportMetric(growth, "%growth")
	msg := fmt.Sprintf("RSS after 200 updates %.1f MiB, after 2000 %.1f MiB (%+.2f%%)", float64(at200)/(1<<20), float64(at2000)/(1<<20), growth)
	b.Log(msg)
	if growth > 5 {
		b.Errorf("resident memory grew more than 5%%: %s", msg)
	}
}

// BenchmarkLabelSmoothedCE times the loss forward and backward over the
// small preset's logits ([64, 32, 8000]), fused and as libtorch's ops.
func BenchmarkLabelSmoothedCE(b *testing.B) {
	tch.LockThread()
	startBench(b)
	ManualSeed(1)
	x := ts.MustRandn([]int64{64, 32, 8000}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
	tgt := ts.MustRandintLow(4, 8000, []int64{64, 32}, gotch.Int64, gotch.CPU)
	for _, fused := range []bool{true, false} {
		name := map[bool]string{true: "fused", false: "ops"}[fused]
		b.Run(name, func(b *testing.B) {
			ce := lossPath(fused)
			for i := 0; i < b.N; i++ {
				s := ts.NewScope()
				loss, _ := ce(x, tgt, 0.1, int64(data.PADID))
				loss.MustBackward()
				x.MustGrad(false).MustZero_()
				s.Close()
			}
		})
	}
}
