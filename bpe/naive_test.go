package bpe

import "strings"

// naiveLearn is a reference learner that recounts every pair before each
// merge: the textbook greedy algorithm with learn_bpe.py's tie-break. It
// agrees with learn_bpe.py as long as no merge makes a symbol that existed
// before (such as "abc" from "ab c" after "a bc"): only then do
// learn_bpe.py's pruned statistics lose counts. fresh reports how many of
// the merges came before the first such merge, plus that merge itself.
func naiveLearn(counts map[string]int, merges, minFreq int) (codes []Pair, fresh int) {
	type word struct {
		syms []string
		n    int
	}
	var words []word
	seen := map[string]bool{}
	for w, n := range counts {
		r := []rune(w)
		var syms []string
		for i, c := range r {
			s := string(c)
			if i == len(r)-1 {
				s += endOfWord
			}
			syms = append(syms, s)
			seen[s] = true
		}
		words = append(words, word{syms, n})
	}
	fresh = -1
	for i := 0; i < merges; i++ {
		stats := map[Pair]int{}
		for _, w := range words {
			for k := 0; k+1 < len(w.syms); k++ {
				stats[Pair{w.syms[k], w.syms[k+1]}] += w.n
			}
		}
		var best Pair
		bestN := -1
		for p, n := range stats {
			if n > bestN || n == bestN && (p.Left > best.Left || p.Left == best.Left && p.Right > best.Right) {
				best, bestN = p, n
			}
		}
		if bestN < minFreq {
			break
		}
		codes = append(codes, best)
		merged := best.Left + best.Right
		if seen[merged] && fresh < 0 {
			fresh = len(codes)
		}
		seen[merged] = true
		for wi := range words {
			s := words[wi].syms
			var out []string
			for k := 0; k < len(s); k++ {
				if k+1 < len(s) && s[k] == best.Left && s[k+1] == best.Right {
					out = append(out, merged)
					k++
				} else {
					out = append(out, s[k])
				}
			}
			words[wi].syms = out
		}
	}
	if fresh < 0 {
		fresh = len(codes)
	}
	return codes, fresh
}

func codesString(ps []Pair) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Left + " " + p.Right + "\n")
	}
	return b.String()
}
