package decode

import (
	"math"

	"github.com/sugarme/gotch/ts"
)

// Ensemble decodes with several models at once. Each step averages their
// probabilities, as fairseq's EnsembleModel does: log(mean_i p_i), computed
// as logsumexp_i(log p_i) - log n. The models must share the target
// dictionary.
type Ensemble []Model

type ensembleState []State

// Start starts every model's state.
func (e Ensemble) Start(src *ts.Tensor, maxLen int) State {
	st := make(ensembleState, len(e))
	for i, m := range e {
		st[i] = m.Start(src, maxLen)
	}
	return st
}

// Step steps every model and averages their probabilities.
func (e Ensemble) Step(prev *ts.Tensor, s State) *ts.Tensor {
	st := s.(ensembleState)
	if len(e) == 1 {
		return e[0].Step(prev, st[0])
	}
	lps := make([]*ts.Tensor, len(e))
	for i, m := range e {
		lps[i] = m.Step(prev, st[i])
	}
	return ts.MustStack(lps, 0).MustLogsumexp([]int64{0}, false, true).
		MustSubScalar(ts.FloatScalar(math.Log(float64(len(e)))), true)
}

func (st ensembleState) Reorder(idx []int64) {
	for _, s := range st {
		s.Reorder(idx)
	}
}

func (st ensembleState) Free() {
	for _, s := range st {
		s.Free()
	}
}
