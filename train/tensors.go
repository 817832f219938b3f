package train

import (
	"runtime"
	"sort"
	"unsafe"

	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
)

// Param is one trainable tensor of the model with its VarStore name.
type Param struct {
	Name string
	T    *ts.Tensor
}

// Params returns the trainable variables of vs sorted by name, so that
// optimiser state and checkpoints have a stable order. The tensors are
// the VarStore's own (*ts.Tensor shared with the model): gotch's in-place
// ops replace a tensor's C handle, so an optimiser must update the very
// Tensor the model holds, never a copy.
func Params(vs *nn.VarStore) []Param {
	names := map[unsafe.Pointer]string{}
	for name, v := range vs.Variables() {
		names[v.Ctensor()] = name
	}
	var out []Param
	for _, t := range vs.TrainableVariables() {
		out = append(out, Param{Name: names[t.Ctensor()], T: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AllVars returns every variable of vs (buffers too) sorted by name. The
// tensors are copies sharing the current C handles: use them for reading
// or Copy_, never for in-place ops that replace handles. The store's own
// tensors carry the finalizers that free those handles, so each copy
// keeps vs reachable for as long as the copy is (TestAllVarsUnderGC):
// a caller may drop the store and still read them.
func AllVars(vs *nn.VarStore) []Param {
	vars := vs.Variables()
	out := make([]Param, 0, len(vars))
	for name, v := range vars {
		t := new(ts.Tensor)
		*t = v
		runtime.AddCleanup(t, func(*nn.VarStore) {}, vs)
		out = append(out, Param{Name: name, T: t})
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
