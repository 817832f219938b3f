package spm

import (
	"fmt"
	"strconv"
	"strings"
)

// token is one piece of an encoding: its text and id.
type token struct {
	text string
	id   int
}

// Encode segments one line into pieces, as spm_encode prints them: an
// unknown character is its own text (a run of them is one piece), or
// byte pieces (<0xE2>...) with byte fallback.
func (m *Model) Encode(line string) []string {
	toks := m.encode(line)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// EncodeIDs segments one line into piece ids (spm_encode
// --output_format=id).
func (m *Model) EncodeIDs(line string) []int {
	toks := m.encode(line)
	out := make([]int, len(toks))
	for i, t := range toks {
		out[i] = t.id
	}
	return out
}

// encode is SentencePieceProcessor::Encode: normalize, segment, then
// spell unknown pieces as bytes or merge runs of them.
func (m *Model) encode(line string) []token {
	if m.hf != nil {
		return m.hf.encode(line)
	}
	s := m.norm.normalize(line)
	if s == "" {
		return nil
	}
	var raw []token
	if m.kind == BPE {
		raw = m.encodeBPE(s)
	} else {
		raw = m.encodeUnigram(s)
	}
	out := make([]token, 0, len(raw))
	prevUnk := false
	for _, t := range raw {
		unk := t.id == m.unkID
		switch {
		case m.pieces[t.id].Type == Control:
		case unk && m.byteFallback:
			for i := 0; i < len(t.text); i++ {
				id := m.byteIDs[t.text[i]]
				out = append(out, token{m.pieces[id].Text, id})
			}
		case unk && prevUnk:
			out[len(out)-1].text += t.text
		default:
			out = append(out, t)
		}
		prevUnk = unk
	}
	return out
}

// encodeUnigram is unigram_model.cc's EncodeOptimized: the Viterbi path
// over all pieces found in the text, scores summed in float32, an
// unknown single character scored min_score - 10, ties kept by the first
// path found.
func (m *Model) encodeUnigram(s string) []token {
	type best struct {
		id    int
		score float32
		start int
	}
	n := len(s)
	ends := make([]best, n+1)
	for i := range ends {
		ends[i] = best{id: -1, start: -1}
	}
	unkScore := m.minScore - 10
	for start := 0; start < n; {
		here := ends[start].score
		single := false
		mblen := min(oneCharLen(s[start]), n-start)
		node := int32(0)
		for pos := start; pos < n; pos++ {
			node = m.trie.step(node, s[pos])
			if node < 0 {
				break
			}
			id := m.trie.id[node]
			if id < 0 || m.pieces[id].Type == Unused {
				continue
			}
			end, length := pos+1, pos+1-start
			score := m.pieces[id].Score
			if m.pieces[id].Type == UserDefined {
				score = float32(float64(length)*float64(m.maxScore) - 0.1)
			}
			cand := score + here
			if t := &ends[end]; t.start == -1 || cand > t.score {
				*t = best{int(id), cand, start}
			}
			if length == mblen {
				single = true
			}
		}
		if !single {
			cand := unkScore + here
			if t := &ends[start+mblen]; t.start == -1 || cand > t.score {
				*t = best{m.unkID, cand, start}
			}
		}
		start += mblen
	}
	var out []token
	for end := n; end > 0; end = ends[end].start {
		b := ends[end]
		out = append(out, token{s[b.start:end], b.id})
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// bpePair is a candidate merge of symbols left and right.
type bpePair struct {
	left, right int
	score       float32
	size        int
}

// bpeAgenda is a max-heap by score, then by leftmost position.
type bpeAgenda []bpePair

func (a bpeAgenda) before(i, j int) bool {
	return a[i].score > a[j].score || a[i].score == a[j].score && a[i].left < a[j].left
}

func (a *bpeAgenda) push(p bpePair) {
	*a = append(*a, p)
	h := *a
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.before(i, parent) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (a *bpeAgenda) pop() bpePair {
	h := *a
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, best := 2*i+1, 2*i+2, i
		if l < len(h) && h.before(l, best) {
			best = l
		}
		if r < len(h) && h.before(r, best) {
			best = r
		}
		if best == i {
			break
		}
		h[i], h[best] = h[best], h[i]
		i = best
	}
	*a = h
	return top
}

// encodeBPE is bpe_model.cc's Encode: start from characters (user-defined
// symbols whole and frozen), merge the adjacent pair whose union is the
// best-scoring piece until none is left, then split unused pieces back.
func (m *Model) encodeBPE(s string) []token {
	type symbol struct {
		prev, next int
		frozen     bool
		start, end int // bytes of s
	}
	var syms []symbol
	for i := 0; i < len(s); {
		l := userPrefix(s[i:], m.norm.user)
		frozen := l > 0
		if !frozen {
			l = min(oneCharLen(s[i]), len(s)-i)
		}
		syms = append(syms, symbol{prev: len(syms) - 1, next: len(syms) + 1, frozen: frozen, start: i, end: i + l})
		i += l
	}
	syms[len(syms)-1].next = -1
	var revMerge map[string][2]string
	agenda := make(bpeAgenda, 0, len(syms))
	add := func(l, r int) {
		if l < 0 || r < 0 || syms[l].frozen || syms[r].frozen {
			return
		}
		piece := s[syms[l].start:syms[r].end]
		id, ok := m.normal[piece]
		if !ok {
			return
		}
		agenda.push(bpePair{l, r, m.pieces[id].Score, len(piece)})
		if m.pieces[id].Type == Unused {
			if revMerge == nil {
				revMerge = map[string][2]string{}
			}
			revMerge[piece] = [2]string{s[syms[l].start:syms[l].end], s[syms[r].start:syms[r].end]}
		}
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for len(agenda) > 0 {
		top := agenda.pop()
		l, r := &syms[top.left], &syms[top.right]
		if l.start == l.end || r.start == r.end || (l.end-l.start)+(r.end-r.start) != top.size {
			continue
		}
		l.end = r.end
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = top.left
		}
		r.start, r.end = 0, 0
		add(l.prev, top.left)
		add(top.left, l.next)
	}
	var out []token
	var reseg func(w string)
	reseg = func(w string) {
		id := m.PieceToID(w)
		if m.pieces[id].Type != Unused {
			out = append(out, token{w, id})
			return
		}
		p, ok := revMerge[w]
		if !ok {
			out = append(out, token{w, id})
			return
		}
		reseg(p[0])
		reseg(p[1])
	}
	for i := 0; i != -1; i = syms[i].next {
		reseg(s[syms[i].start:syms[i].end])
	}
	return out
}

// Decode joins pieces back into text, as spm_decode does: ▁ becomes a
// space, the first one is dropped, byte pieces become bytes (U+FFFD for a
// byte that starts no valid character), the <unk> piece becomes the
// model's unknown surface ( ⁇ ) and other unknown pieces stay as they
// are.
//
// A tokenizer.json model decodes with its own decoder, special tokens
// left out; a piece not in its vocabulary is its unknown token, or left
// out when it has none.
func (m *Model) Decode(pieces []string) string {
	if m.hf != nil {
		return m.hf.decode(m.hf.pieceIDs(pieces))
	}
	ids := make([]int, len(pieces))
	for i, p := range pieces {
		ids[i] = m.PieceToID(p)
	}
	return m.decode(pieces, ids)
}

// DecodeIDs is Decode for piece ids; it fails on an id out of range.
func (m *Model) DecodeIDs(ids []int) (string, error) {
	if m.hf != nil {
		for _, id := range ids {
			if id < 0 || id >= len(m.hf.pieces) {
				return "", fmt.Errorf("spm: id %d out of range [0, %d)", id, len(m.hf.pieces))
			}
		}
		return m.hf.decode(ids), nil
	}
	pieces := make([]string, len(ids))
	for i, id := range ids {
		if id < 0 || id >= len(m.pieces) {
			return "", fmt.Errorf("spm: id %d out of range [0, %d)", id, len(m.pieces))
		}
		pieces[i] = m.pieces[id].Text
	}
	return m.decode(pieces, ids), nil
}

func (m *Model) decode(pieces []string, ids []int) string {
	var b strings.Builder
	bosSpace := true // a leading ▁ may still be dropped
	bosSeen := false
	var bytes []byte
	flush := func() {
		for len(bytes) > 0 {
			r, size := decodeRune(bytes)
			if r < 0 {
				b.WriteString("\uFFFD")
				bytes = bytes[1:]
				continue
			}
			b.Write(bytes[:size])
			bytes = bytes[size:]
		}
	}
	for i, p := range pieces {
		id := ids[i]
		t := m.pieces[id].Type
		if t == Byte {
			c, _ := strconv.ParseUint(p[3:5], 16, 8)
			bytes = append(bytes, byte(c))
			continue
		}
		flush()
		if bosSeen || b.Len() > 0 {
			bosSpace = false
		}
		var text string
		bosSeen = false
		switch {
		case t == Control:
		case id == m.unkID && m.pieces[id].Text == p:
			text = m.unkSurface
		case id == m.unkID:
			text = p
		default:
			if bosSpace && (m.norm.addDummyPrefix || m.norm.removeExtraSpaces) {
				if q, ok := strings.CutPrefix(p, spaceSymbol); ok {
					p, bosSeen = q, !m.norm.removeExtraSpaces
				}
			}
			text = strings.ReplaceAll(p, spaceSymbol, " ")
		}
		b.WriteString(text)
	}
	flush()
	return b.String()
}

// SplitPieces splits a line of pieces as spm_decode reads it: at single
// spaces, empty fields dropped (a piece may hold a tab or a no-break
// space).
func SplitPieces(line string) []string {
	f := strings.Split(line, " ")
	out := f[:0]
	for _, p := range f {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
