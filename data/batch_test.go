package data

import (
	"reflect"
	"sort"
	"testing"
)

// TestBatchBySizeFairseq checks batch sizes against fairseq's
// data_utils_fast.batch_by_size_vec, run on the same lengths.
func TestBatchBySizeFairseq(t *testing.T) {
	ntok := []int{1, 2, 3, 3, 3, 4, 5, 5, 5, 6, 7, 8, 8, 9, 10, 12, 15, 15, 16, 20}
	tests := []struct {
		maxTokens, maxSentences, mult int
		want                          []int
	}{
		{24, 0, 1, []int{6, 4, 3, 2, 1, 1, 1, 1, 1}},
		{24, 0, 4, []int{4, 4, 3, 2, 2, 1, 1, 1, 1, 1}},
		{40, 5, 1, []int{5, 5, 4, 2, 2, 2}},
		{40, 0, 8, []int{8, 5, 3, 2, 2}},
	}
	idx := make([]int, len(ntok))
	for i := range idx {
		idx[i] = i
	}
	for _, tt := range tests {
		var got []int
		for _, b := range batchBySize(idx, ntok, tt.maxTokens, tt.maxSentences, tt.mult) {
			got = append(got, len(b))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("max-tokens %d max-sentences %d mult %d: sizes %v, want %v", tt.maxTokens, tt.maxSentences, tt.mult, got, tt.want)
		}
	}
}

// randomSizes returns n source and target sizes in [1, 60].
func randomSizes(n int, seed int64) (src, tgt []int32) {
	r := newRNG(seed)
	for i := 0; i < n; i++ {
		s := 1 + r.intn(60)
		src = append(src, int32(s))
		tgt = append(tgt, int32(max(1, s+r.intn(11)-5)))
	}
	return src, tgt
}

func TestMakePlanBoundsAndCoverage(t *testing.T) {
	src, tgt := randomSizes(3000, 7)
	src[10], tgt[11] = 300, 400 // over the position limits
	configs := []BatchConfig{
		{MaxTokens: 500, MaxSourcePositions: 256, MaxTargetPositions: 256, SizeMultiple: 8, Shuffle: true, Seed: 1},
		{MaxTokens: 500, MaxSentences: 16, MaxSourcePositions: 256, MaxTargetPositions: 256, SizeMultiple: 1, Shuffle: true, Seed: 2},
		{MaxSentences: 7, MaxSourcePositions: 256, MaxTargetPositions: 256},
	}
	for _, cfg := range configs {
		p, err := MakePlan(src, tgt, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if p.DroppedPositions != 2 || !reflect.DeepEqual(sorted(p.Dropped), []int{10, 11}) {
			t.Errorf("%+v: dropped %d %v, want 2 [10 11]", cfg, p.DroppedPositions, p.Dropped)
		}
		seen := make([]int, len(src))
		for _, b := range p.Batches {
			longest := 0
			for _, i := range b {
				seen[i]++
				longest = max(longest, int(src[i]), int(tgt[i]))
			}
			if cfg.MaxTokens > 0 && len(b)*longest > cfg.MaxTokens {
				t.Errorf("%+v: batch of %d x %d tokens > %d", cfg, len(b), longest, cfg.MaxTokens)
			}
			if cfg.MaxSentences > 0 && len(b) > cfg.MaxSentences {
				t.Errorf("%+v: batch of %d sentences", cfg, len(b))
			}
		}
		for i, n := range seen {
			want := 1
			if i == 10 || i == 11 {
				want = 0
			}
			if n != want {
				t.Fatalf("%+v: index %d in %d batches, want %d", cfg, i, n, want)
			}
		}
	}
}

func sorted(x []int) []int {
	y := append([]int(nil), x...)
	sort.Ints(y)
	return y
}

func TestMakePlanOrder(t *testing.T) {
	src := []int32{3, 1, 3, 2, 1, 3}
	tgt := []int32{1, 5, 2, 2, 4, 1}
	p, err := MakePlan(src, tgt, BatchConfig{MaxSentences: 100})
	if err != nil {
		t.Fatal(err)
	}
	// By source length, ties by target length, then file order.
	if want := [][]int{{4, 1, 3, 0, 5, 2}}; !reflect.DeepEqual(p.Batches, want) {
		t.Errorf("batches %v, want %v", p.Batches, want)
	}
}

func TestMakePlanDeterministic(t *testing.T) {
	src, tgt := randomSizes(2000, 3)
	cfg := DefaultBatchConfig()
	cfg.MaxTokens = 300
	a, _ := MakePlan(src, tgt, cfg)
	b, _ := MakePlan(src, tgt, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different plans")
	}
	cfg.Seed = 2
	c, _ := MakePlan(src, tgt, cfg)
	if reflect.DeepEqual(a.Batches, c.Batches) {
		t.Error("seeds 1 and 2 gave the same plan")
	}
}

func TestMakePlanTooLongForMaxTokens(t *testing.T) {
	p, err := MakePlan([]int32{5, 50, 5}, []int32{5, 5, 60}, BatchConfig{MaxTokens: 40})
	if err != nil {
		t.Fatal(err)
	}
	if p.DroppedTokens != 2 || p.Pairs() != 1 {
		t.Errorf("dropped %d kept %d, want 2 and 1", p.DroppedTokens, p.Pairs())
	}
}

func TestBatchConfigValidate(t *testing.T) {
	if _, err := MakePlan([]int32{1}, nil, BatchConfig{}); err == nil {
		t.Error("no limits: want an error")
	}
	if _, err := MakePlan([]int32{1}, []int32{1, 2}, BatchConfig{MaxTokens: 9}); err == nil {
		t.Error("size mismatch: want an error")
	}
}
