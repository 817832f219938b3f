package bleu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TERConfig holds the TER settings; each one appears in the signature.
// The zero value is sacreBLEU's default (Tercom's): lowercased, no
// normalisation, punctuation kept.
type TERConfig struct {
	// Normalized tokenizes punctuation and undoes XML escapes, as
	// Tercom's -N (--ter-normalized).
	Normalized bool
	// NoPunct removes punctuation (--ter-no-punct).
	NoPunct bool
	// AsianSupport splits CJK characters (with Normalized) and removes
	// CJK punctuation (with NoPunct) (--ter-asian-support).
	AsianSupport bool
	// CaseSensitive keeps case (--ter-case-sensitive).
	CaseSensitive bool
	// Version is the version field of the signature; "" means
	// DefaultVersion.
	Version string
}

// DefaultTERConfig returns sacreBLEU's TER defaults.
func DefaultTERConfig() TERConfig { return TERConfig{} }

// terShortKeys are sacreBLEU's TER abbreviations for --short signatures.
var terShortKeys = map[string]string{
	"version": "v", "nrefs": "#", "bs": "bs", "ar": "ar", "seed": "rs",
	"case": "c", "tok": "t", "norm": "nr", "punct": "pn", "asian": "as",
}

func (c TERConfig) signature(nrefs string) Signature {
	s := Signature{short: terShortKeys}
	s.set("nrefs", nrefs)
	cs := "lc"
	if c.CaseSensitive {
		cs = "mixed"
	}
	s.set("case", cs)
	s.set("tok", "tercom")
	s.set("norm", yesNo(c.Normalized))
	s.set("punct", yesNo(!c.NoPunct))
	s.set("asian", yesNo(c.AsianSupport))
	s.set("version", versionOr(c.Version))
	return s
}

// TER scores hypotheses with the translation edit rate against
// references prepared once. Its segment statistics are the number of
// edits and the reference length; with several references a segment
// counts the fewest edits and the mean reference length.
type TER struct {
	cfg   TERConfig
	refs  [][][]string // segment -> reference -> words
	nrefs string
	scale int64 // lcm of the reference counts: lengths are kept as sum*scale/count
}

// TERScore is a TER score: 100 * edits / reference length.
type TERScore struct {
	Score     float64
	NumEdits  int
	RefLength float64
	Signature Signature
	Mean, CI  float64 // bootstrap estimate, printed when Mean > 0
}

// Line returns the printable form of s.
func (s TERScore) Line() Line {
	return Line{Name: "TER", Score: s.Score, Mean: s.Mean, CI: s.CI, Signature: s.Signature}
}

// String returns sacreBLEU's score line with two decimals.
func (s TERScore) String() string { return s.Line().Text(2, false) }

// NewTER prepares TER for the reference streams refs (refs[k][i] is the
// k-th reference of segment i). An empty reference is scored, as
// sacreBLEU scores it: every hypothesis word is an edit.
func NewTER(refs [][]string, cfg TERConfig) (*TER, error) {
	segs, err := collectRefs(refs)
	if err != nil {
		return nil, err
	}
	t := &TER{cfg: cfg, nrefs: strconv.Itoa(len(refs)), refs: make([][][]string, len(segs)), scale: 1}
	for i, rs := range segs {
		t.scale = lcm(t.scale, int64(len(rs)))
		t.refs[i] = make([][]string, len(rs))
		for k, r := range rs {
			// sacreBLEU preprocesses a reference twice: once when it
			// caches the references, again when TER splits them.
			r = cfg.tokenize(pyRstrip(cfg.tokenize(pyRstrip(r))))
			t.refs[i][k] = pyFields(nil, r)
		}
	}
	return t, nil
}

