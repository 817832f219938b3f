package bpe

import (
	"strings"
	"unicode/utf8"
)

// learner holds the state of one Learn call. Symbols, words and pairs are
// numbered; a pair's number indexes the per-pair slices.
type learner struct {
	exact bool // see learn

	syms  []string         // symbol strings, "</w>" included
	symID map[string]int32 // inverse of syms
	ws    []bool           // symbol holds a character that Python's \s matches

	words [][]int32 // each word as symbols
	freqs []int64   // word counts

	pairID       map[uint64]int32
	pairL, pairR []int32 // symbols of each pair
	stats        []int64 // value in the working set, where live
	live         []bool  // present in the working set
	big          []int64 // full statistics
	liveList     []int32 // the pairs with live set, in no particular order

	// The index from pairs to words: idx[pair<<32|word] is how often the
	// pair occurs in the word, as learn_bpe.py keeps it (it can go below
	// the true count, even below 0, after a pair overlapping itself was
	// merged); idxWords lists the words that have an entry for each pair.
	idx      map[uint64]int32
	idxWords [][]int32

	heap    pairHeap
	touched []int32  // pairs whose working value changed in this merge
	mark    []uint32 // mark[p] == epoch: p is in touched
	epoch   uint32

	old  []int32 // scratch: a word before a merge
	todo []int32 // scratch: the words a merge changes
	cut  []bool  // scratch: separators a merge removes
}

func newLearner(nwords int) *learner {
	l := &learner{
		symID:  map[string]int32{},
		pairID: map[uint64]int32{},
		idx:    make(map[uint64]int32, 8*nwords),
		words:  make([][]int32, 0, nwords),
		freqs:  make([]int64, 0, nwords),
	}
	l.heap.l = l
	l.epoch = 1
	return l
}

func (l *learner) intern(s string) int32 {
	if id, ok := l.symID[s]; ok {
		return id
	}
	id := int32(len(l.syms))
	l.syms = append(l.syms, s)
	l.symID[s] = id
	l.ws = append(l.ws, hasPySpace(s))
	return id
}

// addWord adds a word as its characters, the last one carrying "</w>", and
// counts its pairs into both statistics.
func (l *learner) addWord(w string, n int64) {
	j := int32(len(l.words))
	syms := make([]int32, 0, utf8.RuneCountInString(w))
	for i := 0; i < len(w); {
		_, size := utf8.DecodeRuneInString(w[i:])
		if i+size == len(w) {
			syms = append(syms, l.intern(w[i:]+endOfWord))
		} else {
			syms = append(syms, l.intern(w[i:i+size]))
		}
		i += size
	}
	l.words = append(l.words, syms)
	l.freqs = append(l.freqs, n)
	for k := 0; k+1 < len(syms); k++ {
		p := l.pair(syms[k], syms[k+1])
		l.stats[p] += n
		l.big[p] += n
		l.addIndex(p, j, 1)
	}
}

// distinctChars counts distinct word-inner and word-final characters, as
// --total-symbols does.
func (l *learner) distinctChars() int {
	inner, final := map[int32]bool{}, map[int32]bool{}
	for _, w := range l.words {
		for _, s := range w[:len(w)-1] {
			inner[s] = true
		}
		final[w[len(w)-1]] = true
	}
	return len(inner) + len(final)
}

// pair returns the number of pair (a, b), creating it in the working set
// with count 0.
func (l *learner) pair(a, b int32) int32 {
	k := uint64(uint32(a))<<32 | uint64(uint32(b))
	if p, ok := l.pairID[k]; ok {
		return p
	}
	p := int32(len(l.pairL))
	l.pairID[k] = p
	l.pairL = append(l.pairL, a)
	l.pairR = append(l.pairR, b)
	l.stats = append(l.stats, 0)
	l.live = append(l.live, true)
	l.big = append(l.big, 0)
	l.liveList = append(l.liveList, p)
	l.mark = append(l.mark, 0)
	l.idxWords = append(l.idxWords, nil)
	return p
}

// addStat adds d to the working value of p. A pair missing from the working
// set enters it with value d, whatever its full count (Python's
// defaultdict).
func (l *learner) addStat(p int32, d int64) {
	if !l.live[p] {
		l.live[p] = true
		l.stats[p] = 0
		l.liveList = append(l.liveList, p)
	}
	l.stats[p] += d
	l.touch(p)
}

