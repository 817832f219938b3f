package bpe

import (
	"math"
	"unicode/utf8"
)

// encSym is a symbol of a word being segmented: its id (-1 for text the
// codes never saw) and the byte offset where it starts. A symbol ends where
// the next one starts; the word's last symbol ends at the end of the word,
// its "</w>" being implied.
type encSym struct{ id, start int32 }

// encode appends the pieces of seg, a word or a part of one cut out by a
// glossary, to units (apply_bpe.py's encode).
func (e *Encoder) encode(seg string, units []string) []string {
	if seg == "" {
		return units
	}
	if e.gloss != nil && e.gloss.whole.MatchString(seg) {
		return append(units, seg)
	}
	if len(seg) <= utf8.UTFMax && utf8.RuneCountInString(seg) == 1 {
		return append(units, seg) // kept as is, even against the vocabulary
	}
	var buf [24]encSym
	syms := e.merge(e.symbols(seg, buf[:0]))
	n := len(syms)
	if e.v01 && syms[n-1].start == int32(len(seg)) {
		n-- // "</w>" left unmerged
	}
	first := len(units)
	for k := 0; k < n; k++ {
		end := len(seg)
		if k+1 < len(syms) {
			end = int(syms[k+1].start)
		}
		units = append(units, seg[syms[k].start:end])
	}
	if len(e.vocab) > 0 {
		checked := e.checkVocab(units[first:])
		units = append(units[:first], checked...)
	}
	return units
}

// symbols splits seg into characters: version 0.2 marks the last one with
// "</w>", version 0.1 adds "</w>" as a symbol of its own.
func (e *Encoder) symbols(seg string, syms []encSym) []encSym {
	v02 := 1
	if e.v01 {
		v02 = 0
	}
	for i := 0; i < len(seg); {
		if c := seg[i]; c < utf8.RuneSelf {
			last := v02 & boolInt(i+1 == len(seg))
			syms = append(syms, encSym{e.ascii[last][c], int32(i)})
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(seg[i:])
		id, ok := int32(0), false
		if i+size == len(seg) && v02 == 1 {
			id, ok = e.final[seg[i:]]
		} else {
			id, ok = e.symID[seg[i:i+size]]
		}
		if !ok {
			id = -1
		}
		syms = append(syms, encSym{id, int32(i)})
		i += size
	}
	if e.v01 {
		syms = append(syms, encSym{e.eow, int32(len(seg))})
	}
	return syms
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// merge applies merges to syms until none applies: each round takes the
// earliest merge (in the codes) among the word's adjacent pairs and merges
// all its occurrences left to right, so "x x x" becomes "xx x".
func (e *Encoder) merge(syms []encSym) []encSym {
	for len(syms) > 1 {
		best := int32(math.MaxInt32)
		for k := 0; k+1 < len(syms); k++ {
			a, b := syms[k].id, syms[k+1].id
			if a < 0 || b < 0 {
				continue
			}
			if r, ok := e.rank[pairKey(a, b)]; ok && r < best {
				best = r
			}
		}
		if best == math.MaxInt32 {
			break
		}
		a, b, ab := e.left[best], e.right[best], e.merged[best]
		out := syms[:0]
		for k := 0; k < len(syms); k++ {
			if k+1 < len(syms) && syms[k].id == a && syms[k+1].id == b {
				out = append(out, encSym{ab, syms[k].start})
				k++
			} else {
				out = append(out, syms[k])
			}
		}
		syms = out
	}
	return syms
}

// checkVocab splits pieces missing from the vocabulary by undoing merges
// (apply_bpe.py's check_vocab_and_split). A piece but the last is looked
// up with the separator appended.
func (e *Encoder) checkVocab(units []string) []string {
	out := make([]string, 0, len(units)+2)
	last := len(units) - 1
	for _, u := range units[:last] {
		if e.vocab[u+e.sep] {
			out = append(out, u)
		} else {
			out = e.split(u, false, out)
		}
	}
	if u := units[last]; e.vocab[u] {
		out = append(out, u)
	} else {
		out = e.split(u, true, out)
	}
	return out
}

// split undoes the merge that made seg (seg+"</w>" when final) and keeps
// each half that is in the vocabulary, splitting the others further
// (apply_bpe.py's recursive_split). Pieces that no merge made stay.
func (e *Encoder) split(seg string, final bool, out []string) []string {
	var p Pair
	var ok bool
	if final {
		if seg != "" { // apply_bpe.py would recurse without end on "</w>"
			p, ok = e.rev[seg+endOfWord]
		}
		p.Right = dropRunes(p.Right, utf8.RuneCountInString(endOfWord))
	} else {
		p, ok = e.rev[seg]
	}
	if !ok {
		return append(out, seg)
	}
	if e.vocab[p.Left+e.sep] {
		out = append(out, p.Left)
	} else {
		out = e.split(p.Left, false, out)
	}
	if (final && e.vocab[p.Right]) || (!final && e.vocab[p.Right+e.sep]) {
		return append(out, p.Right)
	}
	return e.split(p.Right, final, out)
}

// dropRunes drops the last n characters of s, as Python's s[:-n].
func dropRunes(s string, n int) string {
	for ; n > 0 && s != ""; n-- {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
