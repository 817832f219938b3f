package transformer

import (
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// State is the incremental decoding state of a batch of B rows: per
// decoder layer, the self-attention keys and values of the positions
// decoded so far, in caches preallocated for maxLen positions and written
// in place, and the encoder-attention keys and values, computed once.
//
// Layout. A self-attention cache is [Bcap, H, C, dh] for Bcap >= B rows
// and a capacity of C positions, first about the source length, that
// doubles when full (up to maxLen), so memory follows the longest
// hypothesis so far, not the maximum length. A row's keys [H, n, dh] are
// a view that the attention reads without copying.
//
// Reorders move nothing where the attention kernel runs (CPU float32,
// head sizes it takes: kernel.AttendOne). Each position of the cache is
// written once, at its step, row r into cache row r; each row keeps the
// list of cache rows that hold its positions (slots), and a reorder only
// reorders those lists, which the kernel follows. A beam search over 100
// sentences of the iwslt preset would otherwise move about 250 MB of keys
// and values per step. Elsewhere (CUDA, other head sizes) a reorder is
// one index_select along dim 0 of the filled positions (contiguous [step,
// dh] blocks, the fast path of libtorch's CPU kernel) written straight
// into a spare cache of the same shape, which then takes the old cache's
// place as the spare.
//
// Beams share their source. Rows map to encoder entries (src); while rows
// come in equal groups of g consecutive rows per entry (a beam search's
// layout: after step 0 each sentence has Beam rows), encoder attention runs
// once per entry for its g queries, and a beam reorder within the groups
// moves nothing on the encoder side. The encoder side is never replicated
// per beam; it is compacted by index when whole entries leave.
//
// A State's tensors belong to no ts.Scope: the State owns them, Reorder
// frees what it replaces and Free drops them all. It may therefore be made
// in one scope and stepped in per-step scopes.
type State struct {
	k, v   []*ts.Tensor // per layer [Bcap, H, C, dh]
	spare  *ts.Tensor   // [Bcap, H, C, dh], the next reorder's target; nil with slots
	slots  [][]int64    // per row, the cache row holding each position decoded; nil without
	cur    *ts.Tensor   // this step's slots [B, step+1] (Model.step's scope), or nil
	enc    []*ts.Tensor // per layer [2, G, H, S, dh]
	mask   *ts.Tensor   // [G, 1, 1, S] additive source padding mask
	src    []int64      // per row, its encoder entry
	group  int64        // rows per entry: src[r] == r/group for every row
	rows   int64        // B
	step   int64        // positions decoded
	cap    int64        // C, positions the caches hold
	maxLen int64
	dev    gotch.Device
}

// firstCap is the caches' first capacity for sources of srcLen positions:
// translations are mostly about as long as their sources, so S + S/4 + 8
// positions (at least 16, at most maxLen) rarely need to grow, and each
// growth copies the caches. initial > 0 replaces the first figure (tests
// make the caches grow with a small one).
func firstCap(initial, srcLen, maxLen int64) int64 {
	c := initial
	if c <= 0 {
		c = max(16, srcLen+srcLen/4+8)
	}
	return min(maxLen, c)
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
	st := &State{rows: b, maxLen: int64(maxLen), cap: firstCap(m.initialCap, enc.Out.MustSize()[1], int64(maxLen)), dev: dev, group: 1, src: identity(b)}
	h, dh := int64(c.Heads), int64(c.Dim/c.Heads)
	if !dev.IsCuda() {
		m.packDecoder()
	}
	if attendKernelFor(dev, gotch.Float, dh) {
		st.slots = make([][]int64, b)
	}
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		for _, l := range m.Decoder.Layers {
			st.k = append(st.k, adopt(ts.MustEmpty([]int64{b, h, st.cap, dh}, gotch.Float, dev)))
			st.v = append(st.v, adopt(ts.MustEmpty([]int64{b, h, st.cap, dh}, gotch.Float, dev)))
			if st.spare == nil && st.slots == nil {
				st.spare = adopt(ts.MustEmpty([]int64{b, h, st.cap, dh}, gotch.Float, dev))
			}
			st.enc = append(st.enc, adopt(l.CrossAttn.projectKV(enc.Out)))
		}
		st.mask = adopt(enc.Mask)
	})
	return st
}

