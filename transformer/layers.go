package transformer

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
)

// LayerNorm holds a LayerNorm's affine parameters [D] (eps 1e-5).
type LayerNorm struct{ Weight, Bias *ts.Tensor }

func newLayerNorm(p *nn.Path, d int) *LayerNorm {
	return &LayerNorm{
		Weight: p.MustOnes("weight", []int64{int64(d)}),
		Bias:   p.MustZeros("bias", []int64{int64(d)}),
	}
}

func (ln *LayerNorm) forward(x *ts.Tensor) *ts.Tensor {
	return ts.MustLayerNorm(x, ln.Weight.MustSize(), ln.Weight, ln.Bias, 1e-5, false)
}

// FFN is the position-wise ReLU network fc2(relu(fc1(x))). Under fixup it
// has no biases and scalar biases before ReLU (Bias2) and before fc2
// (Bias3); the scalar bias before fc1 is its Residual's Bias.
type FFN struct {
	FC1, FC2         *ts.Tensor // [F, D], [D, F]
	FC1Bias, FC2Bias *ts.Tensor // [F], [D]; nil under fixup
	Bias2, Bias3     *ts.Tensor // [1] fixup scalar biases; nil otherwise
	actDropout       float64
	outScale         *ts.Tensor     // the Residual's multiplier, applied here in training (Residual.foldInto)
	pack1, pack2     *kernel.Packed // FC1, FC2 packed for decoding (Model.packDecoder), or nil
}

func newFFN(p *nn.Path, c Config) *FFN {
	d, f := int64(c.Dim), int64(c.FFNDim)
	n := &FFN{actDropout: c.ActivationDropout}
	n.FC1 = p.Sub("fc1").MustZeros("weight", []int64{f, d})
	n.FC2 = p.Sub("fc2").MustZeros("weight", []int64{d, f})
	if c.LinearBiases() {
		n.FC1Bias = p.Sub("fc1").MustZeros("bias", []int64{f})
		n.FC2Bias = p.Sub("fc2").MustZeros("bias", []int64{d})
	}
	if c.FixupScalars() {
		n.Bias2 = p.MustZeros("bias_relu", []int64{1})
		n.Bias3 = p.MustZeros("bias_fc2", []int64{1})
	}
	return n
}

// forward: x [B, T, D] -> [B, T, D].
func (n *FFN) forward(x *ts.Tensor, train bool) *ts.Tensor {
	var h *ts.Tensor
	if n.Bias2 != nil && n.FC1Bias == nil { // the scalar bias as fc1's bias: no pass of its own
		h = linear(x, n.FC1, n.Bias2.MustExpand([]int64{n.FC1.MustSize()[0]}, false, false), n.pack1)
	} else {
		h = linear(x, n.FC1, n.FC1Bias, n.pack1)
		if n.Bias2 != nil {
			h = h.MustAdd(n.Bias2, true)
		}
	}
	h.MustRelu_() // in place: fc1 and the scalar bias keep nothing their backward needs from h
	h = dropout(h, n.actDropout, train)
	if n.Bias3 != nil {
		h = h.MustAdd(n.Bias3, true)
	}
	return scaledLinear(h, n.FC2, n.FC2Bias, n.outScale, n.pack2, train)
}

// scaledLinear is linear(x, W, b), times s (a branch's [1] multiplier
// folded here, or nil) when training: s*W and s*b are a pass over the
// weight instead of one forward and two backward passes over the
// activation. Outside training (decoding steps: the output is one row per
// sentence) Residual.merge multiplies instead, and p, W packed for
// decoding (or nil), serves.
func scaledLinear(x, w, b, s *ts.Tensor, p *kernel.Packed, train bool) *ts.Tensor {
	if !train {
		return linear(x, w, b, p)
	}
	if s == nil {
		return kernel.MustLinear(x, w, b)
	}
	if b != nil {
		b = b.MustMul(s, false)
	}
	return kernel.MustLinear(x, w.MustMul(s, false), b)
}

// Residual wraps one branch F (attention or FFN):
//
//	post: x = LN(alpha*x + dropout(F(x)))      (alpha = 1 but under deepnorm)
//	pre:  x = x + dropout(F(LN(x)))
//	none: x = x + dropout(scale * F(x + bias)) (fixup: scalar bias and multiplier;
//	                                            rezero: the layer's gate as scale)
type Residual struct {
	Norm   *LayerNorm // post/pre; nil under none
	Bias   *ts.Tensor // [1] fixup scalar bias on the branch input; nil otherwise
	Scale  *ts.Tensor // [1] fixup multiplier (init 1) or rezero gate (init 0, shared by the layer's branches); nil otherwise
	Alpha  float64    // deepnorm residual multiplier; 1 otherwise
	pre    bool
	drop   float64
	folded bool // the branch applies Scale itself (foldInto)
}

func newResidual(p *nn.Path, c Config, name, lnName string, alpha float64, gate *ts.Tensor) *Residual {
	r := &Residual{Alpha: alpha, pre: c.Norm == "pre", drop: c.Dropout, Scale: gate}
	if c.Norm != "none" {
		r.Norm = newLayerNorm(p.Sub(lnName), c.Dim)
	}
	if c.FixupScalars() {
		r.Bias = p.MustZeros(name+"_bias", []int64{1})
		r.Scale = p.MustOnes(name+"_scale", []int64{1})
	}
	return r
}

// branchInput returns what the branch sees: LN(x) under pre-norm, x + bias
// under fixup, x otherwise.
func (r *Residual) branchInput(x *ts.Tensor) *ts.Tensor {
	if r.pre {
		x = r.Norm.forward(x)
	}
	if r.Bias != nil {
		x = x.MustAdd(r.Bias, false)
	}
	return x
}

// foldInto hands the branch's multiplier to the branch's last linear layer
// (its outScale field), which applies it in training (scaledLinear); merge
// then applies it only outside training.
func (r *Residual) foldInto(outScale **ts.Tensor) {
	if r.Scale != nil {
		*outScale, r.folded = r.Scale, true
	}
}

// merge adds the branch output y to x and normalises as the norm says.
func (r *Residual) merge(x, y *ts.Tensor, train bool) *ts.Tensor {
	if r.Scale != nil && !(r.folded && train) {
		y = y.MustMul(r.Scale, true)
	}
	y = dropout(y, r.drop, train)
	if !train && r.Norm != nil && !r.pre && fusedNorm(x) {
		out, err := kernel.AddLayerNorm(x, y, r.Alpha, r.Norm.Weight, r.Norm.Bias, 1e-5)
		if err != nil {
			panic(err)
		}
		return out
	}
	if r.Alpha != 1 {
		x = x.MustMulScalar(ts.FloatScalar(r.Alpha), false)
	}
	out := x.MustAdd(y, false)
	if r.Norm != nil && !r.pre {
		out = r.Norm.forward(out)
	}
	return out
}

// fusedNorm reports whether kernel.AddLayerNorm takes x: CPU float32 rows
// whose width is a multiple of 8.
func fusedNorm(x *ts.Tensor) bool {
	return x.DType() == gotch.Float && x.MustSize()[x.Dim()-1]%8 == 0 && !x.MustDevice().IsCuda()
}
