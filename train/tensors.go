package train

import (
	"sort"

	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
)

// Param is one trainable tensor of the model with its VarStore name.
type Param struct {
	Name string
	T    *ts.Tensor
}

// Params returns the trainable variables of vs sorted by name, so that
// optimiser state and checkpoints have a stable order.
func Params(vs *nn.VarStore) []Param {
	vars := vs.Variables()
	out := make([]Param, 0, len(vars))
	for name, v := range vars {
		t := v
		if !t.MustRequiresGrad() {
			continue
		}
		out = append(out, Param{Name: name, T: &t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AllVars returns every variable of vs (buffers too) sorted by name.
func AllVars(vs *nn.VarStore) []Param {
	vars := vs.Variables()
	out := make([]Param, 0, len(vars))
	for name, v := range vars {
		t := v
		out = append(out, Param{Name: name, T: &t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// scalars hands out libtorch scalars and frees them together: a Scalar is
// C memory that no Scope tracks.
type scalars []*ts.Scalar

func (s *scalars) f(v float64) *ts.Scalar {
	x := ts.FloatScalar(v)
	*s = append(*s, x)
	return x
}

func (s *scalars) i(v int64) *ts.Scalar {
	x := ts.IntScalar(v)
	*s = append(*s, x)
	return x
}

func (s *scalars) drop() {
	for _, x := range *s {
		x.MustDrop()
	}
	*s = (*s)[:0]
}
