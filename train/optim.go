package train

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// Optimizer updates parameters from their gradients. Its state lives in
// plain tensors, so that checkpoints can save and restore it exactly
// (gotch's C++ optimisers keep state that cannot be saved).
type Optimizer interface {
	// Step applies one update at learning rate lr. Call it with grad
	// mode off. Temporaries belong to the current scope.
	Step(lr float64)
	// State returns the state tensors by name, for checkpoints, and the
	// number of steps taken.
	State() (map[string]*ts.Tensor, int64)
	// SetStep restores the step count (the state tensors are restored by
	// copying into those State returns).
	SetStep(n int64)
}

// Adam is fairseq's Adam (fairseq/optim/adam.py) in fp32:
//
//	m = b1*m + (1-b1)*g
//	v = b2*v + (1-b2)*g*g
//	step = lr * sqrt(1-b2^t) / (1-b1^t)
//	p = p - wd*lr*p                      (decoupled weight decay)
//	p = p - step * m / (sqrt(v) + eps)
type Adam struct {
	// Ops makes Step update with libtorch's ops even where the Adam kernel
	// (kernel.AdamStep) takes the parameters: every one a contiguous CPU
	// float32 tensor. The two agree to float rounding; tests compare them.
	Ops bool

	params          []Param
	m, v            []*ts.Tensor
	b1, b2, eps, wd float64
	step            int64
	fused           int8 // 0 not decided, 1 the kernel takes the parameters, -1 not
}

// NewAdam makes zeroed state for params (persistent tensors, outside any
// scope).
func NewAdam(params []Param, b1, b2, eps, wd float64) *Adam {
	a := &Adam{params: params, b1: b1, b2: b2, eps: eps, wd: wd}
	for _, p := range params {
		a.m = append(a.m, zerosLike(p.T))
		a.v = append(a.v, zerosLike(p.T))
	}
	return a
}

func zerosLike(t *ts.Tensor) *ts.Tensor {
	dev, _ := t.Device()
	return ts.MustZeros(t.MustSize(), t.DType(), dev)
}

// Step implements Optimizer.
func (a *Adam) Step(lr float64) {
	a.step++
	bc1 := 1 - math.Pow(a.b1, float64(a.step))
	bc2 := 1 - math.Pow(a.b2, float64(a.step))
	stepSize := lr * math.Sqrt(bc2) / bc1
	decay := 1 - a.wd*lr
	if !a.Ops && a.cpuFloat() {
		var ps, gs, ms, vs []*ts.Tensor
		for i, p := range a.params {
			if g := p.T.MustGrad(false); g.MustDefined() {
				ps, gs, ms, vs = append(ps, p.T), append(gs, g), append(ms, a.m[i]), append(vs, a.v[i])
			}
		}
		if err := kernel.AdamStep(ps, gs, ms, vs, a.b1, a.b2, a.eps, decay, stepSize); err != nil {
			panic(err)
		}
		return
	}
	var sc scalars
	defer sc.drop()
	w1, w2, eps := sc.f(1-a.b1), sc.f(1-a.b2), sc.f(a.eps)
	dec := sc.f(decay)
	negStep := sc.f(-stepSize)
	for i, p := range a.params {
		g := p.T.MustGrad(false)
		if !g.MustDefined() {
			continue
		}
		a.m[i].MustLerp_(g, w1)
		gg := g.MustMul(g, false)
		a.v[i].MustLerp_(gg, w2)
		gg.MustDrop()
		denom := a.v[i].MustSqrt(false)
		denom.MustAddScalar_(eps)
		if a.wd != 0 {
			p.T.MustMulScalar_(dec)
		}
		upd := a.m[i].MustDiv(denom, false)
		denom.MustDrop()
		upd.MustMulScalar_(negStep)
		p.T.MustAdd_(upd)
		upd.MustDrop()
	}
}

// cpuFloat reports whether every parameter is a contiguous CPU float32
// tensor, as kernel.AdamStep needs; decided once.
func (a *Adam) cpuFloat() bool {
	if a.fused == 0 {
		a.fused = 1
		for _, p := range a.params {
			if p.T.DType() != gotch.Float || p.T.MustDevice().IsCuda() || !p.T.MustIsContiguous() {
				a.fused = -1
				break
			}
		}
	}
	return a.fused > 0
}