func identity(n int64) []int64 {
	idx := make([]int64, n)
	for i := range idx {
		idx[i] = int64(i)
	}
	return idx
}

// Rows returns B, the number of rows.
func (st *State) Rows() int { return int(st.rows) }

// Len returns the number of positions decoded so far.
func (st *State) Len() int { return int(st.step) }

// Reorder keeps, drops or duplicates rows: row i of the new state is row
// idx[i] of the old one. It moves the self-attention caches' filled
// positions, and the encoder side only where entries leave or the rows
// stop coming in equal groups (see State); it frees what it replaces.
func (st *State) Reorder(idx []int64) {
	nb := int64(len(idx))
	src := make([]int64, nb)
	same := nb == st.rows
	for i, r := range idx {
		if r < 0 || r >= st.rows {
			panic("transformer: Reorder index out of range")
		}
		src[i] = st.src[r]
		same = same && r == int64(i)
	}
	if same {
		return
	}
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		switch {
		case st.slots != nil:
			st.reorderSlots(idx)
		case st.step > 0:
			idxT := indexTensor(idx, st.dev)
			for i := range st.k {
				st.k[i] = st.reorderCache(st.k[i], idxT, nb)
				st.v[i] = st.reorderCache(st.v[i], idxT, nb)
			}
		}
		st.reorderEnc(src)
	})
	st.rows = nb
}

// reorderSlots gives row i the slots of old row idx[i], and the caches
// room for len(idx) rows (row i writes its next position into cache row i).
func (st *State) reorderSlots(idx []int64) {
	nb := int64(len(idx))
	flat := make([]int64, int64(len(idx))*st.step)
	slots := make([][]int64, nb)
	for i, r := range idx {
		slots[i] = flat[int64(i)*st.step : int64(i+1)*st.step : int64(i+1)*st.step]
		copy(slots[i], st.slots[r])
	}
	st.slots = slots
	if nb <= st.k[0].MustSize()[0] {
		return
	}
	for _, list := range [][]*ts.Tensor{st.k, st.v} {
		for i, c := range list {
			sz := c.MustSize()
			old := sz[0]
			sz[0] = nb
			n := adopt(ts.MustEmpty(sz, gotch.Float, st.dev))
			if st.step > 0 {
				n.MustNarrow(0, 0, old, false).MustNarrow(2, 0, st.step, false).Copy_(c.MustNarrow(2, 0, st.step, false))
			}
			c.MustDrop()
			list[i] = n
		}
	}
}

// stepSlots makes this step's slots tensor [B, step+1] (row r writes
// position step into cache row r) in the current scope, or returns nil
// without slots.
func (st *State) stepSlots() *ts.Tensor {
	if st.slots == nil {
		return nil
	}
	n := st.step + 1
	flat := make([]int64, st.rows*n)
	for r, sl := range st.slots {
		copy(flat[int64(r)*n:], sl)
		flat[int64(r)*n+st.step] = int64(r)
	}
	return indexTensor(flat, st.dev).MustView([]int64{st.rows, n}, true)
}

// advance records that every row wrote position step into its own cache
// row.
func (st *State) advance() {
	for r := range st.slots {
		st.slots[r] = append(st.slots[r], int64(r))
	}
	st.step++
}