func (l *learner) setStat(p int32, v int64) {
	l.addStat(p, 0)
	l.stats[p] = v
}

func (l *learner) touch(p int32) {
	if l.mark[p] != l.epoch {
		l.mark[p] = l.epoch
		l.touched = append(l.touched, p)
	}
}

// flushTouched queues the pairs changed by the last merge.
func (l *learner) flushTouched() {
	for _, p := range l.touched {
		if l.live[p] {
			l.heap.push(heapItem{l.stats[p], p})
		}
	}
	l.touched = l.touched[:0]
	l.epoch++
}

func (l *learner) addIndex(p, word int32, d int32) {
	k := uint64(uint32(p))<<32 | uint64(uint32(word))
	c, ok := l.idx[k]
	if !ok {
		l.idxWords[p] = append(l.idxWords[p], word)
	}
	l.idx[k] = c + d
}

// prune moves the working pairs below threshold into the full statistics
// (learn_bpe.py's prune_stats).
func (l *learner) prune(threshold float64) {
	keep := l.liveList[:0]
	for _, p := range l.liveList {
		v := l.stats[p]
		if float64(v) >= threshold {
			keep = append(keep, p)
			continue
		}
		l.live[p] = false
		if v < 0 {
			l.big[p] += v
		} else {
			l.big[p] = v
		}
	}
	l.liveList = keep
	if len(l.heap.items) > 2*len(keep)+1024 {
		l.rebuildHeap()
	}
}

// bestOfAll returns the best pair by full statistics.
func (l *learner) bestOfAll() int32 {
	best := int32(0)
	for p := int32(1); p < int32(len(l.big)); p++ {
		if l.better(l.big[p], p, l.big[best], best) {
			best = p
		}
	}
	return best
}

// restore makes the full statistics the working set again and prunes it
// with the new threshold. Every pair is in the full statistics at this
// point, since the preceding prune moved the whole working set there.
func (l *learner) restore(threshold float64) {
	l.liveList = l.liveList[:0]
	for p := range l.big {
		v := l.big[p]
		if float64(v) < threshold {
			l.live[p] = false
			if v < 0 {
				l.big[p] += v // learn_bpe.py adds the copied negative value again
			}
			continue
		}
		l.live[p] = true
		l.stats[p] = v
		l.liveList = append(l.liveList, int32(p))
	}
	l.rebuildHeap()
}

// better reports whether pair p with count v beats pair q with count w:
// higher count, then greater (left, right) strings.
func (l *learner) better(v int64, p int32, w int64, q int32) bool {
	if v != w {
		return v > w
	}
	if c := strings.Compare(l.syms[l.pairL[p]], l.syms[l.pairL[q]]); c != 0 {
		return c > 0
	}
	return l.syms[l.pairR[p]] > l.syms[l.pairR[q]]
}

// top returns the best working pair, or -1 when the working set is empty.
func (l *learner) top() int32 {
	for len(l.heap.items) > 0 {
		it := l.heap.items[0]
		if l.live[it.p] && l.stats[it.p] == it.v {
			return it.p
		}
		l.heap.pop()
	}
	return -1
}

func (l *learner) rebuildHeap() {
	items := l.heap.items[:0]
	for _, p := range l.liveList {
		items = append(items, heapItem{l.stats[p], p})
	}
	l.heap.items = items
	l.heap.init()
}

// heapItem is a pair with its working value when queued; it is stale once
// the value changed or the pair left the working set.
type heapItem struct {
	v int64
	p int32
}

// pairHeap is a binary max-heap of pairs ordered by learner.better.
type pairHeap struct {
	items []heapItem
	l     *learner
}

func (h *pairHeap) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return h.l.better(a.v, a.p, b.v, b.p)
}

func (h *pairHeap) init() {
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *pairHeap) push(it heapItem) {
	h.items = append(h.items, it)
	for i := len(h.items) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *pairHeap) pop() {
	n := len(h.items) - 1
	h.items[0] = h.items[n]
	h.items = h.items[:n]
	h.down(0)
}

func (h *pairHeap) down(i int) {
	n := len(h.items)
	for {
		best := i
		if c := 2*i + 1; c < n && h.less(c, best) {
			best = c
		}
		if c := 2*i + 2; c < n && h.less(c, best) {
			best = c
		}
		if best == i {
			return
		}
		h.items[i], h.items[best] = h.items[best], h.items[i]
		i = best
	}
}
