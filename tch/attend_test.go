package tch_test

import (
	"math"
	"testing"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// attendSetup makes n slabs of rows [rows, 2*h*dh], queries [rows, 3*h*dh]
// and ancestries that send each row to a pseudo-random row at each
// position (a beam search's reorders), all in the current scope.
func attendSetup(rows, h, dh, n int64) (q *ts.Tensor, slabs []*ts.Tensor, p tch.Positions) {
	d := h * dh
	q = ts.MustRandn([]int64{rows, 3 * d}, gotch.Float, gotch.CPU)
	p = tch.Positions{Stride: 2 * d, Anc: make([]int32, rows*n), AncStride: n}
	for j := int64(0); j < n; j++ {
		s := ts.MustRandn([]int64{rows, 2 * d}, gotch.Float, gotch.CPU)
		slabs = append(slabs, s)
		p.Slabs = append(p.Slabs, unsafe.Pointer(s.MustDataPtr()))
		for r := int64(0); r < rows; r++ {
			p.Anc[r*n+j] = int32((r*7 + j*3) % rows)
		}
	}
	return q, slabs, p
}

// TestAttendPositions checks the kernel against softmax(q.K/sqrt(dh)).V
// computed with libtorch on the keys and values gathered by ancestry.
func TestAttendPositions(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	const rows, h, dh, n = 6, 3, 10, 5 // dh not a multiple of 8: the tails run
	q, slabs, p := attendSetup(rows, h, dh, n)
	scale := float32(1 / math.Sqrt(dh))
	got := tch.AttendPositions(q, 3*h*dh, p, h, dh, scale).Float64Values()
	for r := int64(0); r < rows; r++ {
		var ks, vs []*ts.Tensor
		for j := int64(0); j < n; j++ {
			row := slabs[j].MustSelect(0, int64(p.Anc[r*n+j]), false)
			ks = append(ks, row.MustNarrow(0, 0, h*dh, false).MustView([]int64{h, 1, dh}, true))
			vs = append(vs, row.MustNarrow(0, h*dh, h*dh, false).MustView([]int64{h, 1, dh}, true))
		}
		k, v := ts.MustCat(ks, 1), ts.MustCat(vs, 1) // [h, n, dh]
		qr := q.MustSelect(0, r, false).MustNarrow(0, 0, h*dh, false).MustView([]int64{h, 1, dh}, true)
		w := qr.MustMatmul(k.MustTranspose(1, 2, false), false).MustMulScalar(ts.FloatScalar(float64(scale)), true).
			MustSoftmax(-1, gotch.Float, true)
		want := w.MustMatmul(v, true).Float64Values() // [h, 1, dh]
		for i, x := range want {
			if g := got[r*h*dh+int64(i)]; math.Abs(g-x) > 1e-5 {
				t.Fatalf("row %d, element %d: kernel %g, libtorch %g", r, i, g, x)
			}
		}
	}
}

// BenchmarkAttendPositions times one call at a beam search's shape on the
// small preset (500 rows, 4 heads of 64, 43 positions) beside the same
// attention as libtorch multiply-and-sum over a [rows, H, n, dh] cache.
func BenchmarkAttendPositions(b *testing.B) {
	tch.LockThread()
	for _, rows := range []int64{100, 500} {
		s := ts.NewScope()
		const h, dh, n = 4, 64, 43
		q, _, p := attendSetup(rows, h, dh, n)
		b.Run("kernel/"+itoa(rows), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st := ts.NewScope()
				tch.AttendPositions(q, 3*h*dh, p, h, dh, 0.125)
				st.Close()
			}
		})
		k := ts.MustRandn([]int64{rows, h, n, dh}, gotch.Float, gotch.CPU)
		v := ts.MustRandn([]int64{rows, h, n, dh}, gotch.Float, gotch.CPU)
		qq := q.MustNarrow(1, 0, h*dh, false).MustView([]int64{rows, h, 1, dh}, false)
		b.Run("mulsum/"+itoa(rows), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st := ts.NewScope()
				sc := k.MustMul(qq, false).MustSumDimIntlist([]int64{3}, false, gotch.Float, true)
				pr := sc.MustSoftmax(-1, gotch.Float, true).MustUnsqueeze(3, true)
				v.MustMul(pr, false).MustSumDimIntlist([]int64{2}, false, gotch.Float, true)
				st.Close()
			}
		})
		s.Close()
	}
}

func itoa(n int64) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
