package bleu

import (
	"math"
	"strings"
	"testing"
)

// The README example of sacreBLEU 2.x: three hypotheses, two reference
// streams.
var (
	readmeHyps = []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
	readmeRefs = [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
)

func fptr(v float64) *float64 { return &v }

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// cfgWith returns DefaultConfig changed by the non-zero arguments.
func cfgWith(tok, smooth string, value *float64, lower, eff bool) Config {
	c := DefaultConfig()
	if tok != "" {
		c.Tokenize = tok
	}
	if smooth != "" {
		c.Smooth = smooth
	}
	c.SmoothValue, c.Lowercase, c.EffectiveOrder = value, lower, eff
	return c
}

// Expected values from sacreBLEU's own tests (test/test_bleu.py,
// test/test_sentence_bleu.py) and README, and from hand computation
// (marked "hand"; the arithmetic is in the comments).
func TestCorpusBLEU(t *testing.T) {
	tests := []struct {
		Name string
		Hyps []string
		Refs [][]string
		Cfg  Config
		Want float64
		Eps  float64
	}{
		// test_bleu.py test_corpus_bleu_cases
		{"readme default", readmeHyps, readmeRefs, DefaultConfig(), 48.530827, 1e-6},
		{"readme empty hypotheses kept", []string{"", "", ""}, readmeRefs, DefaultConfig(), 0, 0},
		{"readme tok none", readmeHyps, readmeRefs, cfgWith("none", "", nil, false, false), 49.1919566, 1e-7},
		{"readme tok intl", readmeHyps, readmeRefs, cfgWith("intl", "", nil, false, false), 43.91623493, 1e-8},
		{"readme smooth none", readmeHyps, readmeRefs, cfgWith("", "none", nil, false, false), 48.530827, 1e-6},
		// test_bleu.py test_raw_bleu_cases: raw_corpus_bleu is tok none,
		// floor 0.01, effective order; scores there are /100.
		{"raw no match", []string{"this is a test", "another test"}, [][]string{{"ref1", "ref2"}}, cfgWith("none", "floor", fptr(.01), false, true), 0, 0},
		{"raw identical", []string{"this is a test"}, [][]string{{"this is a test"}}, cfgWith("none", "floor", fptr(.01), false, true), 100, 1e-9},
		{"raw one word off", []string{"this is a fest"}, [][]string{{"this is a test"}}, cfgWith("none", "floor", fptr(.01), false, true), 22.3606797749979, 1e-9},
		// test_case_effective_order
		{"eff shorter", []string{"test"}, [][]string{{"a test"}}, cfgWith("none", "floor", fptr(.01), false, true), 36.78794411714425, 1e-9},
		{"eff equal", []string{"a test"}, [][]string{{"a test"}}, cfgWith("none", "floor", fptr(.01), false, true), 100, 1e-9},
		{"eff longer", []string{"a little test"}, [][]string{{"a test"}}, cfgWith("none", "floor", fptr(.01), false, true), 3.218297948685433, 1e-9},
		// test_case_offset: floor 0 gives 0, the default floor 0.1 gives 15.557...
		{"offset zero", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, cfgWith("none", "floor", fptr(0), false, true), 0, 0},
		{"offset default", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, cfgWith("none", "floor", nil, false, true), 15.55722182, 1e-8},
		// hand: hyp "the cat sat on the mat" vs "the cat is on the mat":
		// matches 5/6, 3/5, 1/4, 0/3, BP 1.
		// exp: p4 = 100/(2*3); BLEU = (83.33*60*25*16.67)^(1/4)
		{"hand exp", []string{"the cat sat on the mat"}, [][]string{{"the cat is on the mat"}}, DefaultConfig(), 37.99178428257963, 1e-11},
		// floor 0.1: p4 = 100*0.1/3
		{"hand floor default", []string{"the cat sat on the mat"}, [][]string{{"the cat is on the mat"}}, cfgWith("", "floor", nil, false, false), 25.40663740773073, 1e-11},
		// add-k 1 (n > 1 only): 5/6, 4/6, 2/5, 1/4
		{"hand add-k 1", []string{"the cat sat on the mat"}, [][]string{{"the cat is on the mat"}}, cfgWith("", "add-k", nil, false, false), 48.54917717073236, 1e-11},
		// add-k 2: 5/6, 5/7, 3/6, 2/5
		{"hand add-k 2", []string{"the cat sat on the mat"}, [][]string{{"the cat is on the mat"}}, cfgWith("", "add-k", fptr(2), false, false), 58.739490946992184, 1e-11},
		// none: p4 = 0, log floored, score 0
		{"hand none", []string{"the cat sat on the mat"}, [][]string{{"the cat is on the mat"}}, cfgWith("", "none", nil, false, false), 0, 0},
		// hand: zero matches at every order: 0 whatever the smoothing (#141)
		{"hand zero matches exp", []string{"x y z w"}, [][]string{{"a b c d"}}, DefaultConfig(), 0, 0},
		{"hand zero matches add-k", []string{"x y z w"}, [][]string{{"a b c d"}}, cfgWith("", "add-k", nil, false, false), 0, 0},
		// hand: the empty second hypothesis adds 2 to the reference length:
		// hyp 4 tokens, ref 6, all 4-grams of "a b c d" match: BP = e^(1-6/4)
		{"hand empty segment", []string{"a b c d", ""}, [][]string{{"a b c d", "e f"}}, DefaultConfig(), 100 * math.Exp(1-6.0/4), 1e-12},
		// hand: hypothesis longer than the reference: BP 1, precisions
		// 4/5, 3/4, 2/3, 1/2
		{"hand hyp longer", []string{"a b c d e"}, [][]string{{"a b c d"}}, DefaultConfig(), 100 * math.Pow(4.0/5*3/4*2/3*1/2, 0.25), 1e-12},
		// hand: clipping takes the max count over references: "the" x3
		// against "the cat" and "the the dog" clips to 2: 2/3; bigram
		// "the the" x2 clips to 1: 1/2; no 3-gram matches: exp gives
		// 100/(2*1); 4-grams: none in the hypothesis, effective order 3.
		{"hand multi-ref clipping", []string{"the the the"}, [][]string{{"the cat"}, {"the the dog"}}, cfgWith("", "", nil, false, true), math.Cbrt(200.0 / 3 * 50 * 50), 1e-12},
		// hand: closest reference length with a tie takes the shorter one:
		// hyp 5, refs 3 and 7 -> 3, BP 1; unigram 3/5 ("a b c"), bigrams
		// 2/4, trigrams 1/3, 4-grams 0/2 -> exp 100/(2*2)
		{"hand closest tie shorter", []string{"a b c x y"}, [][]string{{"a b c"}, {"p q r s t u v"}}, DefaultConfig(), math.Pow(60.0*50*100/3*25, 0.25), 1e-12},
		// hand: hyp 5, refs 2 and 7: 7 is closer (2 < 3): BP = e^(1-7/5)
		{"hand closest longer", []string{"a b c x y"}, [][]string{{"a b"}, {"a b c p q r s"}}, DefaultConfig(), math.Exp(1-7.0/5) * math.Pow(60.0*50*100/3*25, 0.25), 1e-12},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := Corpus(tt.Hyps, tt.Refs, tt.Cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Score, tt.Want, tt.Eps) {
				t.Errorf("BLEU = %.12f, want %.12f", got.Score, tt.Want)
			}
			// exp(log(100)) is 100.00000000000004 in Python as in Go.
			if got.Score < 0 || got.Score > 100+1e-9 {
				t.Errorf("BLEU %v outside [0, 100]", got.Score)
			}
		})
	}
}

