package bleu

import "math/bits"

// N-grams are counted one order at a time, and an n-gram is identified
// exactly by a 64-bit key: a unigram by its token id (or code point), an
// n-gram of order n > 1 by the id its first n-1 items got in the table of
// order n-1, followed by the id of its last item. Each order's table is
// small enough to stay in the L1 cache.
//
// An n-gram can only match if its (n-1)-gram prefix and suffix occur on
// both sides, so from order 2 on only such "candidate" positions are put
// in the table; every occurrence of an n-gram is a candidate or none is,
// so the counts of the n-grams that can match stay exact, and the others
// add nothing to the matches. Totals are counted without the table.

// ngramEntry holds the counts of one n-gram within one segment.
type ngramEntry struct {
	key   uint64
	stamp uint32 // entry is live iff stamp == table.stamp
	id    uint32 // dense id, in insertion order
	ref   int32  // reference count (max over references for BLEU)
	cur   int32  // count in the reference being added
	curID int32  // which reference cur belongs to
	hyp   int32  // hypothesis count so far
}

// ngramTable counts the n-grams of one order of one segment: an
// open-addressing hash table that is emptied in O(1) by bumping its stamp.
// It is scratch space owned by one goroutine.
type ngramTable struct {
	e      []ngramEntry
	mask   uint64
	shift  uint // 64 - log2(len(e))
	stamp  uint32
	n      int
	slot   []int32 // slot of each id
	live   []bool  // per id: occurs on both sides (valid when liveOK)
	liveOK bool
}

// dead marks a position that is not a candidate at the current order.
const dead = ^uint32(0)

// reset empties the table and makes room for at least size entries.
func (t *ngramTable) reset(size int) {
	want := 16
	for want < 2*size {
		want <<= 1
	}
	if want > len(t.e) || t.stamp == ^uint32(0) {
		t.alloc(want)
	}
	t.stamp++
	t.n = 0
	t.slot = t.slot[:0]
	t.liveOK = false
}

func (t *ngramTable) alloc(size int) {
	t.e = make([]ngramEntry, size)
	t.mask = uint64(size - 1)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.stamp = 0
}

// get returns the entry for k, creating it with zero counts if needed.
func (t *ngramTable) get(k uint64) *ngramEntry {
	if 2*(t.n+1) > len(t.e) {
		t.grow()
	}
	// Fibonacci hashing: the top bits of the product depend on all of k.
	i := (k * 0x9E3779B97F4A7C15) >> t.shift
	for {
		e := &t.e[i]
		if e.stamp != t.stamp {
			*e = ngramEntry{key: k, stamp: t.stamp, id: uint32(t.n), curID: -1}
			t.n++
			t.slot = append(t.slot, int32(i))
			return e
		}
		if e.key == k {
			return e
		}
		i = (i + 1) & t.mask
	}
}

// grow doubles the table, keeping its live entries and their ids. reset
// normally sizes the table for the whole order, so this is a safety net.
func (t *ngramTable) grow() {
	old, stamp := t.e, t.stamp
	t.alloc(max(16, 2*len(old)))
	t.stamp = stamp
	if t.stamp == 0 {
		t.stamp = 1
	}
	for _, e := range old {
		if e.stamp != stamp || stamp == 0 {
			continue
		}
		i := (e.key * 0x9E3779B97F4A7C15) >> t.shift
		for t.e[i].stamp == t.stamp {
			i = (i + 1) & t.mask
		}
		t.e[i] = e
		t.slot[e.id] = int32(i)
	}
}

// key returns the key of the n-gram starting at i, given the unigram ids
// and, for n > 1, the ids of the (n-1)-grams.
func key(uni, prev []uint32, i, n int) uint64 {
	if n == 1 {
		return uint64(uni[i])
	}
	return uint64(prev[i])<<32 | uint64(uni[i+n-1])
}

// candidate reports whether the order-n n-gram at i can match: always for
// unigrams, else when its prefix and suffix (n-1)-grams occur on both sides.
func candidate(alive []bool, i, n int) bool { return n == 1 || alive[i] && alive[i+1] }

// addRef counts the order-n n-grams of reference number ref and keeps, per
// n-gram, the maximum count over references. prev holds the ids of the
// reference's (n-1)-grams (unused for n = 1) and is overwritten with the
// ids of its n-grams (dead for non-candidates).
func (t *ngramTable) addRef(uni, prev []uint32, alive []bool, n int, ref int32) {
	for i := 0; i+n <= len(uni); i++ {
		if !candidate(alive, i, n) {
			prev[i] = dead
			continue
		}
		e := t.get(key(uni, prev, i, n))
		if e.curID != ref {
			e.curID, e.cur = ref, 0
		}
		e.cur++
		if e.cur > e.ref {
			e.ref = e.cur
		}
		prev[i] = e.id
	}
}

// addHyp counts the order-n n-grams of the hypothesis (prev as in addRef)
// and returns how many match: an occurrence matches while the hypothesis
// count so far does not exceed the reference count, which sums to
// min(hyp count, ref count) per n-gram.
func (t *ngramTable) addHyp(uni, prev []uint32, alive []bool, n int) (matched int) {
	for i := 0; i+n <= len(uni); i++ {
		if !candidate(alive, i, n) {
			prev[i] = dead
			continue
		}
		e := t.get(key(uni, prev, i, n))
		e.hyp++
		if e.hyp <= e.ref {
			matched++
		}
		prev[i] = e.id
	}
	return matched
}

// markAlive records, for the order-n n-grams of a sequence of length l
// whose ids are in prev, whether they occur on both sides, and returns how
// many n-grams of order n+1 are then candidates.
func (t *ngramTable) markAlive(prev []uint32, alive []bool, l, n int) (next int) {
	if !t.liveOK {
		// Once per order, in id order: far fewer n-grams than positions.
		t.live = resizeBool(t.live, t.n)
		for id, sl := range t.slot {
			e := &t.e[sl]
			t.live[id] = e.ref > 0 && e.hyp > 0
		}
		t.liveOK = true
	}
	before := false
	for i := 0; i+n <= l; i++ {
		id := prev[i]
		a := id != dead && t.live[id]
		alive[i] = a
		if a && before {
			next++
		}
		before = a
	}
	return next
}

// nOf returns the number of n-grams of order n in a sequence of length l.
func nOf(l, n int) int { return max(0, l-n+1) }
