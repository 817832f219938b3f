package bleu

import (
	"math"
	"strconv"
	"strings"
)

// jsonObject writes a flat JSON object the way Python's json.dumps does
// with ensure_ascii=False and an indent: keys in insertion order, non-ASCII
// text unescaped, floats in Python's repr form.
type jsonObject struct {
	keys, vals []string
}

func (o *jsonObject) str(k, v string) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, JSONString(v))
}
func (o *jsonObject) num(k string, v float64) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, PyFloat(v))
}

// close returns the object; each member is on its own line after indent,
// and the closing brace after outer.
func (o *jsonObject) close(indent, outer string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i, k := range o.keys {
		b.WriteString(indent + JSONString(k) + ": " + o.vals[i])
		if i < len(o.keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(outer + "}")
	return b.String()
}

// JSONString quotes s as Python's json.dumps(s, ensure_ascii=False) does.
func JSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// PyFloat formats x like Python's repr(float): the shortest digits that
// round-trip, positional between 1e-4 and 1e16 (always with a fraction
// digit), scientific otherwise ("1e-05", "1.5e+16").
func PyFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	a := math.Abs(x)
	if x == 0 || (a >= 1e-4 && a < 1e16) {
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.ContainsRune(s, '.') {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(x, 'e', -1, 64) // like 1e-05, 1.5e+16
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	digits := strings.TrimLeft(exp[1:], "0")
	if len(digits) < 2 {
		digits = strings.Repeat("0", 2-len(digits)) + digits
	}
	return mant + "e" + string(sign) + digits
}
