package kernel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// attendRef is attention by libtorch's matmul and softmax: q [R, H, dh]
// or [R, H, 1, dh] times scale against keys and vals [R, H, n, dh], mask
// additive [R, 1, n] or nil. Returns [R, H, dh].
func attendRef(q, keys, vals, mask *ts.Tensor, scale float64) *ts.Tensor {
	sz := keys.MustSize()
	q = q.MustView([]int64{sz[0], sz[1], 1, sz[3]}, false).MustMulScalar(ts.FloatScalar(scale), true)
	scores := q.MustMatmul(keys.MustTranspose(2, 3, false), true) // [R, H, 1, n]
	if mask != nil {
		scores = scores.MustAdd(mask.MustView([]int64{sz[0], 1, 1, sz[2]}, false), true)
	}
	return scores.MustSoftmax(-1, gotch.Float, true).MustMatmul(vals, true).MustView([]int64{sz[0], sz[1], sz[3]}, true)
}

// AttendOne equals matmul and softmax over a cache's first n positions (a
// strided view of a larger cache), for head sizes the kernel keeps in
// registers and one it does not (136), with and without a mask, with rows
// in groups that share their keys, with a scale, and with slots; a slot
// out of range and a head size it does not take are errors.
func TestAttendOne(t *testing.T) {
	tch.LockThread()
	defer kernel.SetThreads(tch.Threads())
	kernel.SetThreads(3) // rows and heads split across the pool
	s := ts.NewScope()
	defer s.Close()
	rng := rand.New(rand.NewPCG(11, 1))
	const tol = 1e-5
	for _, dh := range []int64{8, 32, 64, 128, 136} {
		const b, h, c, n = 5, 3, 12, 7
		kc, vc := randTensor(rng, b, h, c, dh), randTensor(rng, b, h, c, dh)
		keys, vals := kc.MustNarrow(2, 0, n, false), vc.MustNarrow(2, 0, n, false)
		q := randTensor(rng, b, h, 1, dh)
		maskVals := make([]float32, b*n)
		for i := range maskVals {
			if i%n < 2 && i/n%2 == 0 { // rows 0, 2, 4: the first two positions masked
				maskVals[i] = float32(math.Inf(-1))
			}
		}
		mask := ts.MustOfSlice(maskVals).MustView([]int64{b, 1, n}, true)
		name := func(what string) string { return fmt.Sprintf("dh %d, %s", dh, what) }
		attend := func(what string, q *ts.Tensor, a kernel.Attend) *ts.Tensor {
			got, err := kernel.AttendOne(q, keys, vals, a)
			if err != nil {
				t.Fatalf("%s: %v", name(what), err)
			}
			return got
		}
		within(t, name("no mask"), attend("no mask", q, kernel.Attend{}).Float64Values(), attendRef(q, keys, vals, nil, 1).Float64Values(), tol)
		within(t, name("mask"), attend("mask", q, kernel.Attend{Mask: mask}).Float64Values(), attendRef(q, keys, vals, mask, 1).Float64Values(), tol)
		within(t, name("scale 0.3"), attend("scale", q, kernel.Attend{Mask: mask, Scale: 0.3}).Float64Values(), attendRef(q, keys, vals, mask, 0.3).Float64Values(), tol)

		// Rows in groups of 3 sharing keys (a sentence's beams): the keys
		// repeated for each row.
		const g = 3
		qg := randTensor(rng, b*g, h, 1, dh)
		rep := make([]int64, b*g)
		for i := range rep {
			rep[i] = int64(i / g)
		}
		idx := ts.MustOfSlice(rep)
		want := attendRef(qg, keys.MustIndexSelect(0, idx, false), vals.MustIndexSelect(0, idx, false), mask.MustIndexSelect(0, idx, false), 1)
		within(t, name("groups of 3"), attend("groups", qg, kernel.Attend{Mask: mask, Group: g}).Float64Values(), want.Float64Values(), tol)

		// Slots: 7 rows, row r reading position j from keys row
		// slots[r][j]: the keys gathered that way.
		const rows = 7
		slots, gather := make([]int64, rows*n), make([]int64, rows*n)
		for i := range slots {
			slots[i] = int64((i*5 + i/n) % b)
			gather[i] = slots[i]*n + int64(i%n) // row of keys [b*n, h, dh]
		}
		byPos := func(c *ts.Tensor) *ts.Tensor { // [rows, h, n, dh], position j from row slots[r][j]
			flat := c.MustPermute([]int64{0, 2, 1, 3}, false).MustContiguous(true).MustView([]int64{b * n, h, dh}, true)
			return flat.MustIndexSelect(0, ts.MustOfSlice(gather), true).MustView([]int64{rows, n, h, dh}, true).
				MustPermute([]int64{0, 2, 1, 3}, true).MustContiguous(true)
		}
		qr := randTensor(rng, rows, h, dh)
		slotsT := ts.MustOfSlice(slots).MustView([]int64{rows, n}, true)
		within(t, name("slots"), attend("slots", qr, kernel.Attend{Slots: slotsT, Scale: 0.5}).Float64Values(),
			attendRef(qr, byPos(keys), byPos(vals), nil, 0.5).Float64Values(), tol)
		bad := ts.MustOfSlice(append(append([]int64(nil), slots[:rows*n-1]...), b)).MustView([]int64{rows, n}, true)
		if _, err := kernel.AttendOne(qr, keys, vals, kernel.Attend{Slots: bad}); err == nil || !strings.Contains(err.Error(), "slot 5 of 5") {
			t.Errorf("%s: error %v", name("a slot out of range"), err)
		}
	}
	k := randTensor(rng, 2, 2, 3, 12)
	if _, err := kernel.AttendOne(randTensor(rng, 2, 2, 12), k, k, kernel.Attend{}); err == nil || !strings.Contains(err.Error(), "head size 12") {
		t.Errorf("head size 12: error %v", err)
	}
}
