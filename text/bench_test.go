package text

import (
	"path/filepath"
	"strings"
	"testing"
)

// Tokenizer throughput in lines/s, on the hand-made test lines (short and
// dense with punctuation) and, when the shared data is there, on the
// English and German IWSLT'14 test sets (TED talks, about 20 words a line).

func BenchmarkTokenizeHandmadeEN(b *testing.B) {
	benchTokenize(b, "en", TokenizerOptions{}, readLines(b, "tokenize.en.in"))
}

func BenchmarkTokenizeHandmadeENAggressive(b *testing.B) {
	benchTokenize(b, "en", TokenizerOptions{Aggressive: true}, readLines(b, "tokenize.en.in"))
}

func BenchmarkTokenizeHandmadeDE(b *testing.B) {
	benchTokenize(b, "de", TokenizerOptions{}, readLines(b, "tokenize.de.in"))
}

func BenchmarkTokenizeIWSLTEN(b *testing.B) {
	benchTokenize(b, "en", TokenizerOptions{}, iwsltSegs(b, "en"))
}

func BenchmarkTokenizeIWSLTDE(b *testing.B) {
	benchTokenize(b, "de", TokenizerOptions{}, iwsltSegs(b, "de"))
}

func BenchmarkDetokenizeIWSLTEN(b *testing.B) {
	tok := NewTokenizer("en", TokenizerOptions{})
	var lines []string
	for _, s := range iwsltSegs(b, "en") {
		lines = append(lines, tok.Tokenize(s))
	}
	d := NewDetokenizer("en")
	benchLines(b, lines, d.Detokenize)
}

func BenchmarkNormalizeIWSLTEN(b *testing.B) {
	benchLines(b, iwsltSegs(b, "en"), func(s string) string { return NormalizePunctuation(s, "en") })
}

func iwsltSegs(b *testing.B, lang string) []string {
	dir := iwsltDir(b)
	var lines []string
	for _, set := range iwsltSets {
		lines = append(lines, segLines(b, filepath.Join(dir, "raw", set+".de-en."+lang+".xml"))...)
	}
	return lines
}

func benchTokenize(b *testing.B, lang string, opt TokenizerOptions, lines []string) {
	benchLines(b, lines, NewTokenizer(lang, opt).Tokenize)
}

// benchLines runs f over lines b.N times and reports lines/s and input
// words/s.
func benchLines(b *testing.B, lines []string, f func(string) string) {
	words, bytes := 0, 0
	for _, s := range lines {
		words += len(strings.Fields(s))
		bytes += len(s)
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range lines {
			f(s)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*len(lines))/sec, "lines/s")
	b.ReportMetric(float64(b.N*words)/sec, "words/s")
}
