package bleu

import "math"

// Translation edit rate of one hypothesis against one reference, as
// sacreBLEU's lib_ter.py computes it: Tercom's greedy shifts (at most 10
// words, at most 50 positions, 1,000 candidates per segment) over a
// beam-limited Levenshtein distance (25 cells either side of the
// length-scaled diagonal). Every tie is broken the way lib_ter.py breaks
// it, so the edit counts are sacreBLEU's.

const (
	terMaxShiftSize  = 10
	terMaxShiftDist  = 50
	terBeamWidth     = 25
	terMaxCacheSize  = 10000
	terMaxCandidates = 1000
	terInfinity      = int64(1e16)
)

// Edit operations, as lib_ter.py spells them.
const (
	opIns   = 'i'
	opDel   = 'd'
	opNop   = ' '
	opSub   = 's'
	opUndef = 'x'
)

type terCell struct {
	cost int64
	op   byte
}

// terEdits returns the number of edits (shifts included) that turn hyp
// into ref, and the reference length.
func terEdits(hyp, ref []string) (int, int) {
	if len(ref) == 0 {
		return len(hyp), 0
	}
	ed := newBeamEditDistance(ref)
	shifts, checked := 0, 0
	words := hyp
	for {
		delta, shifted, c := terShift(words, ref, ed, checked)
		checked = c
		if checked >= terMaxCandidates || delta <= 0 {
			break
		}
		shifts++
		words = shifted
	}
	dist, _ := ed.distance(words)
	return shifts + int(dist), len(ref)
}

// terShift finds the shift that lowers the edit distance most; it returns
// the gain, the shifted words and the updated candidate count.
func terShift(h, r []string, ed *beamEditDistance, checked int) (int64, []string, int) {
	pre, invTrace := ed.distance(h)
	align, refErr, hypErr := traceToAlignment(flipTrace(invTrace))

	type cand struct {
		gain          int64
		length, start int
		idx           int
		words         []string
	}
	var best *cand
	better := func(c *cand) bool {
		switch {
		case best == nil:
			return true
		case c.gain != best.gain:
			return c.gain > best.gain
		case c.length != best.length:
			return c.length > best.length
		case c.start != best.start:
			return c.start < best.start // -start_h: earliest first
		case c.idx != best.idx:
			return c.idx < best.idx
		}
		return compareWords(c.words, best.words) > 0
	}
	forShiftedPairs(h, r, func(startH, startR, length int) bool {
		if sumRange(hypErr, startH, startH+length) == 0 || sumRange(refErr, startR, startR+length) == 0 {
			return true
		}
		if a := align[startR]; startH <= a && a < startH+length {
			return true
		}
		prev := -1
		for off := -1; off < length; off++ {
			var idx int
			switch {
			case startR+off == -1:
				idx = 0
			case startR+off < len(align):
				idx = align[startR+off] + 1
			default:
				off = length // past the reference
				continue
			}
			if idx == prev {
				continue
			}
			prev = idx
			shifted := performShift(h, startH, length, idx)
			d, _ := ed.distance(shifted)
			c := &cand{pre - d, length, startH, idx, shifted}
			checked++
			if better(c) {
				best = c
			}
		}
		return checked < terMaxCandidates
	})
	if best == nil {
		return 0, h, checked
	}
	return best.gain, best.words, checked
}

// forShiftedPairs calls f(startH, startR, length) for every pair of equal
// word runs of h and r (length 1 to 10, start positions at most 50 apart),
// in lib_ter.py's order, until f returns false.
func forShiftedPairs(h, r []string, f func(startH, startR, length int) bool) {
	for sh := range h {
		for sr := range r {
			if abs(sr-sh) > terMaxShiftDist {
				continue
			}
			for n := 0; h[sh+n] == r[sr+n] && n < terMaxShiftSize; {
				n++
				if !f(sh, sr, n) {
					return
				}
				if len(h) == sh+n || len(r) == sr+n {
					break
				}
			}
		}
	}
}

// performShift moves words[start:start+length] to before target, slicing
// as Python does (indices past the end are clamped).
func performShift(w []string, start, length, target int) []string {
	cl := func(i int) int { return min(max(i, 0), len(w)) }
	sl := func(lo, hi int) []string {
		lo, hi = cl(lo), cl(hi)
		if lo > hi {
			return nil
		}
		return w[lo:hi]
	}
	out := make([]string, 0, len(w))
	switch {
	case target < start:
		out = append(append(append(append(out, sl(0, target)...), sl(start, start+length)...), sl(target, start)...), sl(start+length, len(w))...)
	case target > start+length:
		out = append(append(append(append(out, sl(0, start)...), sl(start+length, target)...), sl(start, start+length)...), sl(target, len(w))...)
	default:
		out = append(append(append(append(out, sl(0, start)...), sl(start+length, length+target)...), sl(start, start+length)...), sl(length+target, len(w))...)
	}
	return out
}

func flipTrace(t []byte) []byte {
	out := make([]byte, len(t))
	for i, op := range t {
		switch op {
		case opIns:
			op = opDel
		case opDel:
			op = opIns
		}
		out[i] = op
	}
	return out
}