// State implements Optimizer.
func (a *Adam) State() (map[string]*ts.Tensor, int64) {
	st := map[string]*ts.Tensor{}
	for i, p := range a.params {
		st["optim.exp_avg."+p.Name] = a.m[i]
		st["optim.exp_avg_sq."+p.Name] = a.v[i]
	}
	return st, a.step
}

// SetStep implements Optimizer.
func (a *Adam) SetStep(n int64) { a.step = n }

// SGD is torch.optim.SGD with momentum (dampening 0) and L2 weight decay
// added to the gradient, as fairseq's sgd optimizer uses it.
type SGD struct {
	params       []Param
	buf          []*ts.Tensor
	momentum, wd float64
	step         int64
}

// NewSGD makes zeroed momentum buffers for params.
func NewSGD(params []Param, momentum, wd float64) *SGD {
	s := &SGD{params: params, momentum: momentum, wd: wd}
	for _, p := range params {
		s.buf = append(s.buf, zerosLike(p.T))
	}
	return s
}

// Step implements Optimizer.
func (s *SGD) Step(lr float64) {
	var sc scalars
	defer sc.drop()
	s.step++
	neg, mom, wd := sc.f(-lr), sc.f(s.momentum), sc.f(s.wd)
	for i, p := range s.params {
		g := p.T.MustGrad(false)
		if !g.MustDefined() {
			continue
		}
		if s.wd != 0 {
			pw := p.T.MustMulScalar(wd, false)
			g = g.MustAdd(pw, false)
			pw.MustDrop()
		}
		d := g
		if s.momentum != 0 {
			if s.step == 1 {
				s.buf[i].Copy_(g)
			} else {
				s.buf[i].MustMulScalar_(mom)
				s.buf[i].MustAdd_(g)
			}
			d = s.buf[i]
		}
		u := d.MustMulScalar(neg, false)
		p.T.MustAdd_(u)
		u.MustDrop()
	}
}

// State implements Optimizer.
func (s *SGD) State() (map[string]*ts.Tensor, int64) {
	st := map[string]*ts.Tensor{}
	for i, p := range s.params {
		st["optim.momentum_buffer."+p.Name] = s.buf[i]
	}
	return st, s.step
}

// SetStep implements Optimizer.
func (s *SGD) SetStep(n int64) { s.step = n }

// ScaleGrads multiplies every gradient by f in place.
func ScaleGrads(params []Param, f float64) {
	var sc scalars
	defer sc.drop()
	x := sc.f(f)
	for _, p := range params {
		g := p.T.MustGrad(false)
		if g.MustDefined() {
			g.MustMulScalar_(x)
		}
	}
}

// ClipGradNorm is fairseq's clip_grad_norm_: it returns the total L2 norm
// of the gradients before clipping and, when maxNorm > 0, scales them by
// min(1, maxNorm/(norm+1e-6)).
func ClipGradNorm(params []Param, maxNorm float64) float64 {
	var sc scalars
	defer sc.drop()
	var total float64
	for _, p := range params {
		g := p.T.MustGrad(false)
		if !g.MustDefined() {
			continue
		}
		n := g.MustNorm(false)
		x, err := n.Float64Value(nil)
		if err != nil {
			panic(err)
		}
		total += x * x
	}
	total = math.Sqrt(total)
	if maxNorm > 0 && !math.IsNaN(total) && !math.IsInf(total, 0) {
		if c := maxNorm / (total + 1e-6); c < 1 {
			s := sc.f(c)
			for _, p := range params {
				g := p.T.MustGrad(false)
				if g.MustDefined() {
					g.MustMulScalar_(s)
				}
			}
		}
	}
	return total
}

// ClearGrads drops every gradient (set to none, as PyTorch's
// zero_grad(set_to_none=True)); the next backward writes them afresh.
// Optimisers, clipping and the all-reduce skip or fill a missing gradient.
func ClearGrads(params []Param) {
	xs := make([]*ts.Tensor, len(params))
	for i, p := range params {
		xs[i] = p.T
	}
	tch.ClearGrads(xs)
}

func newOptimizer(o OptimConfig, params []Param) (Optimizer, error) {
	switch o.Optimizer {
	case "adam":
		b1, b2, err := o.Betas()
		if err != nil {
			return nil, err
		}
		return NewAdam(params, b1, b2, o.AdamEps, o.WeightDecay), nil
	case "sgd":
		return NewSGD(params, o.Momentum, o.WeightDecay), nil
	}
	return nil, fmt.Errorf("optimizer: want adam or sgd, got %q", o.Optimizer)
}

var _ = gotch.Float
