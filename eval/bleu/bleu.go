package bleu

import (
	"fmt"
	"strconv"
	"strings"
)

// BLEU scores hypotheses against references that it has tokenized once,
// so that several systems can be scored against the same references.
type BLEU struct {
	cfg Config
	tok tokenizer
	// vocab[i/chunk] maps the reference tokens of segment i to ids; one
	// map per chunk of segments, built in parallel, read-only after New.
	vocab []map[string]uint32
	chunk int
	refs  []refSegment
	nrefs string
}

// refSegment holds the token ids of the non-empty references of one
// segment.
type refSegment struct {
	ids [][]uint32
}

// oov is the id of every hypothesis token that no reference has. Such
// tokens never match, so they need not be told apart.
const oov = ^uint32(0)

// New prepares BLEU for the reference streams refs: refs[k][i] is the k-th
// reference of segment i. An empty reference is a reference of length 0
// with no n-grams, as in sacreBLEU (since 2.2).
func New(refs [][]string, cfg Config) (*BLEU, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tok, _ := newTokenizer(cfg.tokenizer())
	b := &BLEU{cfg: cfg, tok: tok}
	segs, err := collectRefs(refs)
	if err != nil {
		return nil, err
	}
	b.nrefs = strconv.Itoa(len(refs))
	b.refs, b.chunk = make([]refSegment, len(segs)), chunkSize(len(segs))
	b.vocab = make([]map[string]uint32, (len(segs)+b.chunk-1)/b.chunk)
	parallel(len(segs), func(lo, hi int, _ *scratch) {
		ar := new(arena) // the reference tokens live as long as b
		vocab := make(map[string]uint32, 16*(hi-lo))
		var toks []string
		for i := lo; i < hi; i++ {
			b.refs[i].ids = make([][]uint32, len(segs[i]))
			for k, r := range segs[i] {
				toks = b.preprocess(toks[:0], r, ar)
				ids := make([]uint32, len(toks))
				for j, t := range toks {
					id, ok := vocab[t]
					if !ok {
						id = uint32(len(vocab))
						vocab[t] = id
					}
					ids[j] = id
				}
				b.refs[i].ids[k] = ids
			}
		}
		b.vocab[lo/b.chunk] = vocab
	})
	return b, nil
}

// collectRefs transposes reference streams into per-segment lists of
// references.
func collectRefs(refs [][]string) ([][]string, error) {
	if len(refs) == 0 {
		return nil, fmt.Errorf("bleu: no references")
	}
	segs := make([][]string, len(refs[0]))
	for k, r := range refs {
		if len(r) != len(segs) {
			return nil, fmt.Errorf("bleu: reference stream %d has %d segments, stream 1 has %d", k+1, len(r), len(segs))
		}
		for i, line := range r {
			segs[i] = append(segs[i], line)
		}
	}
	return segs, nil
}

// preprocess lowercases (optionally), strips trailing whitespace and
// tokenizes, like sacreBLEU's BLEU._preprocess_segment, appending the
// tokens to dst.
func (b *BLEU) preprocess(dst []string, s string, ar *arena) []string {
	if b.cfg.Lowercase {
		s = pyLower(s)
	}
	return b.tok.tokens(dst, pyRstrip(s), ar)
}

// Len returns the number of segments.
func (b *BLEU) Len() int { return len(b.refs) }

// Signature returns the signature of scores computed by b.
func (b *BLEU) Signature() Signature { return b.cfg.signature(b.nrefs) }

// Name returns "BLEU".
func (b *BLEU) Name() string { return "BLEU" }

// Stats returns the statistics of every segment of hyps.
func (b *BLEU) Stats(hyps []string) ([]Stats, error) {
	if len(hyps) != len(b.refs) {
		return nil, fmt.Errorf("bleu: %d hypotheses for %d reference segments", len(hyps), len(b.refs))
	}
	out := make([]Stats, len(hyps))
	parallel(len(hyps), func(lo, hi int, s *scratch) {
		for i := lo; i < hi; i++ {
			out[i] = b.segment(s, i, hyps[i])
		}
	})
	return out, nil
}

