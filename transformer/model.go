package transformer

import (
	"math"
	"sync"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"
)

// Model is the encoder-decoder Transformer. Its parameters live in the
// VarStore of the path given to New (names follow fairseq:
// encoder.layers.0.self_attn.in_proj_weight, ...); the fields expose them to
// package fixup and to tests.
type Model struct {
	Encoder *Encoder
	Decoder *Decoder

	cfg        Config
	posTable   *ts.Tensor // [MaxPositions+Pad+1, D] sinusoids, not a parameter
	embedScale float64
	train      bool
	int8       bool       // products in int8 (UseInt8)
	packMu     sync.Mutex // packDecoder

	// Options of decoding, set by tests through export_test.go.
	noPack     bool  // NewState leaves the decoder's weights unpacked
	initialCap int64 // the caches' first capacity; 0: firstCap's
}

// New validates c, creates the parameters under p and gives them fairseq's
// default initialisation, whatever c.Init says: package fixup's New applies
// the named initialisation on top. The model starts in training mode.
func New(p *nn.Path, c Config) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.MaxPositions == 0 {
		c.MaxPositions = c.maxPositions()
	}
	m := &Model{cfg: c, embedScale: math.Sqrt(float64(c.Dim)), train: true}
	m.Encoder = newEncoder(p.Sub("encoder"), c)
	m.Decoder = newDecoder(p.Sub("decoder"), c, m.Encoder.Embed)
	m.posTable = adopt(sinusoidalTable(c.MaxPositions+c.Pad+1, c.Dim, c.Pad, p.Device()))
	m.initDefault()
	return m, nil
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// SetTraining switches dropout on (true) or off. A model in int8
// (UseInt8) cannot train: SetTraining(true) panics.
func (m *Model) SetTraining(on bool) {
	if on && m.int8 {
		panic("transformer: an int8 model (UseInt8) decodes only; it cannot train")
	}
	m.train = on
}

// Training reports whether dropout is on.
func (m *Model) Training() bool { return m.train }

// Forward is the teacher-forced pass. src: [B, S] int64, left-padded with
// Pad; prevOutput: [B, T] int64, EOS then the target shifted right,
// right-padded. Returns logits [B, T, V] float32. Every tensor it makes,
// the result included, belongs to the current ts.Scope (or to the caller
// when there is none): run it inside a scope per step.
func (m *Model) Forward(src, prevOutput *ts.Tensor) *ts.Tensor {
	enc := m.Encode(src)
	out := m.Decode(prevOutput, enc)
	enc.Free()
	return out
}

// ForwardRows is Forward with the output layer applied only at the given
// positions: rows [N] int64 are flat indices into the [B, T] target
// positions (b*T + t), and the result is logits [N, V]. Training passes
// the positions whose target is not padding, so that the output
// projection, the largest matrix product, and the loss skip the padding;
// the logits at those positions equal Forward's. Tensors belong to the
// current ts.Scope, as Forward's.
func (m *Model) ForwardRows(src, prevOutput, rows *ts.Tensor) *ts.Tensor {
	enc := m.Encode(src)
	x := m.decodeHidden(prevOutput, enc)
	enc.Free()
	x = x.MustView([]int64{-1, int64(m.cfg.Dim)}, true).MustIndexSelect(0, rows, true)
	return m.Decoder.output(x)
}

// Step decodes one position for every row of st. prev: [B] int64, the last
// token (EOS at step 0). Returns log-probabilities [B, V] float32 of the
// next token, owned by the caller (or the current scope); st's caches
// advance by one position. Step runs without gradients and without
// dropout; it frees its own temporaries.
func (m *Model) Step(prev *ts.Tensor, st *State) *ts.Tensor {
	return m.step(prev, st, true)
}

// StepLogits is Step returning the output layer's logits [B, V] instead of
// log-probabilities (which are the logits minus each row's log-sum-exp).
func (m *Model) StepLogits(prev *ts.Tensor, st *State) *ts.Tensor {
	return m.step(prev, st, false)
}

func (m *Model) step(prev *ts.Tensor, st *State, logSoftmax bool) *ts.Tensor {
	if st.step >= st.maxLen {
		panic("transformer: Step past the State's maxLen")
	}
	st.grow()
	var out *ts.Tensor
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		b := prev.MustSize()[0]
		d := m.Decoder
		tok := prev.MustView([]int64{b, 1}, false)
		pos := m.posTable.MustNarrow(0, int64(m.cfg.Pad)+1+st.step, 1, false) // [1, D]
		x := ts.MustEmbedding(d.Embed, tok, int64(m.cfg.Pad), false, false).
			MustMulScalar(ts.FloatScalar(m.embedScale), true).
			MustAdd(pos, true) // [B, 1, D]
		st.cur = st.stepSlots()
		for i, l := range d.Layers {
			x = l.step(x, st, i)
		}
		st.cur = nil
		out = d.output(x).MustView([]int64{b, -1}, true)
		if logSoftmax {
			out = out.MustLogSoftmax(-1, gotch.Float, true)
		}
		s.Keep(out)
	})
	st.advance()
	return out
}

// adopt returns a new handle on t's storage that belongs to no ts.Scope:
// its owner frees it with Drop. It relies on a zero ts.Scope's Close making
// "no scope" current, and on Close restoring the enclosing scope.
func adopt(t *ts.Tensor) *ts.Tensor {
	s := ts.NewScope() // remembers the caller's scope
	defer s.Close()    // ... and restores it
	var none ts.Scope
	none.Close() // no current scope
	return t.MustShallowClone()
}
