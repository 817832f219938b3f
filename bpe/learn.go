package bpe

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// LearnOptions configures Learn. The zero value of each field but Merges
// means subword-nmt's default.
type LearnOptions struct {
	// Merges is the number of merge operations to learn (subword-nmt's
	// --symbols). Learning stops earlier when no pair is frequent enough.
	Merges int
	// MinFrequency stops learning when the most frequent pair occurs fewer
	// times. 0 means 2, subword-nmt's default.
	MinFrequency int
	// TotalSymbols subtracts the number of distinct characters (word-inner
	// and word-final counted apart) from Merges, so that Merges estimates
	// the size of the whole symbol vocabulary (subword-nmt's
	// --total-symbols).
	TotalSymbols bool
	// Progress, if not nil, is called after each merge with its index
	// (from 0), the pair and its frequency.
	Progress func(i int, p Pair, freq int)
}

// Learn learns merges from word counts, as subword-nmt's learn_bpe.py does
// from the same counts (version 0.2: the last character of a word carries
// the end-of-word marker "</w>"). For joint BPE, count the words of all the
// texts into one map.
//
// Each step merges the most frequent pair of adjacent symbols; among pairs
// of equal frequency the greatest (Left, Right) wins, comparing strings by
// code point. Learn keeps learn_bpe.py's two-level statistics (a pruned
// working set, and the full counts it goes back to when the best pruned
// count falls below a threshold) because they are not only a speed-up:
// when a symbol arises from two different merges, learn_bpe.py's pruned
// counts of pairs with that symbol lose part of their history, and the
// merges learned after that depend on it. Emulating them makes the codes
// identical to learn_bpe.py's. It also emulates how learn_bpe.py replaces a
// pair inside words with a regular expression, which for symbols holding
// Unicode whitespace other than ' ' (such as U+00A0) can merge more than
// the pair.
//
// Words must be non-empty valid UTF-8 without ' ', '\r' or '\n' (a codes
// file could not hold their symbols); words with a count of 0 are ignored,
// negative counts are an error. An empty vocabulary is an error.
// learn_bpe.py fails on a vocabulary in which no word has two characters;
// Learn returns codes without merges.
func Learn(counts map[string]int, opt LearnOptions) (*Codes, error) {
	return learn(counts, opt, false)
}

// learn is Learn; exact keeps exact counts of every pair instead of
// learn_bpe.py's pruned statistics, which tests use to show where the two
// differ.
func learn(counts map[string]int, opt LearnOptions, exact bool) (*Codes, error) {
	if opt.Merges < 0 {
		return nil, fmt.Errorf("bpe: Merges %d is negative", opt.Merges)
	}
	if opt.MinFrequency < 0 {
		return nil, fmt.Errorf("bpe: MinFrequency %d is negative", opt.MinFrequency)
	}
	minFreq := int64(opt.MinFrequency)
	if minFreq == 0 {
		minFreq = 2
	}
	type wordCount struct {
		w string
		n int
	}
	words := make([]wordCount, 0, len(counts))
	for w, n := range counts {
		if err := checkWord(w, n); err != nil {
			return nil, err
		}
		if n > 0 {
			words = append(words, wordCount{w, n})
		}
	}
	if len(words) == 0 {
		return nil, errors.New("bpe: empty vocabulary")
	}
	// The order of words does not change the result; sorting only makes
	// the work (and memory layout) the same from run to run.
	slices.SortFunc(words, func(a, b wordCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return strings.Compare(a.w, b.w)
	})
	l := newLearner(len(words))
	l.exact = exact
	for _, wc := range words {
		l.addWord(wc.w, int64(wc.n))
	}
	merges := opt.Merges
	if opt.TotalSymbols {
		merges -= l.distinctChars()
	}
	codes := &Codes{Version: "0.2"}
	l.run(merges, minFreq, func(i int, p int32, freq int64) {
		pair := Pair{l.syms[l.pairL[p]], l.syms[l.pairR[p]]}
		codes.Merges = append(codes.Merges, pair)
		if opt.Progress != nil {
			opt.Progress(i, pair, int(freq))
		}
	})
	return codes, nil
}

func checkWord(w string, n int) error {
	switch {
	case n < 0:
		return fmt.Errorf("bpe: word %q has negative count %d", w, n)
	case w == "":
		return errors.New("bpe: empty word in vocabulary")
	case !utf8.ValidString(w):
		return fmt.Errorf("bpe: word %q is not valid UTF-8", w)
	case strings.ContainsAny(w, " \r\n"):
		return fmt.Errorf("bpe: word %q contains a space or line break", w)
	}
	return nil
}

// run is learn_bpe.py's main loop. emit is called for each merge.
//
// The statistics are two dictionaries there, and here two arrays over pair
// ids with a liveness flag:
//   - stats (l.stats where l.live): the working set. Pairs whose count fell
//     below the threshold are pruned from it every 100 merges. Merges keep
//     adding and subtracting counts, and a pruned pair that gets a change
//     reappears in stats with only the change as its value.
//   - big_stats (l.big): what pruning moves out of stats. A pruned negative
//     value is added to big_stats; any other value replaces it.
//
// When the best pair in stats is below the threshold, a better one may
// have been pruned: stats becomes a copy of big_stats again and the
// threshold is recomputed from the new best.
func (l *learner) run(merges int, minFreq int64, emit func(i int, p int32, freq int64)) {
	if len(l.pairL) == 0 {
		return
	}
	var maxCount int64
	for _, v := range l.stats {
		maxCount = max(maxCount, v)
	}
	threshold := float64(maxCount) / 10
	if l.exact {
		threshold = math.Inf(-1) // nothing is ever pruned
	}
	l.rebuildHeap()
	for i := 0; i < merges; i++ {
		best := l.top()
		if best < 0 || (i > 0 && float64(l.stats[best]) < threshold) {
			l.prune(threshold)
			best = l.bestOfAll()
			threshold = float64(l.big[best]*int64(i)) / (float64(i) + 10000.0)
			l.restore(threshold)
			if !l.live[best] {
				return // only when no count is positive
			}
		}
		freq := l.stats[best]
		if freq < minFreq {
			return
		}
		emit(i, best, freq)
		l.merge(best)
		l.setStat(best, 0)
		l.flushTouched()
		if i%100 == 0 {
			l.prune(threshold)
		}
	}
}