// segment computes the statistics of one hypothesis.
func (b *BLEU) segment(s *scratch, seg int, hyp string) Stats {
	ref := &b.refs[seg]
	s.arena.reset() // the previous segment's tokens are no longer used
	s.words = b.preprocess(s.words[:0], hyp, &s.arena)
	s.hypUni = resize(s.hypUni, len(s.words))
	vocab := b.vocab[seg/b.chunk]
	for j, w := range s.words {
		id, ok := vocab[w]
		if !ok {
			id = oov
		}
		s.hypUni[j] = id
	}
	s.hypPrev = resize(s.hypPrev, len(s.hypUni))
	var lens [8]int
	refLens := lens[:0]
	for _, ids := range ref.ids {
		refLens = append(refLens, len(ids))
	}
	prev := seqs(&s.refPrev, refLens...)
	alive := seqsBool(&s.refAlive, refLens...)
	s.hypAlive = resizeBool(s.hypAlive, len(s.hypUni))
	st := Stats{HypLen: len(s.hypUni), RefLen: closestRefLen(len(s.hypUni), refLens)}
	for n := 1; n <= MaxOrder; n++ {
		st.Total[n-1] = nOf(st.HypLen, n)
	}
	t := &s.table
	// cands: candidate n-grams of the current order, hypothesis first.
	var candBuf [9]int
	cands := append(candBuf[:0], st.HypLen)
	cands = append(cands, refLens...)
	for n := 1; n <= MaxOrder && n <= st.HypLen; n++ {
		size := 0
		for _, c := range cands {
			size += c
		}
		if size == 0 || cands[0] == 0 {
			break // no hypothesis n-gram can match
		}
		t.reset(size)
		for k, ids := range ref.ids {
			t.addRef(ids, prev[k], alive[k], n, int32(k))
		}
		st.Correct[n-1] = t.addHyp(s.hypUni, s.hypPrev, s.hypAlive, n)
		if n == MaxOrder {
			break
		}
		cands[0] = t.markAlive(s.hypPrev, s.hypAlive, st.HypLen, n)
		for k, l := range refLens {
			cands[k+1] = t.markAlive(prev[k], alive[k], l, n)
		}
	}
	return st
}

// Score computes BLEU from summed statistics.
func (b *BLEU) Score(s Stats) Score {
	sc := b.cfg.compute(s)
	sc.Signature = b.Signature()
	return sc
}

// Corpus computes corpus BLEU for hyps.
func (b *BLEU) Corpus(hyps []string) (Score, error) {
	st, err := b.Stats(hyps)
	if err != nil {
		return Score{}, err
	}
	var sum Stats
	for _, s := range st {
		sum.Add(s)
	}
	return b.Score(sum), nil
}

// Corpus computes corpus BLEU of hyps against the reference streams refs
// (refs[k][i] is the k-th reference of segment i).
func Corpus(hyps []string, refs [][]string, cfg Config) (Score, error) {
	b, err := New(refs, cfg)
	if err != nil {
		return Score{}, err
	}
	return b.Corpus(hyps)
}

// Sentence computes BLEU for one hypothesis against its references, as
// sacreBLEU's sentence_score does. Use SentenceConfig for sacreBLEU's
// sentence_bleu defaults.
func Sentence(hyp string, refs []string, cfg Config) (Score, error) {
	streams := make([][]string, len(refs))
	for k, r := range refs {
		streams[k] = []string{r}
	}
	return Corpus([]string{hyp}, streams, cfg)
}

// Tokenize returns the tokens BLEU counts for s under cfg (lowercasing
// included), joined by spaces.
func Tokenize(s string, cfg Config) (string, error) {
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	b := &BLEU{cfg: cfg}
	b.tok, _ = newTokenizer(cfg.tokenizer())
	return strings.Join(b.preprocess(nil, s, nil), " "), nil
}
