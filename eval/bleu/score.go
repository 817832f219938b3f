package bleu

import (
	"strconv"
	"strings"
)

// Score is a corpus or sentence BLEU score with the statistics it was
// computed from.
type Score struct {
	Score      float64           // BLEU in [0, 100]
	Counts     [MaxOrder]int     // clipped n-gram matches per order
	Totals     [MaxOrder]int     // hypothesis n-grams per order
	Precisions [MaxOrder]float64 // smoothed precisions in [0, 100]
	BP         float64           // brevity penalty
	HypLen     int
	RefLen     int
	Signature  Signature
	// Mean and CI are the bootstrap mean and the half width of the 95%
	// confidence interval (see Bootstrap); they print only when Mean > 0,
	// as in sacreBLEU.
	Mean, CI float64
}

// Ratio is the hypothesis to reference length ratio (0 without reference).
func (s Score) Ratio() float64 {
	if s.RefLen == 0 {
		return 0
	}
	return float64(s.HypLen) / float64(s.RefLen)
}

// Verbose returns the part sacreBLEU prints after the score:
// "54.4/26.6/14.9/8.7 (BP = 1.000 ratio = 1.026 hyp_len = 62880 ref_len = 61287)".
func (s Score) Verbose() string {
	var b strings.Builder
	for i, p := range s.Precisions {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(strconv.FormatFloat(p, 'f', 1, 64))
	}
	b.WriteString(" (BP = " + strconv.FormatFloat(s.BP, 'f', 3, 64))
	b.WriteString(" ratio = " + strconv.FormatFloat(s.Ratio(), 'f', 3, 64))
	b.WriteString(" hyp_len = " + strconv.Itoa(s.HypLen))
	b.WriteString(" ref_len = " + strconv.Itoa(s.RefLen) + ")")
	return b.String()
}

// Line returns the printable form of s.
func (s Score) Line() Line {
	return Line{Name: "BLEU", Score: s.Score, Mean: s.Mean, CI: s.CI, Verbose: s.Verbose(), Signature: s.Signature}
}

// String returns sacreBLEU's score line with two decimals, e.g.
// "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)".
func (s Score) String() string { return s.Line().Text(2, false) }

// Line is a score as sacreBLEU prints it; BLEU and chrF scores share it.
type Line struct {
	Name      string // "BLEU", "chrF2", "chrF2++"
	Score     float64
	Mean, CI  float64 // bootstrap estimate, printed when Mean > 0
	Verbose   string  // BLEU's precisions and lengths; empty for chrF
	Signature Signature
}

// ScoreOnly returns the score with width decimals and, after a bootstrap,
// "(μ = mean ± ci)": what --score-only prints.
func (l Line) ScoreOnly(width int) string {
	sc := fmtF(l.Score, width)
	if l.Mean > 0 {
		sc += " (μ = " + fmtF(l.Mean, width) + " ± " + fmtF(l.CI, width) + ")"
	}
	return sc
}

// Text returns the full line, e.g. "chrF2|nrefs:1|...|version:nmt-dev = 52.0";
// short selects abbreviated signature keys.
func (l Line) Text(width int, short bool) string {
	s := l.Name
	if sig := l.Signature.Format(short); sig != "" {
		s += "|" + sig
	}
	s += " = " + l.ScoreOnly(width)
	if l.Verbose != "" {
		s += " " + l.Verbose
	}
	return s
}

// JSON returns the score as sacreBLEU's --format json prints it (indent 1,
// keys in sacreBLEU's order, numbers rounded to width decimals).
func (l Line) JSON(width int) string {
	var b jsonObject
	b.str("name", l.Name)
	b.num("score", roundTo(l.Score, width))
	b.str("signature", l.Signature.Format(false))
	if l.Mean > 0 {
		b.num("confidence_mean", roundTo(l.Mean, width))
		b.num("confidence_var", roundTo(l.CI, width))
		b.str("confidence", "μ = "+fmtF(l.Mean, width)+" ± "+fmtF(l.CI, width))
	}
	if l.Verbose != "" {
		b.str("verbose_score", l.Verbose)
	}
	for i, k := range l.Signature.keys {
		b.str(k, l.Signature.values[i])
	}
	return b.close(" ", "")
}

// fmtF formats like Python's f"{x:.{width}f}".
func fmtF(x float64, width int) string {
	if width < 0 {
		width = 0
	}
	return strconv.FormatFloat(x, 'f', width, 64)
}

// roundTo returns float(f"{x:.{width}f}").
func roundTo(x float64, width int) float64 {
	v, _ := strconv.ParseFloat(fmtF(x, width), 64)
	return v
}
