package bleu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The optimized counting (chained n-gram ids, candidate pruning, shared
// reference vocabulary) is checked against a direct transcription of the
// definitions with maps of n-gram strings, on random text with a small
// vocabulary, so that n-grams repeat and partly match.

func naiveCount(toks []string, n int) map[string]int {
	m := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		m[fmt.Sprintf("%q", toks[i:i+n])]++ // quoting keeps keys distinct
	}
	return m
}

func naiveBLEUStats(hyp []string, refs [][]string) Stats {
	var lens []int
	for _, r := range refs {
		lens = append(lens, len(r))
	}
	st := Stats{HypLen: len(hyp), RefLen: closestRefLen(len(hyp), lens)}
	for n := 1; n <= MaxOrder; n++ {
		max := map[string]int{}
		for _, r := range refs {
			for g, c := range naiveCount(r, n) {
				if c > max[g] {
					max[g] = c
				}
			}
		}
		for g, c := range naiveCount(hyp, n) {
			st.Total[n-1] += c
			st.Correct[n-1] += min(c, max[g])
		}
	}
	return st
}

func randomText(r *rand.Rand, vocab []string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocab[r.IntN(len(vocab))]
	}
	return strings.Join(w, " ")
}

func TestStatsMatchNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"a", "b", "c", "d", "e,", "f.", "(g", "ä", "x"}
	for trial := range 300 {
		nrefs := 1 + trial%3
		hyps := make([]string, 20)
		refs := make([][]string, nrefs)
		for i := range hyps {
			hyps[i] = randomText(r, vocab, r.IntN(12))
			for k := range refs {
				refs[k] = append(refs[k], randomText(r, vocab, 1+r.IntN(12)))
			}
		}
		cfg := DefaultConfig()
		cfg.Tokenize = "none"
		b, err := New(refs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Stats(hyps)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hyps {
			var rs [][]string
			for k := range refs {
				rs = append(rs, strings.Fields(refs[k][i]))
			}
			if want := naiveBLEUStats(strings.Fields(h), rs); got[i] != want {
				t.Fatalf("BLEU stats of %q vs %q: %+v, want %+v", h, rs, got[i], want)
			}
		}
		// chrF and chrF++ against the first reference.
		for _, wo := range []int{0, 2} {
			ccfg := DefaultCHRFConfig()
			ccfg.WordOrder = wo
			c, err := NewCHRF(refs[:1], ccfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Stats(hyps)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range hyps {
				if want := naiveCHRFStats(h, refs[0][i], wo); !slices.Equal([]int(got[i]), want) {
					t.Fatalf("chrF stats (nw %d) of %q vs %q: %v, want %v", wo, h, refs[0][i], got[i], want)
				}
			}
		}
	}
}

func naiveCHRFStats(hyp, ref string, wordOrder int) []int {
	var out []int
	triple := func(h, r map[string]int) {
		nh, nr, m := 0, 0, 0
		for g, c := range h {
			nh += c
			m += min(c, r[g])
		}
		for _, c := range r {
			nr += c
		}
		if nr == 0 {
			nh = 0
		}
		out = append(out, nh, nr, m)
	}
	chars := func(s string) []string {
		var cs []string
		for _, c := range strings.Join(pyFields(nil, s), "") {
			cs = append(cs, string(c))
		}
		return cs
	}
	for n := 1; n <= 6; n++ {
		triple(naiveCount(chars(hyp), n), naiveCount(chars(ref), n))
	}
	for n := 1; n <= wordOrder; n++ {
		triple(naiveCount(splitPunct(nil, hyp), n), naiveCount(splitPunct(nil, ref), n))
	}
	return out
}
