package bpe

import (
	"strings"
	"unicode/utf8"
)

// merge replaces pair p in every word the index lists for it and updates
// the statistics (learn_bpe.py's replace_pair and update_pair_statistics).
// The words to change are taken from the index first, then the pair's
// index is emptied, as learn_bpe.py does between the two functions; a pair
// that overlaps itself ("a a a" merging "a a") then leaves negative
// entries for itself there.
func (l *learner) merge(p int32) {
	a, b := l.pairL[p], l.pairR[p]
	ab := l.intern(l.syms[a] + l.syms[b])
	todo := l.todo[:0]
	for _, j := range l.idxWords[p] {
		k := uint64(uint32(p))<<32 | uint64(uint32(j))
		if l.idx[k] >= 1 {
			todo = append(todo, j)
		}
		delete(l.idx, k)
	}
	l.todo = todo
	l.idxWords[p] = l.idxWords[p][:0]
	l.setStat(p, 0)
	for _, j := range todo {
		l.old = append(l.old[:0], l.words[j]...)
		l.words[j] = l.replace(l.words[j], a, b, ab)
		l.update(j, l.old, l.words[j], a, b, ab, l.freqs[j])
	}
}

// replace merges the occurrences of (a, b) in w, left to right without
// overlap, in place. learn_bpe.py does this with the regular expression
// `(?<!\S)A B(?!\S)` on the symbols joined by spaces. For symbols without
// whitespace that is exactly "x == a and y == b"; a symbol that holds other
// whitespace (U+00A0, say) also lets A match its end or B its start, and
// then the whole symbols are joined, as the regular expression does.
func (l *learner) replace(w []int32, a, b, ab int32) []int32 {
	n := len(w)
	if n < 2 {
		return w
	}
	cut := l.cut[:0]
	for range n - 1 {
		cut = append(cut, false)
	}
	l.cut = cut
	found := false
	lastSym, lastEnd := -1, 0 // where the previous match ended: symbol, byte offset
	for k := 0; k+1 < n; k++ {
		x, y := w[k], w[k+1]
		var start, end int
		switch {
		case x == a && y == b:
			start, end = 0, len(l.syms[b])
		case l.ws[x] || l.ws[y]:
			var ok bool
			if ok, start, end = l.looseMatch(x, y, a, b); !ok {
				continue
			}
		default:
			continue
		}
		if lastSym == k && start < lastEnd {
			continue // overlaps the previous match
		}
		cut[k] = true
		found = true
		lastSym, lastEnd = k+1, end
	}
	if !found {
		return w
	}
	out := w[:0] // writes never pass reads
	for k := 0; k < n; {
		m := k
		for m+1 < n && cut[m] {
			m++
		}
		switch {
		case m == k:
			out = append(out, w[k])
		case m == k+1 && w[k] == a && w[k+1] == b:
			out = append(out, ab)
		default:
			var sb strings.Builder
			for t := k; t <= m; t++ {
				sb.WriteString(l.syms[w[t]])
			}
			out = append(out, l.intern(sb.String()))
		}
		k = m + 1
	}
	return out
}

// looseMatch reports whether `(?<!\S)A B(?!\S)` matches across the space
// between symbols x and y, and where the match starts in x and ends in y.
func (l *learner) looseMatch(x, y, a, b int32) (ok bool, start, end int) {
	sx, sy, sa, sb := l.syms[x], l.syms[y], l.syms[a], l.syms[b]
	if x != a {
		if !strings.HasSuffix(sx, sa) {
			return false, 0, 0
		}
		r, _ := utf8.DecodeLastRuneInString(sx[:len(sx)-len(sa)])
		if !isPySpace(r) {
			return false, 0, 0
		}
	}
	if y != b {
		if !strings.HasPrefix(sy, sb) {
			return false, 0, 0
		}
		r, _ := utf8.DecodeRuneInString(sy[len(sb):])
		if !isPySpace(r) {
			return false, 0, 0
		}
	}
	return true, len(sx) - len(sa), len(sb)
}

// update adjusts the statistics and index for word j, which was old and is
// now w after merging (a, b) into ab. It follows update_pair_statistics
// step by step, including which neighbouring pairs it counts where
// occurrences are adjacent ("a b a b"), so that the index keeps the same
// (sometimes inexact) counts.
func (l *learner) update(j int32, old, w []int32, a, b, ab int32, f int64) {
	n := len(old)
	for i := 0; i < n; {
		for i < n && old[i] != a {
			i++
		}
		if i >= n {
			break
		}
		if i < n-1 && old[i+1] == b {
			if i > 0 {
				l.change(old[i-1], old[i], j, -f)
			}
			if i < n-2 && (old[i+2] != a || i >= n-3 || old[i+3] != b) {
				l.change(old[i+1], old[i+2], j, -f)
			}
			i += 2
		} else {
			i++
		}
	}
	m := len(w)
	for i := 0; i < m; i++ {
		for i < m && w[i] != ab {
			i++
		}
		if i >= m {
			break
		}
		if i > 0 {
			l.change(w[i-1], w[i], j, f)
		}
		if i < m-1 && w[i+1] != ab {
			l.change(w[i], w[i+1], j, f)
		}
	}
}

// change adds d to the count of pair (x, y) and one occurrence, with d's
// sign, to its index entry for word j.
func (l *learner) change(x, y, j int32, d int64) {
	p := l.pair(x, y)
	l.addStat(p, d)
	if d < 0 {
		l.addIndex(p, j, -1)
	} else {
		l.addIndex(p, j, 1)
	}
}

// isPySpace reports whether Python's str.isspace, and so the \s of its
// regular expressions, is true for r.
func isPySpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0d, r >= 0x1c && r <= 0x20:
		return true
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// hasPySpace reports whether s holds a character for which isPySpace is
// true.
func hasPySpace(s string) bool {
	for _, r := range s {
		if isPySpace(r) {
			return true
		}
	}
	return false
}