func lcm(a, b int64) int64 {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// Name returns "TER".
func (t *TER) Name() string { return "TER" }

// Signature returns the signature of scores computed by t.
func (t *TER) Signature() Signature { return t.cfg.signature(t.nrefs) }

// Len returns the number of segments.
func (t *TER) Len() int { return len(t.refs) }

// Matrix returns per-segment statistics: the fewest edits over the
// references, and the summed reference lengths times scale/count.
func (t *TER) Matrix(hyps []string) (Matrix, error) {
	if len(hyps) != len(t.refs) {
		return Matrix{}, fmt.Errorf("bleu: %d hypotheses for %d reference segments", len(hyps), len(t.refs))
	}
	m := Matrix{Width: 2, Data: make([]int64, 2*len(hyps))}
	parallel(len(hyps), func(lo, hi int, _ *scratch) {
		for i := lo; i < hi; i++ {
			words := pyFields(nil, t.cfg.tokenize(pyRstrip(hyps[i])))
			best, refLen := int64(1e16), int64(0)
			for _, ref := range t.refs[i] {
				e, n := terEdits(words, ref)
				refLen += int64(n)
				best = min(best, int64(e))
			}
			m.Data[2*i] = best
			m.Data[2*i+1] = refLen * (t.scale / int64(len(t.refs[i])))
		}
	})
	return m, nil
}

// score turns summed statistics into a TERScore.
func (t *TER) score(sum []int64) TERScore {
	return t.scoreOf(sum[0], float64(sum[1])/float64(t.scale))
}

// corpus is the TERScore of x as sacreBLEU sums its segment statistics:
// the mean reference lengths of the segments as float64, one after the
// other (with 3 references they are not exact).
func (t *TER) corpus(x Matrix) TERScore {
	edits, refLen := int64(0), 0.0
	for i := 0; i < len(x.Data); i += 2 {
		edits += x.Data[i]
		refLen += float64(x.Data[i+1]) / float64(t.scale)
	}
	return t.scoreOf(edits, refLen)
}

func (t *TER) scoreOf(edits int64, refLen float64) TERScore {
	var s float64
	switch {
	case refLen > 0:
		s = float64(edits) / refLen
	case edits > 0:
		s = 1 // empty references and a non-empty hypothesis
	}
	return TERScore{Score: 100 * s, NumEdits: int(edits), RefLength: refLen, Signature: t.Signature()}
}

// ScoreVec returns the score of summed statistics.
func (t *TER) ScoreVec(sum []int64) float64 { return t.score(sum).Score }

// Float32 returns the statistics of x as sacreBLEU's float32 array holds
// them: the edits, and the mean reference length (a float64, then
// rounded to float32).
func (t *TER) Float32(x Matrix) []float32 {
	f := make([]float32, len(x.Data))
	for i := 0; i < len(f); i += 2 {
		f[i] = float32(x.Data[i])
		f[i+1] = float32(float64(x.Data[i+1]) / float64(t.scale))
	}
	return f
}

// ScoreFloat32 returns TER for statistics summed in float32: numpy divides
// them in float32.
func (t *TER) ScoreFloat32(sum []float32) float64 {
	var s float64
	switch {
	case sum[1] > 0:
		s = float64(sum[0] / sum[1])
	case sum[0] > 0:
		s = 1
	}
	return 100 * s
}

// Line returns the printable corpus score of x.
func (t *TER) Line(x Matrix) Line { return t.corpus(x).Line() }

// Corpus computes corpus TER for hyps.
func (t *TER) Corpus(hyps []string) (TERScore, error) {
	m, err := t.Matrix(hyps)
	if err != nil {
		return TERScore{}, err
	}
	return t.corpus(m), nil
}

// CorpusTER computes corpus TER of hyps against the reference streams
// refs.
func CorpusTER(hyps []string, refs [][]string, cfg TERConfig) (TERScore, error) {
	t, err := NewTER(refs, cfg)
	if err != nil {
		return TERScore{}, err
	}
	return t.Corpus(hyps)
}

// SentenceTER computes TER for one hypothesis against its references.
func SentenceTER(hyp string, refs []string, cfg TERConfig) (TERScore, error) {
	streams := make([][]string, len(refs))
	for k, r := range refs {
		streams[k] = []string{r}
	}
	return CorpusTER([]string{hyp}, streams, cfg)
}

// Tercom's tokenizer, as sacreBLEU's tokenizer_ter.py writes it.
var (
	terWestern = []struct {
		re   *regexp.Regexp
		repl string
	}{
		{regexp.MustCompile(`([{-~\[-` + "`" + ` -&(-+:-@/])`), " $1 "},
		{regexp.MustCompile(`'s `), " 's "},
		{regexp.MustCompile(`'s$`), " 's"},
		{regexp.MustCompile(`([^0-9])([\.,])`), "$1 $2 "},
		{regexp.MustCompile(`([\.,])([^0-9])`), " $1 $2"},
		{regexp.MustCompile(`([0-9])(-)`), "$1 $2 "},
	}
	terAsian = []*regexp.Regexp{
		regexp.MustCompile(`([\x{4e00}-\x{9fff}\x{3400}-\x{4dbf}])`),
		regexp.MustCompile(`([\x{31c0}-\x{31ef}\x{2e80}-\x{2eff}])`),
		regexp.MustCompile(`([\x{3300}-\x{33ff}\x{f900}-\x{faff}\x{fe30}-\x{fe4f}])`),
		regexp.MustCompile(`([\x{3200}-\x{3f22}])`),
	}
	terAsianPunct = regexp.MustCompile(`([\x{3001}\x{3002}\x{3008}-\x{3011}\x{3014}-\x{301f}\x{ff61}-\x{ff65}\x{30fb}])`)
	terFullWidth  = regexp.MustCompile(`([\x{ff0e}\x{ff0c}\x{ff1f}\x{ff1a}\x{ff1b}\x{ff01}\x{ff02}\x{ff08}\x{ff09}])`)
	terPunct      = regexp.MustCompile(`[\.,\?:;!"\(\)]`)
)

// tokenize is sacreBLEU's TercomTokenizer.__call__.
func (c TERConfig) tokenize(s string) string {
	if s == "" {
		return ""
	}
	if !c.CaseSensitive {
		s = pyLower(s)
	}
	if c.Normalized {
		s = strings.ReplaceAll(s, "\n-", "")
		s = strings.ReplaceAll(s, "\n", " ")
		s = strings.ReplaceAll(s, "&quot;", `"`)
		s = strings.ReplaceAll(s, "&amp;", "&")
		s = strings.ReplaceAll(s, "&lt;", "<")
		s = strings.ReplaceAll(s, "&gt;", ">")
		s = " " + s + " "
		for _, r := range terWestern {
			s = r.re.ReplaceAllString(s, r.repl)
		}
		if c.AsianSupport {
			for _, re := range terAsian {
				s = re.ReplaceAllString(s, " $1 ")
			}
			// tokenizer_ter.py's three kana rules are left out: they are
			// anchored at the start of the sentence with ^ on both sides
			// of the run, and the normalised sentence starts with a
			// space, so they never match.
			s = terAsianPunct.ReplaceAllString(s, " $1 ")
			s = terFullWidth.ReplaceAllString(s, " $1 ")
		}
	}
	if c.NoPunct {
		s = terPunct.ReplaceAllString(s, "")
		if c.AsianSupport {
			s = terAsianPunct.ReplaceAllString(s, "")
			s = terFullWidth.ReplaceAllString(s, "")
		}
	}
	return pyJoinFields(s)
}
