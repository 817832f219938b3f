package main

import (
	"fmt"
	"strings"

	"github.com/fixup-nmt/nmt/eval/bleu"
)

// bleuPairedCell is one metric's result for one row of the paired table.
type bleuPairedCell struct {
	score    float64
	mean, ci float64 // bootstrap only
	p        float64
	hasCI    bool
	hasP     bool
}

// pairedTable compares every system with the first (the baseline) by
// paired bootstrap resampling or approximate randomization.
func (o *bleuOptions) pairedTable(ms []bleu.Metric, systems []bleuSystem) (string, error) {
	names := make([]string, len(systems))
	for i, s := range systems {
		names[i] = s.name
	}
	if len(o.inputs) == 0 {
		names[0] = "Baseline" // standard input: sacreBLEU's names
		for i := 1; i < len(names); i++ {
			names[i] = fmt.Sprintf("System %d", i)
		}
	} else {
		names[0] = "Baseline: " + names[0]
	}
	base := make([]bleu.Matrix, len(ms))
	cells := make([][]bleuPairedCell, len(systems))
	cells[0] = make([]bleuPairedCell, len(ms))
	for k, m := range ms {
		x, err := m.Matrix(systems[0].hyps)
		if err != nil {
			return "", err
		}
		base[k] = x
		c := bleuPairedCell{score: m.ScoreVec(x.Sum())}
		if o.pairedBS {
			c.mean, c.ci = bleu.EstimateCI(bleu.Bootstrap(m, x, o.pairedN, o.seed))
			c.hasCI = true
		}
		cells[0][k] = c
	}
	for i := 1; i < len(systems); i++ {
		sys := make([]bleu.Matrix, len(ms))
		for k, m := range ms {
			x, err := m.Matrix(systems[i].hyps)
			if err != nil {
				return "", err
			}
			sys[k] = x
		}
		test := bleu.PairedRandomization
		if o.pairedBS {
			test = bleu.PairedBootstrap
		}
		res, err := test(ms, base, sys, o.pairedN, o.seed)
		if err != nil {
			return "", err
		}
		cells[i] = make([]bleuPairedCell, len(ms))
		for k, r := range res {
			cells[i][k] = bleuPairedCell{score: r.Score, mean: r.Mean, ci: r.CI, p: r.PValue, hasCI: o.pairedBS, hasP: true}
		}
	}
	if o.json {
		return o.pairedJSON(ms, names, cells), nil
	}
	headers := []string{"System"}
	for _, m := range ms {
		h := m.Name()
		if o.pairedBS {
			h += " (μ ± 95% CI)"
		}
		headers = append(headers, h)
	}
	rows := make([][]string, len(systems))
	for i := range systems {
		rows[i] = []string{names[i]}
		for _, c := range cells[i] {
			s := bleuFmt(c.score, o.width)
			if c.hasCI {
				s += " (" + bleuFmt(c.mean, o.width) + " ± " + bleuFmt(c.ci, o.width) + ")"
			}
			if c.hasP {
				s += fmt.Sprintf("\n(p = %.4f)", c.p)
				if c.p <= 0.05 {
					s += "*"
				}
			}
			rows[i] = append(rows[i], s)
		}
	}
	var b strings.Builder
	b.WriteString(bleuGrid(headers, rows) + "\n\n")
	b.WriteString(o.pairedExplanation(systems[0].name))
	test := "ar"
	if o.pairedBS {
		test = "bs"
	}
	b.WriteString(o.signatureBlock(ms, test))
	return b.String(), nil
}

// pairedExplanation says what the table shows.
func (o *bleuOptions) pairedExplanation(baseline string) string {
	msg := fmt.Sprintf("Paired approximate randomization test with %d trials", o.pairedN)
	detail := "   Each cell gives the system's score."
	if o.pairedBS {
		msg = fmt.Sprintf("Paired bootstrap resampling test with %d resampling trials", o.pairedN)
		detail = "   Each cell gives the system's score, the bootstrap mean and the 95% CI half width."
	}
	rule := strings.Repeat("-", len(msg))
	return rule + "\n" + msg + "\n" + rule + "\n" +
		" - Every system is compared with the baseline, " + baseline + ".\n" + detail + "\n\n" +
		" - p is the estimated chance of an absolute score difference at least as large as the\n" +
		"   observed one if system and baseline came from the same process (the null hypothesis).\n" +
		"   p <= 0.05 is marked with \"*\": the difference is unlikely to be chance.\n\n" +
		" - A significant difference says the systems differ, not which one is better.\n\n"
}

// pairedJSON prints the paired results as sacreBLEU's --format json does
// for several systems: per system, per metric, score, p_value, mean, ci.
func (o *bleuOptions) pairedJSON(ms []bleu.Metric, names []string, cells [][]bleuPairedCell) string {
	num := func(v float64, ok bool) string {
		if !ok {
			return "null"
		}
		return bleu.PyFloat(v)
	}
	var objs []string
	for i, name := range names {
		var obj []string
		obj = append(obj, `        "system": `+bleuJSONASCII(name))
		for k, m := range ms {
			c := cells[i][k]
			obj = append(obj, "        "+bleuJSONASCII(m.Name())+": {\n"+
				`            "score": `+bleu.PyFloat(c.score)+",\n"+
				`            "p_value": `+num(c.p, c.hasP)+",\n"+
				`            "mean": `+num(c.mean, c.hasCI)+",\n"+
				`            "ci": `+num(c.ci, c.hasCI)+"\n        }")
		}
		objs = append(objs, "    {\n"+strings.Join(obj, ",\n")+"\n    }")
	}
	return "[\n" + strings.Join(objs, ",\n") + "\n]\n"
}

func bleuFmt(x float64, w int) string { return fmt.Sprintf("%.*f", w, x) }
