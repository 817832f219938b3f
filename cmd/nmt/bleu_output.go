package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fixup-nmt/nmt/eval/bleu"
)

// single scores one system with every metric and formats the result as
// sacreBLEU does: one line per metric aligned on " = ", or JSON.
func (o *bleuOptions) single(ms []bleu.Metric, hyps []string) (string, error) {
	var results []string
	for _, m := range ms {
		x, err := m.Matrix(hyps)
		if err != nil {
			return "", err
		}
		l := m.Line(x)
		if o.confidence {
			l.Mean, l.CI = bleu.EstimateCIExact(bleu.Bootstrap(m, x, o.confidenceN, o.seed))
			l.Signature = l.Signature.WithResampling("bs", o.confidenceN, o.seedName)
		}
		switch {
		case o.scoreOnly:
			results = append(results, l.ScoreOnly(o.width))
		case o.json:
			results = append(results, l.JSON(o.width))
		default:
			results = append(results, l.Text(o.width, o.short))
		}
	}
	if o.json {
		if len(results) == 1 {
			return results[0] + "\n", nil
		}
		return "[\n" + strings.Join(results, ",\n") + "\n]\n", nil
	}
	return bleuAlign(results), nil
}

// bleuAlign right-aligns the part of each line before " = ", as
// sacreBLEU does when it prints several metrics.
func bleuAlign(lines []string) string {
	var b strings.Builder
	if len(lines) == 1 {
		return lines[0] + "\n"
	}
	w := 0
	var aligned []string
	for _, l := range lines {
		i := strings.Index(l, "=")
		if i < 1 {
			b.WriteString(l + "\n")
			continue
		}
		w = max(w, utf8.RuneCountInString(l[:i-1]))
		aligned = append(aligned, l)
	}
	for _, l := range aligned {
		i := strings.Index(l, "=")
		left := l[:i-1]
		b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(left)) + l + "\n")
	}
	return b.String()
}

// sentenceLevel prints one score line per segment (always text, as in
// sacreBLEU); the signature counts each segment's non-empty references.
func (o *bleuOptions) sentenceLevel(m bleu.Metric, refs [][]string, hyps []string) (string, error) {
	var b strings.Builder
	segRefs := make([]string, len(refs))
	for i, h := range hyps {
		for k := range refs {
			segRefs[k] = refs[k][i]
		}
		var l bleu.Line
		switch m.(type) {
		case *bleu.BLEU:
			s, err := bleu.Sentence(h, segRefs, o.bleu)
			if err != nil {
				return "", err
			}
			l = s.Line()
		case *bleu.CHRF:
			s, err := bleu.SentenceCHRF(h, segRefs, o.chrf)
			if err != nil {
				return "", err
			}
			l = s.Line()
		default:
			s, err := bleu.SentenceTER(h, segRefs, o.ter)
			if err != nil {
				return "", err
			}
			l = s.Line()
		}
		if o.scoreOnly {
			b.WriteString(l.ScoreOnly(o.width) + "\n")
		} else {
			b.WriteString(l.Text(o.width, o.short) + "\n")
		}
	}
	return b.String(), nil
}

// table scores several systems and prints sacreBLEU's comparison table.
func (o *bleuOptions) table(ms []bleu.Metric, systems []bleuSystem) (string, error) {
	headers := []string{"System"}
	for _, m := range ms {
		headers = append(headers, m.Name())
	}
	rows := make([][]string, len(systems))
	for r, s := range systems {
		rows[r] = []string{s.name}
		for _, m := range ms {
			x, err := m.Matrix(s.hyps)
			if err != nil {
				return "", err
			}
			rows[r] = append(rows[r], m.Line(x).ScoreOnly(o.width))
		}
	}
	if o.json {
		var objs []string
		for _, row := range rows {
			var obj []string
			obj = append(obj, `        "system": `+bleuJSONASCII(row[0]))
			for c := 1; c < len(row); c++ {
				obj = append(obj, "        "+bleuJSONASCII(headers[c])+": "+bleuJSONASCII(row[c]))
			}
			objs = append(objs, "    {\n"+strings.Join(obj, ",\n")+"\n    }")
		}
		return "[\n" + strings.Join(objs, ",\n") + "\n]\n", nil
	}
	var b strings.Builder
	b.WriteString(bleuGrid(headers, rows) + "\n\n")
	b.WriteString(o.signatureBlock(ms, ""))
	return b.String(), nil
}

// signatureBlock lists the metric signatures under the table; test is
// "bs" or "ar" after a paired test.
func (o *bleuOptions) signatureBlock(ms []bleu.Metric, test string) string {
	var b strings.Builder
	b.WriteString("-----------------\nMetric signatures\n-----------------\n")
	for _, m := range ms {
		sig := m.Signature()
		if test != "" {
			sig = sig.WithResampling(test, o.pairedN, o.seedName)
		}
		fmt.Fprintf(&b, " - %-10s %s\n", m.Name(), sig.Format(o.short))
	}
	return b.String()
}

// bleuJSONASCII quotes s as Python's json.dumps with ensure_ascii does.
func bleuJSONASCII(s string) string {
	q := bleu.JSONString(s)
	var b strings.Builder
	for _, r := range q {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// bleuGrid renders a table like Python tabulate's "fancy_grid" format
// with sacreBLEU's settings: first column right-aligned, the others
// centred, columns at least two wider than their header, cells with
// several lines allowed.
func bleuGrid(headers []string, rows [][]string) string {
	width := make([]int, len(headers))
	for c, h := range headers {
		width[c] = utf8.RuneCountInString(h) + 2
	}
	for _, row := range rows {
		for c, cell := range row {
			for _, l := range strings.Split(cell, "\n") {
				width[c] = max(width[c], utf8.RuneCountInString(l))
			}
		}
	}
	rule := func(left, fill, mid, right string) string {
		var b strings.Builder
		b.WriteString(left)
		for c, w := range width {
			if c > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat(fill, w+2))
		}
		return b.String() + right + "\n"
	}
	line := func(cells []string) string {
		height := 1
		split := make([][]string, len(cells))
		for c, cell := range cells {
			split[c] = strings.Split(cell, "\n")
			height = max(height, len(split[c]))
		}
		var b strings.Builder
		for i := range height {
			b.WriteString("│")
			for c, w := range width {
				s := ""
				if i < len(split[c]) {
					s = split[c][i]
				}
				b.WriteString(" " + bleuPad(s, w, c == 0) + " │")
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString(rule("╒", "═", "╤", "╕"))
	b.WriteString(line(headers))
	b.WriteString(rule("╞", "═", "╪", "╡"))
	for r, row := range rows {
		if r > 0 {
			b.WriteString(rule("├", "─", "┼", "┤"))
		}
		b.WriteString(line(row))
	}
	b.WriteString(strings.TrimSuffix(rule("╘", "═", "╧", "╛"), "\n"))
	return b.String()
}

// bleuPad pads s to w: right-aligned, or centred with the odd space on the
// right (Python's format "^").
func bleuPad(s string, w int, right bool) string {
	pad := w - utf8.RuneCountInString(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return strings.Repeat(" ", pad/2) + s + strings.Repeat(" ", pad-pad/2)
}
