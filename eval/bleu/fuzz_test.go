package bleu

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "Hello, world!", "1,000.50 and 3.5.", "&amp;lt; &quot;x&quot; <skipped>",
	"我爱北京天安门。", "a–b “q” …", "İstanbul ΟΔΟΣ", "\ufeffBOM\u00a0nbsp\u2009thin",
	"(hi) there!", "x\ny\r\nz", "\xff\xfe invalid", "2+2=4 €100", "\x1c\x1f\u0085",
}

// FuzzTokenizers: no tokenizer panics, and the tokens are single-space
// separated with no surrounding whitespace.
func FuzzTokenizers(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range Tokenizers {
			tok, _ := NewTokenizer(name)
			out := tok.Tokenize(s)
			if name == "13a" || name == "intl" || name == "zh" {
				if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
					t.Errorf("%s.Tokenize(%q) = %q: stray spaces", name, s, out)
				}
				if utf8.ValidString(s) && !utf8.ValidString(out) {
					t.Errorf("%s.Tokenize(%q) = %q: invalid UTF-8", name, s, out)
				}
			}
		}
		for _, lower := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Lowercase = lower
			if _, err := Tokenize(s, cfg); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzScore: BLEU (every smoothing, tokenizer and effective order) and
// chrF/chrF++ never panic and stay in [0, 100] (up to the rounding of
// exp(log(100)), which is 100.00000000000004 in sacreBLEU too).
func FuzzScore(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, fuzzSeeds[(i+3)%len(fuzzSeeds)], uint8(i))
	}
	f.Add("the cat\nsat on\nthe mat", "the cat\nis on\nthe mat", uint8(7))
	f.Fuzz(func(t *testing.T, hyp, ref string, knob uint8) {
		hyps := strings.Split(hyp, "\n")
		refs := strings.Split(ref, "\n")
		for len(refs) < len(hyps) {
			refs = append(refs, "x")
		}
		refs = refs[:len(hyps)]
		for i, r := range refs {
			if r == "" {
				refs[i] = "r" // sacreBLEU rejects segments without a reference
			}
		}
		check := func(what string, v float64) {
			if math.IsNaN(v) || v < 0 || v > 100+1e-9 {
				t.Fatalf("%s = %v for hyps %q refs %q", what, v, hyps, refs)
			}
		}
		cfg := DefaultConfig()
		cfg.Tokenize = Tokenizers[int(knob)%len(Tokenizers)]
		cfg.Smooth = SmoothMethods[int(knob/8)%len(SmoothMethods)]
		cfg.EffectiveOrder = knob&64 != 0
		cfg.Lowercase = knob&128 != 0
		s, err := Corpus(hyps, [][]string{refs}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		check("BLEU", s.Score)
		for n := range MaxOrder {
			if s.Counts[n] > s.Totals[n] || s.Counts[n] < 0 {
				t.Fatalf("order %d: %d matches of %d", n+1, s.Counts[n], s.Totals[n])
			}
			check("precision", s.Precisions[n])
		}
		// The optimized statistics equal a direct count (tok none, chrF++).
		none := DefaultConfig()
		none.Tokenize = "none"
		bn, err := New([][]string{refs}, none)
		if err != nil {
			t.Fatal(err)
		}
		st, err := bn.Stats(hyps)
		if err != nil {
			t.Fatal(err)
		}
		cpp := DefaultCHRFConfig()
		cpp.WordOrder = 2
		cn, err := NewCHRF([][]string{refs}, cpp)
		if err != nil {
			t.Fatal(err)
		}
		cst, err := cn.Stats(hyps)
		if err != nil {
			t.Fatal(err)
		}
		for i := range hyps {
			if !utf8.ValidString(hyps[i]) || !utf8.ValidString(refs[i]) {
				continue // sacreBLEU never sees invalid UTF-8; nmt bleu rejects it
			}
			want := naiveBLEUStats(pyFields(nil, pyRstrip(hyps[i])), [][]string{pyFields(nil, pyRstrip(refs[i]))})
			if st[i] != want {
				t.Fatalf("segment %d: stats %+v, direct count %+v", i, st[i], want)
			}
			if w := naiveCHRFStats(hyps[i], refs[i], 2); !slices.Equal([]int(cst[i]), w) {
				t.Fatalf("segment %d: chrF++ stats %v, direct count %v", i, cst[i], w)
			}
		}
		ss, err := Sentence(hyps[0], []string{refs[0], ref}, SentenceConfig())
		if err != nil {
			t.Fatal(err)
		}
		check("sentence BLEU", ss.Score)
		for _, wo := range []int{0, 2} {
			c := DefaultCHRFConfig()
			c.WordOrder, c.EpsSmoothing, c.Whitespace = wo, knob&1 != 0, knob&2 != 0
			cs, err := CorpusCHRF(hyps, [][]string{refs, hyps}, c)
			if err != nil {
				t.Fatal(err)
			}
			check("chrF", cs.Score)
		}
	})
}