// TestReadmeLines checks whole score lines against sacreBLEU's README.
func TestReadmeLines(t *testing.T) {
	s, err := Corpus(readmeHyps, readmeRefs, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
	if s.String() != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	// Empty references are references of length 0 (sacreBLEU 2.6.0's
	// corpus_bleu on the same input).
	for _, tt := range []struct {
		refs [][]string
		want string
	}{
		{[][]string{{"", readmeRefs[0][1], readmeRefs[0][2]}, readmeRefs[1]},
			"BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)"},
		{[][]string{{"", readmeRefs[0][1], readmeRefs[0][2]}, {"", readmeRefs[1][1], readmeRefs[1][2]}},
			"BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 13.98 47.1/14.3/9.1/6.2 (BP = 1.000 ratio = 1.417 hyp_len = 17 ref_len = 12)"},
	} {
		s, err = Corpus(readmeHyps, tt.refs, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if s.String() != tt.want {
			t.Errorf("got  %s\nwant %s", s, tt.want)
		}
	}
}

// TestStatistics checks counts and totals (test_bleu.py test_statistics).
func TestStatistics(t *testing.T) {
	s, err := Corpus([]string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, cfgWith("none", "floor", fptr(.01), false, true))
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts != [4]int{4, 2, 1, 0} || s.Totals != [4]int{6, 5, 4, 3} {
		t.Errorf("counts %v totals %v, want [4 2 1 0] [6 5 4 3]", s.Counts, s.Totals)
	}
}

// TestComputeFromStats checks scores computed straight from statistics
// (test_bleu.py test_scoring and test_degenerate_statistics).
func TestComputeFromStats(t *testing.T) {
	tests := []struct {
		Name           string
		Correct, Total [4]int
		HypLen, RefLen int
		Smooth         string
		Value          *float64
		Want           float64
	}{
		{"scoring", [4]int{9, 7, 5, 3}, [4]int{10, 8, 6, 4}, 11, 11, "none", nil, 83.75922397},
		{"degenerate 1", [4]int{}, [4]int{4, 4, 2, 1}, 0, 1, "floor", fptr(0), 0},
		{"degenerate 2", [4]int{}, [4]int{10, 11, 12, 0}, 14, 10, "floor", fptr(0), 0},
		{"degenerate 3", [4]int{}, [4]int{}, 0, 0, "floor", fptr(0), 0},
		{"degenerate 4", [4]int{6, 5, 4, 0}, [4]int{6, 5, 4, 3}, 6, 6, "floor", fptr(0), 0},
		{"degenerate 5", [4]int{}, [4]int{}, 0, 0, "floor", fptr(0.1), 0},
		{"degenerate 6", [4]int{}, [4]int{}, 1, 5, "floor", fptr(0.01), 0},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			c := cfgWith("", tt.Smooth, tt.Value, false, false)
			got := c.compute(Stats{HypLen: tt.HypLen, RefLen: tt.RefLen, Correct: tt.Correct, Total: tt.Total})
			if !near(got.Score, tt.Want, 1e-6) {
				t.Errorf("score %.10f, want %.10f", got.Score, tt.Want)
			}
		})
	}
}