// reorderCache returns a cache whose rows 0..nb-1 hold rows idx of c's
// filled positions: the spare, c becoming the spare; or, when nb exceeds
// the capacity in rows, a new cache (and a spare to match).
func (st *State) reorderCache(c, idx *ts.Tensor, nb int64) *ts.Tensor {
	sz := c.MustSize()
	n := st.spare
	if nb > sz[0] {
		sz[0] = nb
		n = adopt(ts.MustEmpty(sz, gotch.Float, st.dev))
		if st.spare.MustSize()[0] < nb {
			st.spare.MustDrop()
			st.spare = adopt(ts.MustEmpty(sz, gotch.Float, st.dev))
		}
	}
	c.MustNarrow(0, 0, st.rows, false).MustNarrow(2, 0, st.step, true).
		MustIndexSelectOut(n.MustNarrow(0, 0, nb, false).MustNarrow(2, 0, st.step, true), 0, idx, true)
	if n == st.spare {
		st.spare = c
	} else {
		c.MustDrop()
	}
	return n
}

// grow doubles the caches' capacity in positions (up to maxLen) when the
// next step would not fit.
func (st *State) grow() {
	if st.step < st.cap {
		return
	}
	st.cap = min(2*st.cap, st.maxLen)
	ts.NoGrad(func() {
		s := ts.NewScope()
		defer s.Close()
		for _, list := range [][]*ts.Tensor{st.k, st.v} {
			for i, c := range list {
				sz := c.MustSize()
				sz[2] = st.cap
				n := adopt(ts.MustEmpty(sz, gotch.Float, st.dev))
				n.MustNarrow(2, 0, st.step, false).Copy_(c.MustNarrow(2, 0, st.step, false))
				c.MustDrop()
				list[i] = n
			}
		}
		if st.spare != nil {
			sz := st.spare.MustSize()
			sz[2] = st.cap
			st.spare.MustDrop()
			st.spare = adopt(ts.MustEmpty(sz, gotch.Float, st.dev))
		}
	})
}

// reorderEnc makes the encoder side serve rows whose entries are src.
func (st *State) reorderEnc(src []int64) {
	var sel, runs []int64 // runs of equal entries: the entry and its length
	for i, e := range src {
		if i == 0 || e != src[i-1] {
			sel = append(sel, e)
			runs = append(runs, 0)
		}
		runs[len(runs)-1]++
	}
	g := int64(1)
	if len(runs) > 0 {
		g = runs[0]
	}
	for _, n := range runs {
		if n != g {
			g = 0
		}
	}
	if g == 0 || !distinct(sel) { // not in equal groups: one entry per row
		sel, g = src, 1
	}
	if !isIdentity(sel, st.src[len(st.src)-1]+1) {
		idxT := indexTensor(sel, st.dev)
		for i, kv := range st.enc {
			st.enc[i] = adopt(kv.MustIndexSelect(1, idxT, false))
			kv.MustDrop()
		}
		old := st.mask
		st.mask = adopt(old.MustIndexSelect(0, idxT, false))
		old.MustDrop()
	}
	st.group = g
	st.src = st.src[:0]
	for i := range src {
		st.src = append(st.src, int64(i)/g)
	}
}

// isIdentity reports whether sel is 0, 1, ..., n-1.
func isIdentity(sel []int64, n int64) bool {
	if int64(len(sel)) != n {
		return false
	}
	for i, e := range sel {
		if e != int64(i) {
			return false
		}
	}
	return true
}

func distinct(sel []int64) bool {
	seen := make(map[int64]bool, len(sel))
	for _, e := range sel {
		if seen[e] {
			return false
		}
		seen[e] = true
	}
	return true
}

// indexTensor makes a [len(idx)] int64 tensor on dev, in the current scope.
func indexTensor(idx []int64, dev gotch.Device) *ts.Tensor {
	t := ts.MustOfSlice(idx)
	if dev.IsCuda() {
		t = t.MustTo(dev, true)
	}
	return t
}

// Free drops every tensor the state holds.
func (st *State) Free() {
	for _, list := range [][]*ts.Tensor{st.k, st.v, st.enc, {st.spare, st.mask}} {
		for _, t := range list {
			if t != nil {
				t.MustDrop()
			}
		}
	}
	st.k, st.v, st.enc, st.spare, st.mask = nil, nil, nil, nil, nil
}
