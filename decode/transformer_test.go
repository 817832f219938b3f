package decode_test

import (
	"maps"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

func realModel(t testing.TB, init string) *transformer.Model {
	c := transformer.DefaultConfig()
	c.EncoderLayers, c.DecoderLayers = 2, 2
	c.Dim, c.FFNDim, c.Heads = 32, 48, 4
	c.SrcVocab, c.TgtVocab = 24, 24
	c.MaxPositions = 40
	c.Norm = "post"
	if init == "fixup" {
		c.Norm = "none"
	}
	c.Init = init
	vs := nn.NewVarStore(gotch.CPU)
	transformer.ManualSeed(7)
	m, err := fixup.New(vs.Root(), c)
	if err != nil {
		t.Fatal(err)
	}
	// Random weights large enough that EOS comes at varied steps, drawn in
	// the order of the variables' names: the VarStore is a map, and an
	// order that changes from run to run made a different model each run.
	vars := vs.Variables()
	ts.NoGrad(func() {
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			v := vars[k] // a copy of the handle: write through it with Copy_ only
			n := ts.MustRandn(v.MustSize(), gotch.Float, gotch.CPU).MustMulScalar(ts.FloatScalar(0.1), true)
			x := v.MustAdd(n, false)
			v.Copy_(x)
			n.MustDrop()
			x.MustDrop()
		}
	})
	m.SetTraining(false)
	return m
}

func randSrc(n, vocab, maxLen int, seed int64) [][]int64 {
	rng := rand.New(rand.NewSource(seed))
	src := make([][]int64, n)
	for i := range src {
		l := 1 + rng.Intn(maxLen)
		for j := 0; j < l-1; j++ {
			src[i] = append(src[i], int64(4+rng.Intn(vocab-4)))
		}
		src[i] = append(src[i], 2)
	}
	return src
}

// TestRealIncrementalMatchesForward rescores every n-best hypothesis of the
// transformer's incremental beam search (sentences leaving the batch at
// different steps, rows reordered) with the full-recompute Forward.
func TestRealIncrementalMatchesForward(t *testing.T) {
	tch.LockThread()
	for _, init := range []string{"default", "fixup"} {
		m := realModel(t, init)
		src := randSrc(9, 24, 10, 1)
		for _, beam := range []int{1, 4} {
			o := decode.DefaultOptions()
			o.Beam, o.NBest, o.LenPen, o.MaxLenA, o.MaxLenB, o.MaxPositions = beam, beam, 1, 1, 3, 40
			res, err := decode.Translate(decode.FromTransformer(m), src, o, decode.Batching{BatchSize: 5}, gotch.CPU)
			if err != nil {
				t.Fatal(err)
			}
			lens := map[int]bool{}
			for i, hyps := range res {
				for _, h := range hyps {
					lens[len(h.Tokens)] = true
					checkRescore(t, m, src[i], h, o)
				}
			}
			if len(lens) < 3 {
				t.Errorf("%s beam %d: output lengths %v: want variety", init, beam, lens)
			}
		}
	}
}

func checkRescore(t *testing.T, m *transformer.Model, src []int64, h decode.Hypothesis, o decode.Options) {
	t.Helper()
	s := ts.NewScope()
	defer s.Close()
	prev := append([]int64{2}, h.Tokens[:len(h.Tokens)-1]...)
	var lp []float32
	ts.NoGrad(func() {
		logits := m.Forward(ts.MustOfSlice(src).MustView([]int64{1, -1}, false), ts.MustOfSlice(prev).MustView([]int64{1, -1}, false))
		tok := ts.MustOfSlice(h.Tokens).MustView([]int64{1, -1, 1}, false)
		g := logits.MustLogSoftmax(-1, gotch.Float, false).MustGather(2, tok, false, false)
		lp = g.MustView([]int64{-1}, false).Vals().([]float32)
	})
	sum := 0.0
	for j := range lp {
		if d := math.Abs(float64(lp[j] - h.PosScores[j])); d > 1e-4*math.Max(1, math.Abs(float64(lp[j]))) {
			t.Fatalf("%v token %d: incremental %g, Forward %g", h.Tokens, j, h.PosScores[j], lp[j])
		}
		sum += float64(lp[j])
	}
	if want := o.Normalize(sum, len(h.Tokens)); math.Abs(want-h.Score) > 1e-4*math.Max(1, math.Abs(want)) {
		t.Fatalf("%v: score %g, Forward %g", h.Tokens, h.Score, want)
	}
}

func TestRealBeam1EqualsGreedy(t *testing.T) {
	tch.LockThread()
	m := realModel(t, "fixup")
	src := randSrc(12, 24, 12, 2)
	o := decode.DefaultOptions()
	o.Beam, o.MaxLenB, o.MaxPositions = 1, 20, 40
	g, err := decode.Greedy(decode.FromTransformer(m), src, o, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode.Beam(decode.FromTransformer(m), src, o, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	for i := range src {
		if !reflect.DeepEqual(g[i][0].Tokens, b[i][0].Tokens) || math.Abs(g[i][0].Score-b[i][0].Score) > 1e-5 {
			t.Errorf("sentence %d: greedy %v %g, beam 1 %v %g", i, g[i][0].Tokens, g[i][0].Score, b[i][0].Tokens, b[i][0].Score)
		}
	}
}

// The searches rank a transformer's logits on the CPU (kernel.RowTopK minus
// each row's log-sum-exp) instead of its log-softmax: the same
// hypotheses with the same scores, under every per-step rule.
func TestRealLogitSearchMatchesLogSoftmax(t *testing.T) {
	tch.LockThread()
	m := realModel(t, "default")
	src := randSrc(9, 24, 10, 3)
	run := func(o decode.Options, fused bool) [][]decode.Hypothesis {
		o.LogSoftmax = !fused
		res, err := decode.Translate(decode.FromTransformer(m), src, o, decode.Batching{BatchSize: 4}, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, tc := range []struct {
		name string
		set  func(o *decode.Options)
	}{
		{"greedy", func(o *decode.Options) { o.Beam, o.NBest = 1, 1 }},
		{"beam 4", func(o *decode.Options) { o.Beam, o.NBest = 4, 4 }},
		{"beam 3, rules", func(o *decode.Options) { o.Beam, o.NBest, o.MinLen, o.UnkPen, o.NoRepeatNgram = 3, 2, 3, 0.5, 2 }},
		{"beam 2, forced ends", func(o *decode.Options) { o.Beam, o.NBest, o.MaxLenA, o.MaxLenB = 2, 2, 0, 2 }},
	} {
		o := decode.DefaultOptions()
		o.LenPen, o.MaxLenA, o.MaxLenB, o.MaxPositions = 1, 1, 3, 40
		tc.set(&o)
		fused, plain := run(o, true), run(o, false)
		for i := range src {
			if len(fused[i]) != len(plain[i]) {
				t.Fatalf("%s: sentence %d: %d hypotheses, %d with log-softmax", tc.name, i, len(fused[i]), len(plain[i]))
			}
			for j, h := range plain[i] {
				f := fused[i][j]
				if !reflect.DeepEqual(f.Tokens, h.Tokens) || math.Abs(f.Score-h.Score) > 1e-5*math.Max(1, math.Abs(h.Score)) {
					t.Errorf("%s: sentence %d hypothesis %d: %v %g, with log-softmax %v %g", tc.name, i, j, f.Tokens, f.Score, h.Tokens, h.Score)
				}
			}
		}
	}
}
