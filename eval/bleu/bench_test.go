package bleu

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// benchCorpus returns segs hypothesis and reference segments of about
// words words each, in German-like text with punctuation, numbers and
// umlauts; about half of each hypothesis matches its reference.
func benchCorpus(segs, words int) (hyps, refs []string) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	syll := []string{"ge", "ver", "ung", "keit", "schaft", "bar", "lich", "ein", "aus", "über", "stra", "ße", "mü", "hl", "en", "er", "de", "sch", "wi", "tz"}
	for i := range vocab {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		w := b.String()
		if i%7 == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		vocab[i] = w
	}
	punct := []string{",", ".", ":", "„", "“", "-", "(", ")"}
	word := func() string {
		switch x := r.IntN(20); {
		case x == 0:
			return punct[r.IntN(len(punct))]
		case x == 1:
			return []string{"1.000", "3,5", "2017", "42"}[r.IntN(4)]
		default:
			return vocab[int(float64(len(vocab))*r.Float64()*r.Float64())] // Zipf-like
		}
	}
	for range segs {
		n := words - 5 + r.IntN(11)
		ref := make([]string, n)
		hyp := make([]string, 0, n)
		for i := range ref {
			ref[i] = word()
		}
		for _, w := range ref {
			switch r.IntN(4) {
			case 0:
				hyp = append(hyp, word())
			case 1:
				hyp = append(hyp, w, word())
			default:
				hyp = append(hyp, w)
			}
		}
		refs = append(refs, strings.Join(ref, " ")+".")
		hyps = append(hyps, strings.Join(hyp, " ")+".")
	}
	return hyps, refs
}

// benchScore scores segs segments of about words words: tokenizing the
// references and the hypotheses, counting and summing, as one `nmt bleu`
// run does once the files are read.
func benchScore(b *testing.B, segs, words int, metric string) {
	hyps, refs := benchCorpus(segs, words)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var err error
		switch metric {
		case "bleu":
			_, err = Corpus(hyps, [][]string{refs}, DefaultConfig())
		case "chrf":
			_, err = CorpusCHRF(hyps, [][]string{refs}, DefaultCHRFConfig())
		case "chrf++":
			c := DefaultCHRFConfig()
			c.WordOrder = 2
			_, err = CorpusCHRF(hyps, [][]string{refs}, c)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(segs)*float64(b.N)/b.Elapsed().Seconds(), "segments/s")
}

func BenchmarkBLEU3000x25(b *testing.B)         { benchScore(b, 3000, 25, "bleu") }
func BenchmarkCHRF3000x25(b *testing.B)         { benchScore(b, 3000, 25, "chrf") }
func BenchmarkCHRFpp3000x25(b *testing.B)       { benchScore(b, 3000, 25, "chrf++") }
func BenchmarkBLEU300x100(b *testing.B)         { benchScore(b, 300, 100, "bleu") }
func BenchmarkTokenize13a3000x25(b *testing.B)  { benchTokenize(b, 3000, 25, "13a") }
func BenchmarkTokenizeIntl3000x25(b *testing.B) { benchTokenize(b, 3000, 25, "intl") }

func benchTokenize(b *testing.B, segs, words int, name string) {
	hyps, _ := benchCorpus(segs, words)
	tok, _ := NewTokenizer(name)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, h := range hyps {
			tok.Tokenize(h)
		}
	}
	b.ReportMetric(float64(segs)*float64(b.N)/b.Elapsed().Seconds(), "segments/s")
}

// BenchmarkPairedBootstrap3000 times a paired bootstrap test of two
// systems (BLEU and chrF, 1000 resamples) from prepared statistics.
func BenchmarkPairedBootstrap3000(b *testing.B) {
	hyps, refs := benchCorpus(3000, 25)
	bl, _ := New([][]string{refs}, DefaultConfig())
	ch, _ := NewCHRF([][]string{refs}, DefaultCHRFConfig())
	ms := []Metric{bl, ch}
	var base, sys []Matrix
	for _, m := range ms {
		x, _ := m.Matrix(refs)
		y, _ := m.Matrix(hyps)
		base, sys = append(base, x), append(sys, y)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PairedBootstrap(ms, base, sys, 1000, 12345); err != nil {
			b.Fatal(err)
		}
	}
}
