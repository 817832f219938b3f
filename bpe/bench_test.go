package bpe_test

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/text"
)

// tatoebaDir holds the Tatoeba de-en corpus (169,813 sentence pairs) in
// the shared data beside the repository; it is never committed.
var tatoebaDir = filepath.Join("..", "..", "shared", "data", "other-de-en", "tatoeba-manythings-2018-05-13")

var tatoeba struct {
	once  sync.Once
	lines []string // both sides, tokenized as fairseq's recipes do (Moses, -a)
	words int
	err   error
}

// tatoebaLines reads and tokenizes tatoeba.en and tatoeba.de once.
func tatoebaLines(b *testing.B) []string {
	tatoeba.once.Do(func() {
		for _, lang := range []string{"en", "de"} {
			f, err := os.Open(filepath.Join(tatoebaDir, "tatoeba."+lang))
			if err != nil {
				tatoeba.err = err
				return
			}
			tok := text.NewTokenizer(lang, text.TokenizerOptions{Aggressive: true})
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				l := tok.Tokenize(sc.Text())
				tatoeba.lines = append(tatoeba.lines, l)
				tatoeba.words += len(strings.Fields(l))
			}
			f.Close()
		}
	})
	if tatoeba.err != nil {
		b.Skipf("Tatoeba corpus not available: %v", tatoeba.err)
	}
	return tatoeba.lines
}

func tatoebaCounts(b *testing.B, lines []string) map[string]int {
	counts := map[string]int{}
	if err := bpe.CountWords(strings.NewReader(strings.Join(lines, "\n")), counts); err != nil {
		b.Fatal(err)
	}
	return counts
}

// BenchmarkLearnTatoeba10k learns 10,000 joint merges from both sides of
// Tatoeba (about 2.2 million tokens).
func BenchmarkLearnTatoeba10k(b *testing.B) { benchLearn(b, 10000) }

func BenchmarkLearnTatoeba1k(b *testing.B) { benchLearn(b, 1000) }

func benchLearn(b *testing.B, merges int) {
	counts := tatoebaCounts(b, tatoebaLines(b))
	b.ResetTimer()
	for b.Loop() {
		if _, err := bpe.Learn(counts, bpe.LearnOptions{Merges: merges}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tatoeba.words)*float64(b.N)/b.Elapsed().Seconds(), "tok/s")
}

// BenchmarkCountTatoeba counts the words of both sides.
func BenchmarkCountTatoeba(b *testing.B) {
	all := strings.Join(tatoebaLines(b), "\n")
	for b.Loop() {
		if err := bpe.CountWords(strings.NewReader(all), map[string]int{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tatoeba.words)*float64(b.N)/b.Elapsed().Seconds(), "tok/s")
}

// BenchmarkApplyTatoeba segments both sides with 10,000 merges through
// ApplyStream (all CPUs), starting each time with an empty word cache.
func BenchmarkApplyTatoeba(b *testing.B) {
	lines := tatoebaLines(b)
	codes := learnTatoeba(b, lines)
	all := strings.Join(lines, "\n") + "\n"
	for b.Loop() {
		e := bpe.NewEncoder(codes)
		if _, err := e.ApplyStream(io.Discard, strings.NewReader(all)); err != nil {
			b.Fatal(err)
		}
	}
	reportLines(b, len(lines))
}

// BenchmarkApplyTatoebaSerial is BenchmarkApplyTatoeba on one goroutine,
// calling Apply line by line.
func BenchmarkApplyTatoebaSerial(b *testing.B) {
	lines := tatoebaLines(b)
	codes := learnTatoeba(b, lines)
	for b.Loop() {
		e := bpe.NewEncoder(codes)
		for _, l := range lines {
			e.Apply(l)
		}
	}
	reportLines(b, len(lines))
}

func learnTatoeba(b *testing.B, lines []string) *bpe.Codes {
	codes, err := bpe.Learn(tatoebaCounts(b, lines), bpe.LearnOptions{Merges: 10000})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	return codes
}

func reportLines(b *testing.B, n int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)*float64(b.N)/s, "lines/s")
	b.ReportMetric(float64(tatoeba.words)*float64(b.N)/s, "tok/s")
}
