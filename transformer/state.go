package transformer

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// State is the incremental decoding state of a batch of B rows: per
// decoder layer, the self-attention keys and values of the positions
// decoded so far, in a cache preallocated for maxLen positions and written
// in place, and the encoder-attention keys and values, computed once.
//
// A State's tensors belong to no ts.Scope: the State owns them, Reorder
// frees what it replaces and Free drops them all. It may therefore be made
// in one scope and stepped in per-step scopes.
type State struct {
	self   []*ts.Tensor // per layer [2, Bcap, H, maxLen, dh]; rows 0..B-1, positions 0..step-1 valid
	enc    []*ts.Tensor // per layer [2, B, H, S, dh]
	mask   *ts.Tensor   // [B, 1, 1, S] additive source padding mask
	rows   int64        // B
	step   int64        // positions decoded
	maxLen int64
	dev    gotch.Device
}

// NewState makes the decoding state for the B rows of enc, for at most
// maxLen steps. enc stays the caller's.
func (m *Model) NewState(enc *EncoderOut, maxLen int) *State {
	if maxLen > m.cfg.MaxPositions {
		maxLen = m.cfg.MaxPositions
	}
	c := m.cfg
	b := enc.Out.MustSize()[0]
	dev := enc.Out.MustDevice()
	st := &State{rows: b, maxLen: int64(maxLen), dev: dev}
	h, dh := int64(c.Heads), int64(c.Dim/c.Heads)
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		for _, l := range m.Decoder.Layers {
			st.self = append(st.self, adopt(ts.MustZeros([]int64{2, b, h, int64(maxLen), dh}, gotch.Float, dev)))
			st.enc = append(st.enc, adopt(l.CrossAttn.projectKV(enc.Out)))
		}
		st.mask = adopt(enc.Mask)
	})
	return st
}

// Rows returns B, the number of rows.
func (st *State) Rows() int { return int(st.rows) }

// Len returns the number of positions decoded so far.
func (st *State) Len() int { return int(st.step) }

// Reorder keeps, drops or duplicates rows: row i of the new state is row
// idx[i] of the old one. idx: [B'] int64. It reorders the self-attention
// caches, the encoder keys and values and the source mask, and frees what
// it replaces.
func (st *State) Reorder(idx *ts.Tensor) { st.reorder(idx, true) }

// ReorderDecoder is Reorder for the self-attention caches only, for a beam
// reorder that keeps every row within its sentence's group of beams (the
// encoder side of such rows is identical, so it is left alone). B' must
// equal B.
func (st *State) ReorderDecoder(idx *ts.Tensor) { st.reorder(idx, false) }

func (st *State) reorder(idx *ts.Tensor, withEnc bool) {
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		if idx.MustDevice() != st.dev {
			idx = idx.MustTo(st.dev, false)
		}
		nb := idx.MustSize()[0]
		if !withEnc && nb != st.rows {
			panic("transformer: ReorderDecoder changes the number of rows; use Reorder")
		}
		for i, c := range st.self {
			var moved *ts.Tensor
			if st.step > 0 {
				moved = c.MustNarrow(1, 0, st.rows, false).MustNarrow(3, 0, st.step, true).MustIndexSelect(1, idx, true)
			}
			if sz := c.MustSize(); nb > sz[1] {
				sz[1] = nb
				st.self[i] = adopt(ts.MustZeros(sz, gotch.Float, st.dev))
				c.MustDrop()
			}
			if moved != nil {
				st.self[i].MustNarrow(1, 0, nb, false).MustNarrow(3, 0, st.step, true).Copy_(moved)
			}
			if withEnc {
				old := st.enc[i]
				st.enc[i] = adopt(old.MustIndexSelect(1, idx, false))
				old.MustDrop()
			}
		}
		if withEnc {
			old := st.mask
			st.mask = adopt(old.MustIndexSelect(0, idx, false))
			old.MustDrop()
		}
		st.rows = nb
	})
}

// Free drops every tensor the state holds.
func (st *State) Free() {
	for _, t := range st.self {
		t.MustDrop()
	}
	for _, t := range st.enc {
		t.MustDrop()
	}
	if st.mask != nil {
		st.mask.MustDrop()
	}
	st.self, st.enc, st.mask = nil, nil, nil
}
