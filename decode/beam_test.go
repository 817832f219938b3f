package decode

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

func sources(rng *rand.Rand, n, vocab, maxLen int) [][]int64 {
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

func opts(beam int, lenpen float64, maxLenB int) Options {
	o := DefaultOptions()
	o.Beam, o.LenPen, o.MaxLenB = beam, lenpen, maxLenB
	return o
}

func TestBeam1EqualsGreedy(t *testing.T) {
	tch.LockThread()
	m := &toyModel{vocab: 12, temp: 6, eosUp: 0.4}
	src := sources(rand.New(rand.NewSource(1)), 17, 12, 9)
	for _, tc := range []struct {
		name string
		edit func(*Options)
	}{
		{"plain", func(o *Options) {}},
		{"lenpen2-minlen3", func(o *Options) { o.LenPen, o.MinLen = 2, 3 }},
		{"unkpen-norepeat", func(o *Options) { o.UnkPen, o.NoRepeatNgram = 0.5, 2 }},
		{"maxlena", func(o *Options) { o.MaxLenA, o.MaxLenB = 1.5, 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts(1, 1, 12)
			tc.edit(&o)
			g, err := Greedy(m, src, o, cpu)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Beam(m, src, o, cpu)
			if err != nil {
				t.Fatal(err)
			}
			for i := range src {
				if !reflect.DeepEqual(g[i], b[i]) {
					t.Errorf("sentence %d: greedy %+v\nbeam 1 %+v", i, g[i], b[i])
				}
			}
		})
	}
}

// exhaustive returns the best output of m for src over every sequence of
// up to maxLen tokens followed by EOS (pad never, EOS not before minLen).
func exhaustive(m *toyModel, src []int64, o Options) Hypothesis {
	maxLen := o.MaxLen(len(src))
	bestH := Hypothesis{Score: math.Inf(-1)}
	var walk func(toks []int64, pos []float32, sum float32)
	walk = func(toks []int64, pos []float32, sum float32) {
		lp := m.logProbs(src, append([]int64{2}, toks...))
		if len(toks) >= o.MinLen || len(toks) == maxLen {
			s := sum + lp[2]
			n := len(toks) + 1
			if sc := o.Normalize(float64(s), n); sc > bestH.Score {
				bestH = Hypothesis{Tokens: append(append([]int64(nil), toks...), 2), Score: sc,
					PosScores: append(append([]float32(nil), pos...), lp[2])}
			}
		}
		if len(toks) == maxLen {
			return
		}
		for v := 0; v < m.vocab; v++ {
			if v == 1 || v == 2 {
				continue
			}
			walk(append(toks[:len(toks):len(toks)], int64(v)), append(pos[:len(pos):len(pos)], lp[v]), sum+lp[v])
		}
	}
	walk(nil, nil, 0)
	return bestH
}

func TestBeamFindsExhaustiveBest(t *testing.T) {
	tch.LockThread()
	// Vocabulary: 4 tokens besides pad and EOS, outputs of at most 3
	// tokens: 84 hypotheses end in all, so beam 100 keeps every one and
	// never stops early; it must find the exhaustive optimum.
	m := &toyModel{vocab: 6, temp: 3, eosUp: 0.2}
	src := sources(rand.New(rand.NewSource(2)), 6, 6, 5)
	for _, lenpen := range []float64{0, 1, 2} {
		o := opts(100, lenpen, 3)
		got, err := Beam(m, src, o, cpu)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range src {
			want := exhaustive(m, s, o)
			if !reflect.DeepEqual(got[i][0].Tokens, want.Tokens) || math.Abs(got[i][0].Score-want.Score) > 1e-5 {
				t.Errorf("lenpen %g sentence %d: beam %v %.6f, exhaustive %v %.6f", lenpen, i, got[i][0].Tokens, got[i][0].Score, want.Tokens, want.Score)
			}
		}
	}
}

// TestScoresMatchRecompute rescores every n-best hypothesis with the
// model's full (non-incremental) computation: a wrong reorder of the
// state, or a wrong row for a finished sentence, would give other numbers.
func TestScoresMatchRecompute(t *testing.T) {
	tch.LockThread()
	m := &toyModel{vocab: 16, temp: 5, eosUp: 0.3}
	src := sources(rand.New(rand.NewSource(3)), 11, 16, 12)
	for _, beam := range []int{1, 4, 7} {
		o := opts(beam, 1.3, 0)
		o.MaxLenA, o.MaxLenB, o.NBest = 1, 2, beam
		res, err := Beam(m, src, o, cpu)
		if err != nil {
			t.Fatal(err)
		}
		for i, hyps := range res {
			if len(hyps) == 0 {
				t.Fatalf("beam %d sentence %d: no hypothesis", beam, i)
			}
			for _, h := range hyps {
				prev := append([]int64{2}, h.Tokens[:len(h.Tokens)-1]...)
				full := m.forward(src[i], prev)
				var sum float32
				for j, tok := range h.Tokens {
					if full[j][tok] != h.PosScores[j] {
						t.Fatalf("beam %d sentence %d %v token %d: incremental %g, recomputed %g", beam, i, h.Tokens, j, h.PosScores[j], full[j][tok])
					}
					sum += full[j][tok]
				}
				if want := o.Normalize(float64(sum), len(h.Tokens)); math.Abs(want-h.Score) > 1e-5 {
					t.Errorf("beam %d sentence %d: score %g, recomputed %g", beam, i, h.Score, want)
				}
			}
		}
	}
}

func TestOutputOrderShuffledLengths(t *testing.T) {
	tch.LockThread()
	m := &toyModel{vocab: 20, temp: 5, eosUp: 0.3}
	src := sources(rand.New(rand.NewSource(4)), 40, 20, 15)
	for _, beam := range []int{1, 3} {
		o := opts(beam, 1, 0)
		o.MaxLenA, o.MaxLenB = 1.2, 3
		alone := make([][]Hypothesis, len(src))
		for i, s := range src {
			r, err := Beam(m, [][]int64{s}, o, cpu)
			if err != nil {
				t.Fatal(err)
			}
			alone[i] = r[0]
		}
		for _, b := range []Batching{{BatchSize: 7}, {MaxTokens: 50}, {}} {
			got, err := Translate(m, src, o, b, cpu)
			if err != nil {
				t.Fatal(err)
			}
			for i := range src {
				if !reflect.DeepEqual(got[i], alone[i]) {
					t.Fatalf("beam %d %+v sentence %d: batched %v, alone %v", beam, b, i, got[i], alone[i])
				}
			}
		}
	}
}

func TestBatches(t *testing.T) {
	src := [][]int64{make([]int64, 3), make([]int64, 9), make([]int64, 5), make([]int64, 9), make([]int64, 1), make([]int64, 30)}
	for _, tc := range []struct {
		b    Batching
		want string
	}{
		{Batching{BatchSize: 2}, "[[5 1] [3 2] [0 4]]"},
		{Batching{MaxTokens: 20}, "[[5] [1 3] [2 0 4]]"},
		{Batching{}, "[[5 1 3 2 0 4]]"},
	} {
		if got := fmt.Sprint(tc.b.Batches(src)); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.b, got, tc.want)
		}
	}
}

// An ensemble of a model with itself gives that model's results.
func TestEnsembleOfOne(t *testing.T) {
	tch.LockThread()
	m := &toyModel{vocab: 12, temp: 5, eosUp: 0.4}
	src := sources(rand.New(rand.NewSource(5)), 6, 12, 8)
	o := opts(3, 1, 10)
	want, err := Beam(m, src, o, cpu)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Beam(Ensemble{m, m}, src, o, cpu)
	if err != nil {
		t.Fatal(err)
	}
	for i := range src {
		if !reflect.DeepEqual(got[i][0].Tokens, want[i][0].Tokens) || math.Abs(got[i][0].Score-want[i][0].Score) > 1e-5 {
			t.Errorf("sentence %d: ensemble %v, single %v", i, got[i][0], want[i][0])
		}
	}
}
