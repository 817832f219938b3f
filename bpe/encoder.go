package bpe

import (
	"hash/maphash"
	"strings"
	"sync"
)

// EncoderOptions configures NewEncoderWith; the zero value gives
// apply_bpe.py's defaults.
type EncoderOptions struct {
	// Separator ends every piece of a word but the last; the default is
	// "@@", so pieces read "low@@ est".
	Separator string
	// Vocabulary, if not empty, lists the pieces allowed in the output
	// (as ReadVocabulary returns them, for apply_bpe.py's --vocabulary and
	// --vocabulary-threshold): a piece not in it, with the separator where
	// it is not word-final, is split back by undoing merges until its parts
	// are in it or are single characters. An empty vocabulary filters
	// nothing, as in apply_bpe.py.
	Vocabulary map[string]bool
	// Glossaries are regular expressions (Go syntax, matched against whole
	// words or parts of words) for text never to split or merge
	// (apply_bpe.py's --glossaries): a word matching one is kept whole, and
	// a match inside a word becomes a piece of its own.
	Glossaries []string
}

// An Encoder segments tokenized text with a list of merges, as
// subword-nmt's apply_bpe.py does. It keeps the segmentation of each word
// it has seen, so repeated words cost a lookup. It is safe for concurrent
// use.
type Encoder struct {
	v01   bool // version 0.1 codes: "</w>" is a symbol of its own
	sep   string
	symID map[string]int32 // every symbol of the codes
	final map[string]int32 // symbols ending in "</w>", by the text before it
	ascii [2][128]int32    // ids of one-byte symbols: [0] inner, [1] final (v0.2)
	eow   int32            // id of "</w>" (v0.1), or -1

	rank        map[uint64]int32 // pair of symbol ids -> rank of its first merge
	left, right []int32          // by rank: the pair's symbols
	merged      []int32          // by rank: the merged symbol
	rev         map[string]Pair  // merged string -> the pair that made it (vocabulary)

	vocab map[string]bool
	gloss *glossaries
	cache wordCache
}

// NewEncoder returns an Encoder with apply_bpe.py's defaults: separator
// "@@", no vocabulary, no glossaries.
func NewEncoder(c *Codes) *Encoder {
	e, err := NewEncoderWith(c, EncoderOptions{})
	if err != nil {
		panic(err) // cannot happen without glossaries
	}
	return e
}

// NewEncoderWith returns an Encoder with options; it fails only on a bad
// glossary.
func NewEncoderWith(c *Codes, opt EncoderOptions) (*Encoder, error) {
	e := &Encoder{
		v01:   c.Version == "0.1",
		sep:   opt.Separator,
		symID: map[string]int32{},
		final: map[string]int32{},
		rank:  make(map[uint64]int32, len(c.Merges)),
		rev:   map[string]Pair{},
		vocab: opt.Vocabulary,
		eow:   -1,
	}
	e.cache.seed = maphash.MakeSeed()
	if e.sep == "" {
		e.sep = "@@"
	}
	for i := range e.ascii {
		for k := range e.ascii[i] {
			e.ascii[i][k] = -1
		}
	}
	if len(opt.Glossaries) > 0 {
		g, err := newGlossaries(opt.Glossaries)
		if err != nil {
			return nil, err
		}
		e.gloss = g
	}
	for r, p := range c.Merges {
		a, b := e.intern(p.Left), e.intern(p.Right)
		e.left = append(e.left, a)
		e.right = append(e.right, b)
		e.merged = append(e.merged, e.intern(p.Left+p.Right))
		k := pairKey(a, b)
		if _, dup := e.rank[k]; !dup {
			e.rank[k] = int32(r)
		}
	}
	e.buildReverse(c.Merges)
	if id, ok := e.symID[endOfWord]; ok && e.v01 {
		e.eow = id
	}
	return e, nil
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func (e *Encoder) intern(s string) int32 {
	if id, ok := e.symID[s]; ok {
		return id
	}
	id := int32(len(e.symID))
	e.symID[s] = id
	if t, ok := strings.CutSuffix(s, endOfWord); ok && t != "" {
		e.final[t] = id
		if len(t) == 1 && t[0] < 128 {
			e.ascii[1][t[0]] = id
		}
	}
	if len(s) == 1 && s[0] < 128 {
		e.ascii[0][s[0]] = id
	}
	return id
}

// buildReverse maps each merged string to the merge that makes it, for
// undoing merges. Where two merges make the same string, apply_bpe.py's
// dictionaries keep the one whose last occurrence in the file comes first.
func (e *Encoder) buildReverse(merges []Pair) {
	last := map[Pair]int{}
	for i, p := range merges {
		last[p] = i
	}
	at := map[string]int{}
	for p, i := range last {
		s := p.Left + p.Right
		if j, ok := at[s]; !ok || i < j {
			at[s] = i
			e.rev[s] = p
		}
	}
}

// Apply segments a line of tokenized text: words are split at ASCII
// spaces, runs of spaces between words become one, and leading and
// trailing runs of ' ', '\r' and '\n' are kept as they are (apply_bpe.py's
// process_line). The pieces of a word are joined by the separator and a
// space: "low@@ est". Characters the codes never saw stay single pieces;
// text that is not valid UTF-8 is split into its bytes there.
func (e *Encoder) Apply(line string) string {
	lead := len(line) - len(strings.TrimLeft(line, "\r\n "))
	if lead == len(line) {
		return line
	}
	trail := len(line) - len(strings.TrimRight(line, "\r\n "))
	body := line[lead : len(line)-trail]
	var b strings.Builder
	b.Grow(len(line) + len(line)/2)
	b.WriteString(line[:lead])
	first := true
	for len(body) > 0 {
		var w string
		w, body, _ = strings.Cut(body, " ")
		if w == "" {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(e.word(w))
	}
	b.WriteString(line[len(line)-trail:])
	return b.String()
}

// Segment returns the pieces of one word, the separator attached to all
// but the last.
func (e *Encoder) Segment(word string) []string {
	if word == "" {
		return nil
	}
	return strings.Split(e.word(word), " ")
}

// word returns the segmented word, its pieces joined by separator and
// space.
func (e *Encoder) word(w string) string {
	if s, ok := e.cache.get(w); ok {
		return s
	}
	var units []string
	if e.gloss != nil {
		for _, seg := range e.gloss.isolate(w) {
			units = e.encode(seg, units)
		}
	} else {
		units = e.encode(w, units)
	}
	var b strings.Builder
	for i, u := range units {
		if i > 0 {
			b.WriteString(e.sep)
			b.WriteByte(' ')
		}
		b.WriteString(u)
	}
	s := b.String()
	e.cache.put(strings.Clone(w), s)
	return s
}

// wordCache maps words to their segmentation; it is sharded to keep
// concurrent Apply calls from waiting on one lock.
type wordCache struct {
	seed   maphash.Seed
	shards [32]struct {
		sync.RWMutex
		m map[string]string
	}
}

func (c *wordCache) shard(w string) int {
	return int(maphash.String(c.seed, w) % uint64(len(c.shards)))
}

func (c *wordCache) get(w string) (string, bool) {
	s := &c.shards[c.shard(w)]
	s.RLock()
	v, ok := s.m[w]
	s.RUnlock()
	return v, ok
}

func (c *wordCache) put(w, v string) {
	s := &c.shards[c.shard(w)]
	s.Lock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[w] = v
	s.Unlock()
}
