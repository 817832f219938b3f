package bleu

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// CHRF scores hypotheses with chrF or chrF++ against references prepared
// once.
type CHRF struct {
	cfg   CHRFConfig
	refs  [][]chrfRef
	vocab map[string]uint32 // reference word -> id (chrF++); read-only after NewCHRF
	nrefs string
}

// chrfRef is one reference of one segment, ready for matching.
type chrfRef struct {
	chars []uint32 // code points, whitespace removed unless cfg.Whitespace
	words []uint32 // chrF++ word ids, punctuation split off
}

// CHRFScore is a chrF score.
type CHRFScore struct {
	Name      string // "chrF2", "chrF2++"
	Score     float64
	Signature Signature
	Mean, CI  float64 // bootstrap estimate, printed when Mean > 0
}

// Line returns the printable form of s.
func (s CHRFScore) Line() Line {
	return Line{Name: s.Name, Score: s.Score, Mean: s.Mean, CI: s.CI, Signature: s.Signature}
}

// String returns sacreBLEU's score line with two decimals.
func (s CHRFScore) String() string { return s.Line().Text(2, false) }

// NewCHRF prepares chrF for the reference streams refs (refs[k][i] is the
// k-th reference of segment i); an empty reference has no n-grams.
func NewCHRF(refs [][]string, cfg CHRFConfig) (*CHRF, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	segs, err := collectRefs(refs)
	if err != nil {
		return nil, err
	}
	c := &CHRF{cfg: cfg, nrefs: strconv.Itoa(len(refs)), refs: make([][]chrfRef, len(segs))}
	words := make([][][]string, len(segs))
	parallel(len(segs), func(lo, hi int, _ *scratch) {
		for i := lo; i < hi; i++ {
			rs := make([]chrfRef, len(segs[i]))
			words[i] = make([][]string, len(segs[i]))
			for k, r := range segs[i] {
				r = c.preprocess(r)
				rs[k].chars = c.chars(nil, r)
				if cfg.WordOrder > 0 {
					words[i][k] = splitPunct(nil, r)
				}
			}
			c.refs[i] = rs
		}
	})
	if cfg.WordOrder > 0 {
		c.vocab = make(map[string]uint32)
		for i, seg := range words {
			for k, ws := range seg {
				ids := make([]uint32, len(ws))
				for j, w := range ws {
					id, ok := c.vocab[w]
					if !ok {
						id = uint32(len(c.vocab))
						c.vocab[w] = id
					}
					ids[j] = id
				}
				c.refs[i][k].words = ids
			}
		}
	}
	return c, nil
}

func (c *CHRF) preprocess(s string) string {
	if c.cfg.Lowercase {
		return pyLower(s)
	}
	return s
}

// chars appends the characters (code points) of s that chrF counts.
func (c *CHRF) chars(dst []uint32, s string) []uint32 {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < utf8.RuneSelf {
			if c.cfg.Whitespace || !asciiSpace[b] {
				dst = append(dst, uint32(b))
			}
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if c.cfg.Whitespace || !isPySpace(r) {
			dst = append(dst, uint32(r))
		}
		i += w - 1
	}
	return dst
}

// punctuation is Python's string.punctuation.
const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

func isPunctByte(c byte) bool {
	for i := 0; i < len(punctuation); i++ {
		if punctuation[i] == c {
			return true
		}
	}
	return false
}

// splitPunct splits s into chrF++ words: whitespace-separated words of
// more than one character lose a final punctuation mark, or else an
// initial one, as separate words. "(hi)" becomes "(hi" and ")".
func splitPunct(dst []string, s string) []string {
	for _, w := range pyFields(nil, s) {
		if utf8.RuneCountInString(w) == 1 {
			dst = append(dst, w)
			continue
		}
		if last := w[len(w)-1]; isPunctByte(last) {
			dst = append(dst, w[:len(w)-1], w[len(w)-1:])
		} else if isPunctByte(w[0]) {
			dst = append(dst, w[:1], w[1:])
		} else {
			dst = append(dst, w)
		}
	}
	return dst
}

// Len returns the number of segments.
func (c *CHRF) Len() int { return len(c.refs) }

// Name returns "chrF2" or "chrF2++" and so on.
func (c *CHRF) Name() string { return c.cfg.Name() }

// Signature returns the signature of scores computed by c.
func (c *CHRF) Signature() Signature { return c.cfg.signature(c.nrefs) }

// width is the number of statistics per segment.
func (c *CHRF) width() int { return 3 * (c.cfg.CharOrder + c.cfg.WordOrder) }

