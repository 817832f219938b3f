package decode

import (
	"math"
	"reflect"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

// Hand-worked examples of fairseq's finishing rules. Vocabulary: 0 <s>,
// 1 <pad>, 2 </s>, 3 <unk>, 4 a, 5 b; every log-probability not listed is
// -20. Keys are the output so far.

type lps = map[int64]float32

func run1(t *testing.T, m Model, o Options) []Hypothesis {
	t.Helper()
	res, err := Beam(m, [][]int64{{4, 2}}, o, cpu)
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

type want struct {
	toks  []int64
	score float64
}

func check(t *testing.T, got []Hypothesis, ws ...want) {
	t.Helper()
	if len(got) != len(ws) {
		t.Fatalf("got %d hypotheses %+v, want %d", len(got), got, len(ws))
	}
	for i, w := range ws {
		if !reflect.DeepEqual(got[i].Tokens, w.toks) || math.Abs(got[i].Score-w.score) > 1e-6 {
			t.Errorf("hypothesis %d: %v %.6f, want %v %.6f", i, got[i].Tokens, got[i].Score, w.toks, w.score)
		}
	}
}

// Step 1's candidates, best first: "a a" -0.3, "b b" -0.8, "a </s>" -1.1,
// "b </s>" -1.4. "a </s>" is among the 2*beam candidates but not among the
// first beam, so it is not finalized, although its normalized score -0.55
// would rank second in the end. Step 2 is the last (max-len-b 2): EOS is
// forced: "b b </s>" -0.9/3 = -0.3, "a a </s>" -2.3/3.
func TestEOSOnlyFromTopBeam(t *testing.T) {
	tch.LockThread()
	m := &scripted{vocab: 6, table: map[string]lps{
		"":    {4: -0.1, 5: -0.5},
		"4":   {4: -0.2, 2: -1.0},
		"5":   {5: -0.3, 2: -0.9},
		"4 4": {2: -2.0},
		"5 5": {2: -0.1},
	}}
	o := opts(2, 1, 2)
	o.NBest = 2
	check(t, run1(t, m, o), want{[]int64{5, 5, 2}, -0.9 / 3}, want{[]int64{4, 4, 2}, -2.3 / 3})
}

// Step 1: "b </s>" -0.8 and "a </s>" -1.1 are the two best candidates:
// with beam 2 the sentence has 2 finished hypotheses and stops (fairseq),
// although "b a" (-2.0) can still reach -2.04/6 = -0.34 > -0.4 under
// lenpen 1 by continuing with tokens of log-probability -0.01. Exhaustive
// finds it: its bound -2.0/6 (max length 5, 6 tokens with EOS) beats -0.4.
// Without a length penalty the bound is -2.0 < -0.8 and Exhaustive stops
// where fairseq does.
func TestStopWhenBeamFinishedVsExhaustive(t *testing.T) {
	tch.LockThread()
	table := map[string]lps{
		"":          {4: -0.1, 5: -0.5},
		"4":         {2: -1.0, 4: -2.0, 5: -3.0},
		"5":         {2: -0.3, 4: -1.5, 5: -2.5},
		"5 4":       {4: -0.01},
		"5 4 4":     {4: -0.01},
		"5 4 4 4":   {4: -0.01},
		"5 4 4 4 4": {2: -0.01},
	}
	m := &scripted{vocab: 6, table: table}
	o := opts(2, 1, 5)
	check(t, run1(t, m, o), want{[]int64{5, 2}, -0.4})
	o.NBest = 2
	check(t, run1(t, m, o), want{[]int64{5, 2}, -0.4}, want{[]int64{4, 2}, -0.55})

	o.NBest, o.Exhaustive = 1, true
	check(t, run1(t, m, o), want{[]int64{5, 4, 4, 4, 4, 2}, float64(float32(-0.5)+float32(-1.5)+float32(-0.01)*4) / 6})
	o.LenPen = 0
	check(t, run1(t, m, o), want{[]int64{5, 2}, float64(float32(-0.5) + float32(-0.3))})
}

// Finished: "a </s>" -1.0 (2 tokens) at step 1 and "b b </s>" -1.4 (3
// tokens) at the forced last step 2; "a a </s>" also ends at step 2, but
// with beam 2 only the first two finished hypotheses are kept.
// lenpen 0 ranks by sum: "a" first; lenpen 1: -0.5 < -0.467; lenpen 2:
// -0.25 < -0.156.
func TestLengthPenaltyRanking(t *testing.T) {
	tch.LockThread()
	m := &scripted{vocab: 6, table: map[string]lps{
		"":    {4: -0.5, 5: -0.6},
		"4":   {2: -0.5, 4: -3, 5: -3},
		"5":   {5: -0.1, 2: -5},
		"5 5": {2: -0.7},
	}}
	a := []int64{4, 2}
	bb := []int64{5, 5, 2}
	sa, sbb := float64(float32(-0.5)+float32(-0.5)), float64(float32(-0.6)+float32(-0.1)+float32(-0.7))
	for _, tc := range []struct {
		lenpen float64
		ws     []want
	}{
		{0, []want{{a, sa}, {bb, sbb}}},
		{1, []want{{bb, sbb / 3}, {a, sa / 2}}},
		{2, []want{{bb, sbb / 9}, {a, sa / 4}}},
	} {
		o := opts(2, tc.lenpen, 2)
		o.NBest = 2
		check(t, run1(t, m, o), tc.ws...)
	}
}

// min-len 2 forbids EOS at steps 0 and 1; unk penalty 1 makes "a" beat
// <unk>; max length min(a*srcLen+b, positions-1).
func TestMinLenUnkPenMaxLen(t *testing.T) {
	tch.LockThread()
	m := &scripted{vocab: 6, table: map[string]lps{
		"":    {3: -0.1, 4: -0.2},
		"3":   {2: -0.1, 4: -1},
		"4":   {2: -0.1, 4: -1},
		"3 4": {2: -0.1},
		"4 4": {2: -0.1},
	}, def: lps{4: -0.5, 2: -3}}
	for _, beam := range []int{1, 3} {
		o := opts(beam, 1, 10)
		check(t, run1(t, m, o), want{[]int64{3, 2}, -0.1})
		o.UnkPen = 1
		check(t, run1(t, m, o), want{[]int64{4, 2}, -0.15})
		o.UnkPen, o.MinLen = 0, 2
		check(t, run1(t, m, o), want{[]int64{3, 4, 2}, -1.2 / 3})
		g, err := Greedy(m, [][]int64{{4, 2}}, o, cpu)
		if err != nil {
			t.Fatal(err)
		}
		check(t, g[0], want{[]int64{3, 4, 2}, -1.2 / 3})
	}
	o := opts(2, 1, 10)
	if got := o.MaxLen(7); got != 10 {
		t.Errorf("MaxLen(7) = %d, want 10", got)
	}
	o.MaxLenA, o.MaxLenB, o.MaxPositions = 1.5, 3, 0
	if got := o.MaxLen(7); got != 13 {
		t.Errorf("MaxLen(7) with a=1.5 b=3 = %d, want 13", got)
	}
	o.MaxPositions = 12
	if got := o.MaxLen(7); got != 11 {
		t.Errorf("MaxLen(7) capped by 12 positions = %d, want 11", got)
	}
}

// A model that prefers "a" forever: with no-repeat-ngram 2 the bigram
// "a a" may appear once (the leading EOS counts as a token, as in fairseq),
// so the output is a a b a, then EOS forced at max length 4.
func TestNoRepeatNgram(t *testing.T) {
	tch.LockThread()
	m := &scripted{vocab: 6, table: map[string]lps{}, def: lps{4: -0.1, 5: -1, 2: -3}}
	o := opts(1, 1, 4)
	o.NoRepeatNgram = 2
	g, err := Greedy(m, [][]int64{{4, 2}}, o, cpu)
	if err != nil {
		t.Fatal(err)
	}
	wantToks := []int64{4, 4, 5, 4, 2}
	if !reflect.DeepEqual(g[0][0].Tokens, wantToks) {
		t.Errorf("greedy: %v, want %v", g[0][0].Tokens, wantToks)
	}
	for _, beam := range []int{1, 3} {
		o.Beam = beam
		if b := run1(t, m, o); !reflect.DeepEqual(b[0].Tokens, wantToks) {
			t.Errorf("beam %d: %v, want %v", beam, b[0].Tokens, wantToks)
		}
	}
	if got := bannedNgram(2, []int64{4, 5, 4, 5}, 3); !reflect.DeepEqual(got, []int64{4}) {
		t.Errorf("banned trigram continuations of 2 4 5 4 5: %v, want [4]", got)
	}
}

// A source of just EOS (an empty line) decodes like any other.
func TestEmptySource(t *testing.T) {
	tch.LockThread()
	m := &toyModel{vocab: 10, temp: 4, eosUp: 0.5}
	for _, beam := range []int{1, 4} {
		res, err := Translate(m, [][]int64{{2}, {5, 6, 2}, {2}}, opts(beam, 1, 5), Batching{}, cpu)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if len(r) != 1 || r[0].Tokens[len(r[0].Tokens)-1] != 2 {
				t.Errorf("beam %d sentence %d: %+v", beam, i, r)
			}
		}
	}
}
