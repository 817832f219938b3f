package bleu

import (
	"fmt"
	"strconv"
	"strings"
)

// CHRFConfig holds the chrF settings; each one appears in the signature.
type CHRFConfig struct {
	CharOrder int // character n-gram order, 1..6 (default 6)
	WordOrder int // word n-gram order, 0..4; 2 gives chrF++ (default 0)
	Beta      int // weight of recall against precision (default 2)
	// Lowercase makes the comparison case-insensitive.
	Lowercase bool
	// Whitespace keeps whitespace inside character n-grams.
	Whitespace bool
	// EpsSmoothing averages per-order F-scores with a tiny epsilon for
	// empty orders, like chrF++.py, NLTK and Moses. Off (sacreBLEU's
	// default) it averages precision and recall over the orders that
	// have n-grams on both sides ("effective order").
	EpsSmoothing bool
	// Version is the version field of the signature; "" means
	// DefaultVersion.
	Version string
}

// DefaultCHRFConfig returns sacreBLEU's chrF2 defaults.
func DefaultCHRFConfig() CHRFConfig {
	return CHRFConfig{CharOrder: 6, WordOrder: 0, Beta: 2}
}

// Validate reports settings this implementation does not support.
func (c CHRFConfig) Validate() error {
	if c.CharOrder < 1 || c.CharOrder > 6 {
		return fmt.Errorf("bleu: chrF character order %d not supported (want 1..6)", c.CharOrder)
	}
	if c.WordOrder < 0 || c.WordOrder > 4 {
		return fmt.Errorf("bleu: chrF word order %d not supported (want 0..4)", c.WordOrder)
	}
	if c.Beta < 0 {
		return fmt.Errorf("bleu: chrF beta %d is negative", c.Beta)
	}
	return nil
}

// Name returns "chrF2", or "chrF2++" for word order 2.
func (c CHRFConfig) Name() string {
	return "chrF" + strconv.Itoa(c.Beta) + strings.Repeat("+", c.WordOrder)
}

func (c CHRFConfig) signature(nrefs string) Signature {
	var s Signature
	s.set("nrefs", nrefs)
	cs := "mixed"
	if c.Lowercase {
		cs = "lc"
	}
	s.set("case", cs)
	s.set("eff", yesNo(!c.EpsSmoothing))
	s.set("nc", strconv.Itoa(c.CharOrder))
	s.set("nw", strconv.Itoa(c.WordOrder))
	s.set("space", yesNo(c.Whitespace))
	s.set("version", versionOr(c.Version))
	return s
}

// versionOr is v, or DefaultVersion when v is empty.
func versionOr(v string) string {
	if v == "" {
		return DefaultVersion
	}
	return v
}

// CHRFStats are chrF's sufficient statistics: for each character order and
// then each word order, the hypothesis n-gram count, the reference n-gram
// count and the matched count, in that order.
type CHRFStats []int

// Add adds o to s; both must come from the same configuration.
func (s CHRFStats) Add(o CHRFStats) {
	for i, v := range o {
		s[i] += v
	}
}

// fscore is sacreBLEU's CHRF._compute_f_score: the same operations in the
// same order, so the same float64 result.
func (c CHRFConfig) fscore(st []int64) float64 {
	return c.combine(func(i int) (prec, rec float64, both bool) {
		nHyp, nRef, nMatch := st[3*i], st[3*i+1], st[3*i+2]
		prec, rec = chrfEps, chrfEps
		if nHyp > 0 {
			prec = float64(nMatch) / float64(nHyp)
		}
		if nRef > 0 {
			rec = float64(nMatch) / float64(nRef)
		}
		return prec, rec, nHyp > 0 && nRef > 0
	})
}

// fscore32 is fscore for statistics summed in float32, as sacreBLEU's
// resampling passes them: numpy divides float32 by float32 in float32, and
// the rest is float64.
func (c CHRFConfig) fscore32(st []float32) float64 {
	return c.combine(func(i int) (prec, rec float64, both bool) {
		nHyp, nRef, nMatch := st[3*i], st[3*i+1], st[3*i+2]
		prec, rec = chrfEps, chrfEps
		if nHyp > 0 {
			prec = float64(nMatch / nHyp)
		}
		if nRef > 0 {
			rec = float64(nMatch / nRef)
		}
		return prec, rec, nHyp > 0 && nRef > 0
	})
}

// chrfEps is the precision or recall of an order without n-grams.
const chrfEps = 1e-16

// combine averages the per-order precisions and recalls that order(i)
// returns into the F-score, as _compute_f_score does. Products are rounded
// before they are added (float64(a*b)), as Python rounds them.
func (c CHRFConfig) combine(order func(i int) (prec, rec float64, both bool)) float64 {
	n := c.CharOrder + c.WordOrder
	factor := float64(c.Beta * c.Beta)
	score, avgPrec, avgRec, eff := 0.0, 0.0, 0.0, 0
	for i := range n {
		prec, rec, both := order(i)
		denom := float64(factor*prec) + rec
		if denom > 0 {
			score += (1 + factor) * prec * rec / denom
		} else {
			score += chrfEps
		}
		if both {
			avgPrec += prec
			avgRec += rec
			eff++
		}
	}
	if c.EpsSmoothing {
		return 100 * score / float64(n)
	}
	if eff == 0 {
		avgPrec, avgRec = 0, 0
	} else {
		avgPrec /= float64(eff)
		avgRec /= float64(eff)
	}
	if avgPrec+avgRec == 0 {
		return 0
	}
	score = (1 + factor) * avgPrec * avgRec
	score /= float64(factor*avgPrec) + avgRec
	return 100 * score
}