// Stats returns the statistics of every segment of hyps: for each segment
// those against the reference with the best chrF (the first on ties).
func (c *CHRF) Stats(hyps []string) ([]CHRFStats, error) {
	if len(hyps) != len(c.refs) {
		return nil, fmt.Errorf("bleu: %d hypotheses for %d reference segments", len(hyps), len(c.refs))
	}
	w := c.width()
	flat := make([]int64, w*len(hyps))
	parallel(len(hyps), func(lo, hi int, s *scratch) {
		for i := lo; i < hi; i++ {
			c.segment(s, hyps[i], c.refs[i], flat[i*w:(i+1)*w])
		}
	})
	out := make([]CHRFStats, len(hyps))
	ints := make([]int, len(flat))
	for i, v := range flat {
		ints[i] = int(v)
	}
	for i := range out {
		out[i] = CHRFStats(ints[i*w : (i+1)*w : (i+1)*w])
	}
	return out, nil
}

// segment writes the statistics of hyp against its best reference to dst.
func (c *CHRF) segment(s *scratch, hyp string, refs []chrfRef, dst []int64) {
	hyp = c.preprocess(hyp)
	s.hypChars = c.chars(s.hypChars[:0], hyp)
	if c.cfg.WordOrder > 0 {
		s.words = splitPunct(s.words[:0], hyp)
		s.hypWords = resize(s.hypWords, len(s.words))
		for j, w := range s.words {
			id, ok := c.vocab[w]
			if !ok {
				id = oov
			}
			s.hypWords[j] = id
		}
	}
	if len(refs) == 1 {
		c.match(s, &refs[0], dst)
		return
	}
	var tmp [3 * 10]int64
	cur := tmp[:len(dst)]
	best := -1.0
	for k := range refs {
		clear(cur)
		c.match(s, &refs[k], cur)
		if f := c.cfg.fscore(cur); f > best {
			best = f
			copy(dst, cur)
		}
	}
}

// match writes the [hyp, ref, match] counts of every order for the
// hypothesis in s against ref.
func (c *CHRF) match(s *scratch, ref *chrfRef, dst []int64) {
	nc := c.cfg.CharOrder
	c.orders(s, ref.chars, s.hypChars, nc, dst)
	if c.cfg.WordOrder > 0 {
		c.orders(s, ref.words, s.hypWords, c.cfg.WordOrder, dst[3*nc:])
	}
}

// orders counts the n-grams of orders 1..maxN of ref against those of
// hyp (unigram ids), writing [hyp, ref, match] triples to dst.
func (c *CHRF) orders(s *scratch, ref, hyp []uint32, maxN int, dst []int64) {
	t := &s.table
	rp := seqs(&s.refPrev, len(ref))[0]
	ra := seqsBool(&s.refAlive, len(ref))[0]
	s.hypPrev = resize(s.hypPrev, len(hyp))
	s.hypAlive = resizeBool(s.hypAlive, len(hyp))
	candRef, candHyp := len(ref), len(hyp) // candidate n-grams of the current order
	for n := 1; n <= maxN; n++ {
		nRef, nHyp := nOf(len(ref), n), nOf(len(hyp), n)
		m := 0
		if candRef > 0 && candHyp > 0 {
			t.reset(candRef + candHyp)
			t.addRef(ref, rp, ra, n, 0)
			m = t.addHyp(hyp, s.hypPrev, s.hypAlive, n)
			if n < maxN {
				candHyp = t.markAlive(s.hypPrev, s.hypAlive, len(hyp), n)
				candRef = t.markAlive(rp, ra, len(ref), n)
			}
		}
		setTriple(dst[3*(n-1):], int64(nHyp), int64(nRef), int64(m))
	}
}

// setTriple stores one order's counts. sacreBLEU reports a hypothesis
// count of 0 when the reference has no n-gram of that order.
func setTriple(dst []int64, nHyp, nRef, nMatch int64) {
	if nRef == 0 {
		nHyp = 0
	}
	dst[0], dst[1], dst[2] = nHyp, nRef, nMatch
}

// Score computes chrF from summed statistics.
func (c *CHRF) Score(st CHRFStats) CHRFScore {
	v := make([]int64, len(st))
	for i, x := range st {
		v[i] = int64(x)
	}
	return CHRFScore{Name: c.Name(), Score: c.cfg.fscore(v), Signature: c.Signature()}
}

// Corpus computes corpus chrF for hyps.
func (c *CHRF) Corpus(hyps []string) (CHRFScore, error) {
	st, err := c.Stats(hyps)
	if err != nil {
		return CHRFScore{}, err
	}
	sum := make(CHRFStats, c.width())
	for _, s := range st {
		sum.Add(s)
	}
	return c.Score(sum), nil
}

// CorpusCHRF computes corpus chrF of hyps against the reference streams
// refs.
func CorpusCHRF(hyps []string, refs [][]string, cfg CHRFConfig) (CHRFScore, error) {
	c, err := NewCHRF(refs, cfg)
	if err != nil {
		return CHRFScore{}, err
	}
	return c.Corpus(hyps)
}

// SentenceCHRF computes chrF for one hypothesis against its references.
func SentenceCHRF(hyp string, refs []string, cfg CHRFConfig) (CHRFScore, error) {
	streams := make([][]string, len(refs))
	for k, r := range refs {
		streams[k] = []string{r}
	}
	return CorpusCHRF([]string{hyp}, streams, cfg)
}
