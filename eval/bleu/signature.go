package bleu

import (
	"strconv"
	"strings"
)

// DefaultVersion is the version field of signatures when a Config leaves
// Version empty. The nmt command sets Version to "nmt-" + its own version.
const DefaultVersion = "nmt-dev"

// A Signature names every setting that changes a score, in sacreBLEU's
// format and key order, e.g.
//
//	nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0
//
// The resampling keys (bs, ar, seed) appear only when a confidence interval
// or a paired test was computed.
type Signature struct {
	keys, values []string
	short        map[string]string // abbreviations; nil: shortKeys (BLEU, chrF)
}

// shortKeys are sacreBLEU's abbreviations for --short signatures.
var shortKeys = map[string]string{
	"version": "v", "nrefs": "#", "bs": "bs", "ar": "ar", "seed": "rs",
	"case": "c", "eff": "e", "tok": "tok", "smooth": "s",
	"nc": "nc", "nw": "nw", "space": "s",
}

// set adds key:value, or replaces the value if key is present.
func (s *Signature) set(key, value string) {
	for i, k := range s.keys {
		if k == key {
			s.values[i] = value
			return
		}
	}
	s.keys = append(s.keys, key)
	s.values = append(s.values, value)
}

// WithResampling returns a copy of s with the resampling fields that
// sacreBLEU inserts after nrefs: test is "bs" (bootstrap resamples) or "ar"
// (randomization trials), n their number, and seed the RNG seed.
func (s Signature) WithResampling(test string, n int, seed string) Signature {
	out := Signature{short: s.short}
	for i, k := range s.keys {
		if k == "bs" || k == "ar" || k == "seed" {
			continue
		}
		out.keys = append(out.keys, k)
		out.values = append(out.values, s.values[i])
		if k == "nrefs" {
			out.keys = append(out.keys, test, "seed")
			out.values = append(out.values, strconv.Itoa(n), seed)
		}
	}
	return out
}

// Get returns the value of key, or "" if the signature has no such key.
func (s Signature) Get(key string) string {
	for i, k := range s.keys {
		if k == key {
			return s.values[i]
		}
	}
	return ""
}

// Keys returns the keys in printing order.
func (s Signature) Keys() []string { return append([]string(nil), s.keys...) }

// String returns the signature in sacreBLEU's long form.
func (s Signature) String() string { return s.Format(false) }

// Format returns the signature; short selects sacreBLEU's abbreviated keys
// (--short).
func (s Signature) Format(short bool) string {
	var b strings.Builder
	for i, k := range s.keys {
		if i > 0 {
			b.WriteByte('|')
		}
		if short {
			abbr := s.short
			if abbr == nil {
				abbr = shortKeys
			}
			if a, ok := abbr[k]; ok {
				k = a
			}
		}
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(s.values[i])
	}
	return b.String()
}
