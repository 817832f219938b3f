package data

import "fmt"

// BatchConfig sets how sentence pairs are grouped into batches, as
// fairseq's --max-tokens, --batch-size, --max-source-positions,
// --max-target-positions and --required-batch-size-multiple.
type BatchConfig struct {
	// MaxTokens bounds the padded size of a batch: sentences times the
	// longest source or target (EOS included). 0: no bound.
	MaxTokens int
	// MaxSentences bounds the number of pairs in a batch. 0: no bound.
	MaxSentences int
	// MaxSourcePositions, MaxTargetPositions drop pairs whose source or
	// target (EOS included) is longer. 0: no limit.
	MaxSourcePositions, MaxTargetPositions int
	// SizeMultiple makes batch sizes a multiple of it where possible
	// (fairseq's default is 8; 1 turns this off).
	SizeMultiple int
	// Shuffle shuffles the indices with Seed before sorting them by
	// length, so pairs of equal length are mixed; without it, ties keep
	// file order.
	Shuffle bool
	Seed    int64
}

// DefaultBatchConfig is fairseq's default for translation: 4,096 tokens,
// 1,024 positions per side, sizes a multiple of 8, shuffled with seed 1.
func DefaultBatchConfig() BatchConfig {
	return BatchConfig{MaxTokens: 4096, MaxSourcePositions: 1024, MaxTargetPositions: 1024, SizeMultiple: 8, Shuffle: true, Seed: 1}
}

// Validate reports settings that cannot make batches.
func (c BatchConfig) Validate() error {
	if c.MaxTokens <= 0 && c.MaxSentences <= 0 {
		return fmt.Errorf("data: want MaxTokens or MaxSentences above 0, got %d and %d", c.MaxTokens, c.MaxSentences)
	}
	if c.MaxTokens < 0 || c.MaxSentences < 0 || c.MaxSourcePositions < 0 || c.MaxTargetPositions < 0 || c.SizeMultiple < 0 {
		return fmt.Errorf("data: want batch limits of 0 or more, got %+v", c)
	}
	return nil
}

// Plan is the fixed list of batches of one dataset; every epoch visits the
// same batches, in an order shuffled per epoch (see EpochIterator).
type Plan struct {
	// Batches holds dataset indices; each batch is sorted by length.
	Batches [][]int
	// DroppedPositions counts pairs longer than MaxSourcePositions or
	// MaxTargetPositions; DroppedTokens counts pairs that alone exceed
	// MaxTokens. Dropped lists the first few dropped indices.
	DroppedPositions, DroppedTokens int
	Dropped                         []int
}

// Pairs is the number of pairs in all batches.
func (p *Plan) Pairs() int {
	n := 0
	for _, b := range p.Batches {
		n += len(b)
	}
	return n
}

// MakePlan orders, filters and batches pairs with the given source and
// target sizes (tgt may be nil for source-only data), like fairseq's
// LanguagePairDataset.ordered_indices, filter_indices_by_size and
// data_utils.batch_by_size:
//
//  1. indices 0..n-1, shuffled with cfg.Seed when cfg.Shuffle;
//  2. stable-sorted by target length, then stable-sorted by source length
//     (so the order is by source length, ties by target length);
//  3. pairs over the position limits dropped and counted, and so are pairs
//     whose max(src, tgt) alone exceeds MaxTokens (fairseq stops there);
//  4. greedy batches: a batch grows while sentences x longest <= MaxTokens
//     and sentences <= MaxSentences, cut to a multiple of SizeMultiple.
func MakePlan(src, tgt []int32, cfg BatchConfig) (*Plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if tgt != nil && len(tgt) != len(src) {
		return nil, fmt.Errorf("data: want as many target sizes as source sizes, got %d and %d", len(tgt), len(src))
	}
	n := len(src)
	tgtLen := func(i int) int32 {
		if tgt == nil {
			return 0
		}
		return tgt[i]
	}
	var idx []int
	if cfg.Shuffle {
		idx = Permutation(n, cfg.Seed)
	} else {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
	}
	if tgt != nil {
		idx = stableSortBy(idx, tgt)
	}
	idx = stableSortBy(idx, src)

	p := &Plan{}
	kept := idx[:0]
	for _, i := range idx {
		s, t := int(src[i]), int(tgtLen(i))
		switch {
		case (cfg.MaxSourcePositions > 0 && s > cfg.MaxSourcePositions) || (cfg.MaxTargetPositions > 0 && t > cfg.MaxTargetPositions):
			p.DroppedPositions++
		case cfg.MaxTokens > 0 && max(s, t) > cfg.MaxTokens:
			p.DroppedTokens++
		default:
			kept = append(kept, i)
			continue
		}
		if len(p.Dropped) < 10 {
			p.Dropped = append(p.Dropped, i)
		}
	}
	ntok := make([]int, len(kept))
	for k, i := range kept {
		ntok[k] = max(int(src[i]), int(tgtLen(i)))
	}
	p.Batches = batchBySize(kept, ntok, cfg.MaxTokens, cfg.MaxSentences, max(cfg.SizeMultiple, 1))
	return p, nil
}

// stableSortBy returns idx sorted by key[i], ties in their order in idx
// (a counting sort: lengths are small non-negative integers).
func stableSortBy(idx []int, key []int32) []int {
	hi := int32(0)
	for _, i := range idx {
		hi = max(hi, key[i])
	}
	start := make([]int, int(hi)+2)
	for _, i := range idx {
		start[max(key[i], 0)+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	out := make([]int, len(idx))
	for _, i := range idx {
		k := max(key[i], 0)
		out[start[k]] = i
		start[k]++
	}
	return out
}

// batchBySize is fairseq's data_utils_fast.batch_by_size_vec: it splits
// indices (in order) into batches; ntok[k] is the size of indices[k].
func batchBySize(indices []int, ntok []int, maxTokens, maxSentences, mult int) [][]int {
	n := len(indices)
	if n == 0 {
		return nil
	}
	ends := make([]int, n+1) // ends[k]: end of batch k; the running batch is ends[count]
	count := 0
	batchStart := 0
	tailMax, batchMax := 0, 0
	for pos := 0; pos < n; pos++ {
		tailMax = max(tailMax, ntok[pos])
		newEnd := pos + 1
		newMax := max(batchMax, tailMax)
		newSents := newEnd - batchStart
		overflow := (maxSentences > 0 && newSents > maxSentences) || (maxTokens > 0 && newSents*newMax > maxTokens)
		sizeOK := newSents < mult || newSents%mult == 0
		if overflow {
			// The running batch is full: close it. If the tail after it
			// does not fit either, the tail without pos is a batch too.
			tailTokens := tailMax * (newEnd - ends[count])
			if maxTokens > 0 && tailTokens > maxTokens {
				count++
				ends[count] = pos
				tailMax = ntok[pos]
			}
			batchStart = ends[count]
			count++
			newMax = tailMax
		}
		if overflow || sizeOK {
			ends[count] = newEnd
			batchMax = newMax
			tailMax = 0
		}
	}
	if ends[count] != n {
		count++
	}
	batches := make([][]int, 0, count+1)
	start := 0
	for _, end := range append(ends[:count:count], n) {
		if end > start {
			batches = append(batches, indices[start:end:end])
		}
		start = end
	}
	return batches
}
