package decode

import (
	"math"
	"sort"
)

// exhaustiveDone reports whether no row of se can still beat its NBest-th
// best finished hypothesis: the OpenNMT-py/JoeyNMT rule, used with
// Options.Exhaustive instead of fairseq's "Beam finished hypotheses".
//
// The bound: a row with score s (sum of log-probabilities) after L tokens
// ends, if at all, with L' tokens, L < L' <= maxLen+1 (EOS included), and
// every further token adds a log-probability <= 0, plus at most g =
// max(0, -UnkPen) when a negative unknown-word penalty rewards <unk>. Its
// final sum is at most S = s + g*(maxLen+1-L), and its normalized score at
// most max(S/(L+1)^LenPen, S/(maxLen+1)^LenPen): S/x^LenPen is monotone
// in x, so the largest value is at an end of the range. For LenPen > 0
// and S <= 0 that is S/(maxLen+1)^LenPen: a long continuation divides the
// (negative) sum by more, which is why fairseq's rule can stop too early.
func exhaustiveDone(se *sentence, step int, o *Options) bool {
	if len(se.final) < o.NBest {
		return allDead(se)
	}
	scores := make([]float64, len(se.final))
	for i, h := range se.final {
		scores[i] = h.Score
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(scores)))
	threshold := scores[o.NBest-1]
	for _, r := range se.rows {
		if bound(r, se.maxLen, o) > threshold {
			return false
		}
	}
	return true
}

func bound(r row, maxLen int, o *Options) float64 {
	s := float64(r.score)
	if math.IsInf(s, -1) {
		return s
	}
	l := len(r.toks)
	if g := -o.UnkPen; g > 0 {
		s += g * float64(maxLen+1-l)
	}
	return max(o.Normalize(s, l+1), o.Normalize(s, maxLen+1))
}

func allDead(se *sentence) bool {
	for _, r := range se.rows {
		if !math.IsInf(float64(r.score), -1) {
			return false
		}
	}
	return true
}

// best returns the n best hypotheses, best first (stable: among equal
// scores the one finished first).
func best(final []Hypothesis, n int) []Hypothesis {
	sort.SliceStable(final, func(i, j int) bool { return final[i].Score > final[j].Score })
	return final[:min(n, len(final))]
}
