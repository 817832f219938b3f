package bleu

import (
	"slices"
	"testing"
)

func chrfCfg(beta, wordOrder int, eps, whitespace bool) CHRFConfig {
	c := DefaultCHRFConfig()
	c.Beta, c.WordOrder, c.EpsSmoothing, c.Whitespace = beta, wordOrder, eps, whitespace
	return c
}

// Cases from sacreBLEU's test/test_chrf.py (tolerance 1e-4 as there; beta
// 3 as there) and hand-worked ones.
func TestCorpusCHRF(t *testing.T) {
	tests := []struct {
		Name string
		Hyps []string
		Refs []string
		Cfg  CHRFConfig
		Want float64
	}{
		// test_cases (eps smoothing, beta 3)
		{"eps disjoint", []string{"abcdefg"}, []string{"hijklmnop"}, chrfCfg(3, 0, true, false), 0},
		{"eps a b", []string{"a"}, []string{"b"}, chrfCfg(3, 0, true, false), 0},
		{"eps empty hyp b", []string{""}, []string{"b"}, chrfCfg(3, 0, true, false), 0},
		{"eps empty hyp ref", []string{""}, []string{"ref"}, chrfCfg(3, 0, true, false), 0},
		{"eps empty hyp reference", []string{""}, []string{"reference"}, chrfCfg(3, 0, true, false), 0},
		{"eps aa ab", []string{"aa"}, []string{"ab"}, chrfCfg(3, 0, true, false), 8.3333},
		{"eps two segments", []string{"a", "b"}, []string{"a", "c"}, chrfCfg(3, 0, true, false), 8.3333},
		{"eps a a", []string{"a"}, []string{"a"}, chrfCfg(3, 0, true, false), 16.6667},
		{"eps abc", []string{"a b c"}, []string{"a b c"}, chrfCfg(3, 0, true, false), 50.0},
		{"eps spaces ignored", []string{"a b c"}, []string{"abc"}, chrfCfg(3, 0, true, false), 50.0},
		{"eps risk", []string{" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, chrfCfg(3, 0, true, false), 63.361730},
		{"eps german", []string{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, chrfCfg(3, 0, true, false), 64.1302698},
		{"eps identical", []string{"Niemand hat die Absicht, eine Mauer zu errichten"}, []string{"Niemand hat die Absicht, eine Mauer zu errichten"}, chrfCfg(3, 0, true, false), 100},
		// test_cases_effective_order (beta 3)
		{"eff a a", []string{"a"}, []string{"a"}, chrfCfg(3, 0, false, false), 100},
		{"eff empty hyp", []string{""}, []string{"reference"}, chrfCfg(3, 0, false, false), 0},
		{"eff abc", []string{"a b c"}, []string{"a b c"}, chrfCfg(3, 0, false, false), 100},
		{"eff spaces ignored", []string{"a b c"}, []string{"abc"}, chrfCfg(3, 0, false, false), 100},
		{"eff empty hyp c", []string{""}, []string{"c"}, chrfCfg(3, 0, false, false), 0},
		{"eff two segments", []string{"a", "b"}, []string{"a", "c"}, chrfCfg(3, 0, false, false), 50},
		{"eff aa ab", []string{"aa"}, []string{"ab"}, chrfCfg(3, 0, false, false), 25},
		// test_cases_keep_whitespace (beta 3, effective order)
		{"whitespace german", []string{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, chrfCfg(3, 0, false, true), 67.3481606},
		{"whitespace risk", []string{"risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, chrfCfg(3, 0, false, true), 65.2414427},
		// hand, beta 2: "ab" vs "ab": orders 1-2 perfect, 3-6 empty on both
		// sides. Effective order averages orders 1-2: 100. Eps smoothing
		// averages six F-scores, four of them eps: 100*(2+4e-16)/6.
		{"hand ab eff", []string{"ab"}, []string{"ab"}, chrfCfg(2, 0, false, false), 100},
		{"hand ab eps", []string{"ab"}, []string{"ab"}, chrfCfg(2, 0, true, false), 100 * (2 + 4e-16) / 6},
		{"hand chrF++ identical", []string{"the cat"}, []string{"the cat"}, chrfCfg(2, 2, false, false), 100},
		// hand, chrF++: "Hello, world!" -> words Hello , world ! against
		// Hello world; statistics in TestCHRFStats.
		{"hand chrF++ punctuation", []string{"Hello, world!"}, []string{"Hello world"}, chrfCfg(2, 2, false, false), 53.03768228333403},
		{"hand chrF++ punctuation eps", []string{"Hello, world!"}, []string{"Hello world"}, chrfCfg(2, 2, true, false), 52.66577349356605},
		{"hand chrF punctuation", []string{"Hello, world!"}, []string{"Hello world"}, chrfCfg(2, 0, false, false), 56.343009350557615},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			got, err := CorpusCHRF(tt.Hyps, [][]string{tt.Refs}, tt.Cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Score, tt.Want, 1e-4) {
				t.Errorf("chrF = %.8f, want %.8f", got.Score, tt.Want)
			}
		})
	}
}

// TestCHRFStats checks [hyp, ref, match] triples worked out by hand.
func TestCHRFStats(t *testing.T) {
	tests := []struct {
		Name, Hyp, Ref string
		WordOrder      int
		Want           []int
	}{
		// "Hello,world!" (12 chars) vs "Helloworld" (10): every reference
		// n-gram that avoids the "o,w" and "d!" joins is matched.
		// Words: Hello , world ! vs Hello world: unigrams 4/2/2, bigrams 3/1/0.
		{"punctuation", "Hello, world!", "Hello world", 2,
			[]int{12, 10, 10, 11, 9, 8, 10, 8, 6, 9, 7, 4, 8, 6, 2, 7, 5, 0, 4, 2, 2, 3, 1, 0}},
		// "(hi)" splits into "(hi" and ")" only (final mark first).
		{"parenthesis", "(hi) there", "hi there", 2,
			[]int{9, 7, 7, 8, 6, 5, 7, 5, 3, 6, 4, 2, 5, 3, 1, 4, 2, 0, 3, 2, 1, 2, 1, 0}},
		// A reference too short for orders 3-6: the hypothesis count is
		// reported as 0 there (sacreBLEU's rule).
		{"short reference", "abcd", "ab", 0,
			[]int{4, 2, 2, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			c, err := NewCHRF([][]string{{tt.Ref}}, chrfCfg(2, tt.WordOrder, false, false))
			if err != nil {
				t.Fatal(err)
			}
			st, err := c.Stats([]string{tt.Hyp})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal([]int(st[0]), tt.Want) {
				t.Errorf("stats %v\nwant  %v", st[0], tt.Want)
			}
		})
	}
}

// TestSentenceCHRF uses test_chrf.py test_chrf_sentence_level (eps
// smoothing, beta 2).
func TestSentenceCHRF(t *testing.T) {
	tests := []struct {
		Hyp, Ref string
		Want     float64
	}{
		{"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
			"Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509},
		{"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
			"A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079},
		{"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
			"Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367},
	}
	for _, tt := range tests {
		got, err := SentenceCHRF(tt.Hyp, []string{tt.Ref}, chrfCfg(2, 0, true, false))
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Score, tt.Want, 1e-4) {
			t.Errorf("chrF(%q) = %.8f, want %.8f", tt.Hyp, got.Score, tt.Want)
		}
	}
}

// TestCHRFMultiRef: sacreBLEU's README gives chrF2 = 59.73 for its
// two-reference example; each segment is scored against its best
// reference.
func TestCHRFMultiRef(t *testing.T) {
	s, err := CorpusCHRF(readmeHyps, readmeRefs, DefaultCHRFConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Line().ScoreOnly(2); got != "59.73" {
		t.Errorf("chrF2 = %s, want 59.73", got)
	}
	want := "chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:nmt-dev = 59.73"
	if s.String() != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
	// hand: the second reference matches exactly, so it is chosen.
	s, err = CorpusCHRF([]string{"abc"}, [][]string{{"xyz"}, {"abc"}}, DefaultCHRFConfig())
	if err != nil || s.Score != 100 {
		t.Errorf("best reference: %v %v, want 100", s.Score, err)
	}
}

func TestCHRFNames(t *testing.T) {
	tests := []struct {
		Cfg       CHRFConfig
		Name, Sig string
	}{
		{DefaultCHRFConfig(), "chrF2", "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:nmt-dev"},
		{chrfCfg(2, 2, false, false), "chrF2++", "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:nmt-dev"},
		{CHRFConfig{CharOrder: 4, WordOrder: 1, Beta: 1, Lowercase: true, Whitespace: true, EpsSmoothing: true},
			"chrF1+", "nrefs:1|case:lc|eff:no|nc:4|nw:1|space:yes|version:nmt-dev"},
	}
	for _, tt := range tests {
		c, err := NewCHRF([][]string{{"x"}}, tt.Cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name() != tt.Name || c.Signature().String() != tt.Sig {
			t.Errorf("name %s sig %s, want %s %s", c.Name(), c.Signature(), tt.Name, tt.Sig)
		}
	}
	if _, err := NewCHRF([][]string{{"x"}}, CHRFConfig{CharOrder: 7, Beta: 2}); err == nil {
		t.Error("char order 7: want an error")
	}
}