// traceToAlignment maps each reference position to a hypothesis position
// and marks the erroneous positions of both.
func traceToAlignment(trace []byte) (align []int, refErr, hypErr []int) {
	ph, pr := -1, -1
	for _, op := range trace {
		switch op {
		case opNop, opSub:
			ph++
			pr++
			align = append(align, ph)
			e := 0
			if op == opSub {
				e = 1
			}
			hypErr = append(hypErr, e)
			refErr = append(refErr, e)
		case opIns:
			ph++
			hypErr = append(hypErr, 1)
		case opDel:
			pr++
			align = append(align, ph)
			refErr = append(refErr, 1)
		}
	}
	return align, refErr, hypErr
}

func sumRange(v []int, lo, hi int) int {
	s := 0
	for i := lo; i < hi && i < len(v); i++ {
		s += v[i]
	}
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// compareWords compares two word lists as Python compares lists of str.
func compareWords(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// beamEditDistance is lib_ter.py's BeamEditDistance: a Levenshtein
// distance to a fixed reference that keeps the matrix rows of hypothesis
// prefixes it has seen in a trie, so that shifted hypotheses reuse them.
type beamEditDistance struct {
	ref     []string
	initial []terCell
	cache   *terNode
	size    int
}

type terNode struct {
	next map[string]*terNode
	row  []terCell
}

func newBeamEditDistance(ref []string) *beamEditDistance {
	ini := make([]terCell, len(ref)+1)
	for i := range ini {
		ini[i] = terCell{int64(i), opIns}
	}
	return &beamEditDistance{ref: ref, initial: ini, cache: &terNode{next: map[string]*terNode{}}}
}

// distance returns the edit distance of h to the reference and the trace
// of operations.
func (e *beamEditDistance) distance(h []string) (int64, []byte) {
	node := e.cache
	rows := [][]terCell{e.initial}
	for _, w := range h {
		n, ok := node.next[w]
		if !ok {
			break
		}
		node = n
		rows = append(rows, n.row)
	}
	start := len(rows) - 1
	dist, trace, rows := e.compute(h, start, rows)
	e.add(h, rows[start+1:], start)
	return dist, trace
}

// add stores the new rows of h (those after its first skip words, which
// are in the trie already), until the trie holds terMaxCacheSize rows.
func (e *beamEditDistance) add(h []string, rows [][]terCell, skip int) {
	if e.size >= terMaxCacheSize {
		return
	}
	node := e.cache
	for _, w := range h[:skip] {
		node = node.next[w]
	}
	for i, w := range h[skip:] {
		n, ok := node.next[w]
		if !ok {
			n = &terNode{next: map[string]*terNode{}, row: rows[i]}
			node.next[w] = n
			e.size++
		}
		node = n
	}
}

// compute fills the rows after startH (rows up to startH are given) and
// returns the distance, the trace and all rows.
func (e *beamEditDistance) compute(h []string, startH int, rows [][]terCell) (int64, []byte, [][]terCell) {
	nh, nr := len(h), len(e.ref)
	for len(rows) < nh+1 {
		row := make([]terCell, nr+1)
		for j := range row {
			row[j] = terCell{terInfinity, opUndef}
		}
		rows = append(rows, row)
	}
	ratio := 1.0
	if nh > 0 {
		ratio = float64(nr) / float64(nh)
	}
	beam := terBeamWidth
	if float64(terBeamWidth) < ratio/2 {
		beam = int(math.Ceil(ratio/2 + terBeamWidth))
	}
	for i := startH + 1; i <= nh; i++ {
		diag := int(math.Floor(float64(i) * ratio))
		minJ := max(0, diag-beam)
		maxJ := min(nr+1, diag+beam)
		if i == nh {
			maxJ = nr + 1
		}
		cur, prev := rows[i], rows[i-1]
		for j := minJ; j < maxJ; j++ {
			if j == 0 {
				cur[0] = terCell{prev[0].cost + 1, opDel}
				continue
			}
			sub, op := int64(1), byte(opSub)
			if h[i-1] == e.ref[j-1] {
				sub, op = 0, opNop
			}
			// Tercom's preference: match/substitution, then (flipped)
			// deletion, then insertion; strictly better replaces.
			if c := prev[j-1].cost + sub; cur[j].cost > c {
				cur[j] = terCell{c, op}
			}
			if c := prev[j].cost + 1; cur[j].cost > c {
				cur[j] = terCell{c, opDel}
			}
			if c := cur[j-1].cost + 1; cur[j].cost > c {
				cur[j] = terCell{c, opIns}
			}
		}
	}
	var trace []byte
	for i, j := nh, nr; i > 0 || j > 0; {
		op := rows[i][j].op
		trace = append(trace, op)
		switch op {
		case opSub, opNop:
			i--
			j--
		case opIns:
			j--
		case opDel:
			i--
		default:
			panic("bleu: TER trace reached an undefined cell")
		}
	}
	for a, b := 0, len(trace)-1; a < b; a, b = a+1, b-1 {
		trace[a], trace[b] = trace[b], trace[a]
	}
	return rows[nh][nr].cost, trace, rows
}
