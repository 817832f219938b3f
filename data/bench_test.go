package data

import (
	"path/filepath"
	"testing"
)

// benchPlan batches n pairs of random lengths (1-60 tokens).
func benchPlan(b *testing.B, n int) {
	src, tgt := randomSizes(n, 1)
	cfg := DefaultBatchConfig()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := MakePlan(src, tgt, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

func BenchmarkMakePlan160k(b *testing.B) { benchPlan(b, 160000) }
func BenchmarkMakePlan4M(b *testing.B)   { benchPlan(b, 4500000) }

// BenchmarkBatch reads and collates 4,096-token batches from an mmapped
// dataset of 20,000 pairs.
func BenchmarkBatch(b *testing.B) {
	dir := b.TempDir()
	src, tgt := randomSizes(20000, 2)
	for side, sizes := range map[string][]int32{"de": src, "en": tgt} {
		w, err := NewIndexedWriter(DatasetPrefix(dir, "train", "de", "en", side), 10000)
		if err != nil {
			b.Fatal(err)
		}
		for i, n := range sizes {
			ids := make([]int32, n)
			for k := range ids {
				ids[k] = int32(4 + (i+k)%9000)
			}
			ids[n-1] = EOSID
			w.Add(ids)
		}
		w.Close()
	}
	d := BuildDictionary(counter("x"), DefaultDictConfig())
	d.Save(filepath.Join(dir, "dict.de.txt"))
	d.Save(filepath.Join(dir, "dict.en.txt"))
	p, err := OpenLanguagePair(dir, "train", "de", "en")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	plan, _ := p.Plan(DefaultBatchConfig())
	b.ResetTimer()
	tokens := 0
	for i := 0; i < b.N; i++ {
		bt := p.Batch(plan.Batches[i%len(plan.Batches)])
		tokens += bt.NTokens
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tok/s")
}