// TestSentenceBLEU uses the cases of sacreBLEU's test_sentence_bleu.py
// (tolerance 1e-3 as there), all with effective order.
func TestSentenceBLEU(t *testing.T) {
	const (
		ref  = "producţia de zahăr brut se exprimă în zahăr alb;"
		hyp  = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
		ref0 = "okay thanks"
		hyp0 = "this is a cat"
	)
	tests := []struct {
		Smooth string
		Value  *float64
		Lower  bool
		Tok    string
		Want   float64
	}{
		{"exp", nil, false, "13a", 8.493},
		{"none", nil, false, "13a", 0.0},
		{"floor", nil, false, "13a", 4.51688},
		{"floor", fptr(0.1), false, "13a", 4.51688},
		{"floor", fptr(0.5), false, "13a", 10.10},
		{"add-k", nil, false, "13a", 14.882},
		{"add-k", fptr(1), false, "13a", 14.882},
		{"add-k", fptr(2), false, "13a", 21.389},
		{"exp", nil, false, "none", 7.347},
		{"exp", nil, false, "intl", 8.493},
		{"exp", nil, false, "char", 40.8759},
		{"exp", nil, true, "char", 42.0267},
	}
	for _, tt := range tests {
		cfg := cfgWith(tt.Tok, tt.Smooth, tt.Value, tt.Lower, true)
		name := tt.Smooth + "/" + tt.Tok
		t.Run(name, func(t *testing.T) {
			s, err := Sentence(hyp, []string{ref}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(s.Score, tt.Want, 1e-3) {
				t.Errorf("sentence BLEU %.5f, want %.5f", s.Score, tt.Want)
			}
			if tt.Tok != "13a" {
				return
			}
			// test_cases_zero_bleu: no word in common, 0 for every smoothing.
			z, err := Sentence(hyp0, []string{ref0}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if z.Score != 0 {
				t.Errorf("no-match sentence BLEU %v, want 0", z.Score)
			}
		})
	}
	// SentenceConfig is sacreBLEU's sentence_bleu default: exp, 13a, eff.
	s, err := Sentence(hyp, []string{ref}, SentenceConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !near(s.Score, 8.493, 1e-3) || s.Signature.Get("eff") != "yes" {
		t.Errorf("SentenceConfig: %s", s)
	}
}

func TestSignatures(t *testing.T) {
	tests := []struct {
		Cfg  Config
		Want string
	}{
		{DefaultConfig(), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev"},
		{cfgWith("intl", "floor", nil, true, false), "nrefs:1|case:lc|eff:no|tok:intl|smooth:floor[0.10]|version:nmt-dev"},
		{cfgWith("zh", "add-k", fptr(2), false, true), "nrefs:1|case:mixed|eff:yes|tok:zh|smooth:add-k[2.00]|version:nmt-dev"},
		{Config{Tokenize: "char", Smooth: "none", Version: "nmt-0.1.0"}, "nrefs:1|case:mixed|eff:no|tok:char|smooth:none|version:nmt-0.1.0"},
	}
	for _, tt := range tests {
		b, err := New([][]string{{"a"}}, tt.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Signature().String(); got != tt.Want {
			t.Errorf("signature %s, want %s", got, tt.Want)
		}
	}
	short := DefaultConfig().signature("1").Format(true)
	if want := "#:1|c:mixed|e:no|tok:13a|s:exp|v:nmt-dev"; short != want {
		t.Errorf("short signature %s, want %s", short, want)
	}
}

func TestBadInput(t *testing.T) {
	// An empty reference is scored (sacreBLEU 2.6.0: ratio 0.000 when
	// ref_len is 0).
	s, err := Corpus([]string{"a"}, [][]string{{""}}, DefaultConfig())
	if want := "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 1 ref_len = 0)"; err != nil || s.String() != want {
		t.Errorf("empty reference: got %v, %v; want %s", s, err, want)
	}
	if _, err := Corpus([]string{"a", "b"}, [][]string{{"a"}}, DefaultConfig()); err == nil ||
		!strings.Contains(err.Error(), "2 hypotheses for 1") {
		t.Errorf("length mismatch: got %v", err)
	}
	// No segments at all: a zero score, no panic.
	if s, err := Corpus(nil, [][]string{{}}, DefaultConfig()); err != nil || s.Score != 0 {
		t.Errorf("empty corpus: %v %v", s.Score, err)
	}
	if s, err := CorpusCHRF(nil, [][]string{{}}, DefaultCHRFConfig()); err != nil || s.Score != 0 {
		t.Errorf("empty corpus chrF: %v %v", s.Score, err)
	}
	if _, err := New([][]string{{"a", "b"}, {"a"}}, DefaultConfig()); err == nil {
		t.Error("reference streams of different lengths: want an error")
	}
}
