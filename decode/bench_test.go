package decode_test

import (
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// BenchmarkDecode mirrors ../shared/bench/transformer_ref.py --mode decode:
// a randomly initialised post-norm model, 100 random sources of 24..32
// tokens (EOS included, left-padded to 32), one batch, every output forced
// to 42 tokens + EOS (min-len = max-len = 42; the reference's random model
// never emits EOS and stops at its max_len 42). Run with -benchtime=3x and
// the threads and malloc environment of the reference
// (scripts/bench-vs-reference.sh sets both). The -bf16 sub-benchmarks
// decode in bf16 (kernel.WithBF16; skipped where the CPU has no bf16
// products). PRESET-int8 is the same model with its products in int8
// (transformer.Model.QuantizeInt8), as the reference's --precision int8;
// run it in a process of its own (-bench 'Decode/^iwslt-int8$/') to
// compare, so that no float32 model's memory is held beside it.
// NMT_BENCH_INT8_FLOAT32=encoder keeps the int8 model's encoder in float32
// (nmt translate --int8-float32 encoder).
func BenchmarkDecode(b *testing.B) {
	tch.LockThread()
	if err := kernel.Start(); err != nil { // NMT_THREADS and the rest, as commands do
		b.Fatal(err)
	}
	for _, preset := range []string{"small", "iwslt", "small-int8", "iwslt-int8"} {
		var m *transformer.Model
		for _, bf16 := range []bool{false, true} {
			if bf16 && strings.HasSuffix(preset, "-int8") {
				continue
			}
			for _, beam := range []int{1, 5} {
				name := preset + "/greedy"
				if beam > 1 {
					name = preset + "/beam5"
				}
				if bf16 {
					name += "-bf16"
				}
				b.Run(name, func(b *testing.B) {
					tch.LockThread() // benchModel's torch work, on this sub-benchmark's goroutine
					if bf16 {
						if err := kernel.CheckBF16(gotch.CPU); err != nil {
							b.Skip(err)
						}
					}
					if m == nil { // one model per preset, as the reference decodes with one
						m = benchModel(b, preset)
					}
					benchDecode(b, m, beam, bf16)
				})
			}
		}
	}
}

// benchModel is the reference's randomly initialised post-norm model of
// the preset, its products in int8 for PRESET-int8.
func benchModel(b *testing.B, preset string) *transformer.Model {
	preset, int8 := strings.CutSuffix(preset, "-int8")
	c, err := transformer.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	c.Norm, c.Init = "post", "default"
	vs := nn.NewVarStore(gotch.CPU)
	transformer.ManualSeed(1)
	m, err := fixup.New(vs.Root(), c)
	if err != nil {
		b.Fatal(err)
	}
	m.SetTraining(false)
	if int8 {
		var keep func(string) bool
		if os.Getenv("NMT_BENCH_INT8_FLOAT32") == "encoder" {
			keep = func(name string) bool { return strings.HasPrefix(name, "encoder.") }
		}
		if err := m.QuantizeInt8(keep); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

func benchDecode(b *testing.B, m *transformer.Model, beam int, bf16 bool) {
	tch.LockThread()
	precision := func(f func()) { f() }
	if bf16 {
		precision = func(f func()) { kernel.WithBF16(gotch.CPU, f) }
	}
	c := m.Config()
	rng := rand.New(rand.NewSource(3))
	src := make([][]int64, 100)
	for i := range src {
		l := 24 + rng.Intn(9)
		for j := 0; j < l-1; j++ {
			src[i] = append(src[i], int64(4+rng.Intn(c.SrcVocab-4)))
		}
		src[i] = append(src[i], 2)
	}
	o := decode.DefaultOptions()
	o.Beam, o.MaxLenB, o.MinLen, o.MaxPositions = beam, 42, 42, c.MaxPositions
	bt := decode.Batching{BatchSize: 128}
	var err error
	precision(func() { _, err = decode.Translate(decode.FromTransformer(m), src[:8], o, bt, gotch.CPU) }) // warm-up (and packing)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	toks := 0
	for i := 0; i < b.N; i++ {
		var res [][]decode.Hypothesis
		precision(func() { res, err = decode.Translate(decode.FromTransformer(m), src, o, bt, gotch.CPU) })
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			toks += len(r[0].Tokens)
		}
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(len(src)*b.N)/sec, "sent/s")
	b.ReportMetric(float64(toks)/float64(len(src)*b.N), "outlen")
}
