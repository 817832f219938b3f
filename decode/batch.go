package decode

import (
	"context"
	"sort"

	"github.com/sugarme/gotch"
)

// Batching bounds the batches that Translate makes: at most BatchSize
// sentences (0: no bound) and at most MaxTokens source tokens counting
// padding, i.e. sentences x longest (0: no bound). A sentence longer than
// MaxTokens gets a batch of its own.
type Batching struct {
	MaxTokens int
	BatchSize int
}

// Batches sorts the sentences by length (longest first, ties in input
// order) and groups them under b; it returns indices into src.
func (b Batching) Batches(src [][]int64) [][]int {
	order := make([]int, len(src))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return len(src[order[i]]) > len(src[order[j]]) })
	var out [][]int
	var cur []int
	width := 0
	for _, i := range order {
		w := max(width, len(src[i]))
		if len(cur) > 0 && ((b.BatchSize > 0 && len(cur)+1 > b.BatchSize) || (b.MaxTokens > 0 && (len(cur)+1)*w > b.MaxTokens)) {
			out = append(out, cur)
			cur, w = nil, len(src[i])
		}
		cur = append(cur, i)
		width = w
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// Translate decodes every sentence of src (each ending in EOS) in batches
// of similar length and returns the hypotheses in input order. Beam 1
// (without Exhaustive) runs Greedy, which gives the same results faster.
func Translate(m Model, src [][]int64, o Options, b Batching, dev gotch.Device) ([][]Hypothesis, error) {
	return TranslateContext(context.Background(), m, src, o, b, dev)
}

// TranslateContext is Translate that stops before the next batch once ctx
// is done, returning ctx's error.
func TranslateContext(ctx context.Context, m Model, src [][]int64, o Options, b Batching, dev gotch.Device) ([][]Hypothesis, error) {
	out := make([][]Hypothesis, len(src))
	for _, idx := range b.Batches(src) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := make([][]int64, len(idx))
		for j, i := range idx {
			batch[j] = src[i]
		}
		var res [][]Hypothesis
		var err error
		if o.Beam == 1 && !o.Exhaustive {
			res, err = Greedy(m, batch, o, dev)
		} else {
			res, err = Beam(m, batch, o, dev)
		}
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			out[i] = res[j]
		}
	}
	return out, nil
}
