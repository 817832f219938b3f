package kernel_test

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// RowTopK and RowLogSumExp against libtorch's topk and logsumexp, with
// ties, -inf entries, rows shorter and longer than the kernels' blocks,
// and k up to the row length.
func TestRowTopKAndLogSumExp(t *testing.T) {
	tch.LockThread()
	s := ts.NewScope()
	defer s.Close()
	for _, tc := range []struct{ n, v, k int }{{3, 5, 5}, {4, 13, 3}, {7, 200, 10}, {5, 8003, 10}, {2, 64, 1}} {
		rng := rand.New(rand.NewPCG(uint64(tc.v), 1))
		data := make([]float32, tc.n*tc.v)
		for i := range data {
			data[i] = float32(3 * rng.NormFloat64())
		}
		x := ts.MustOfSlice(data).MustView([]int64{int64(tc.n), int64(tc.v)}, true)
		// Ties at the top of row 0 (its first and last entries); -inf entries in row 1.
		ts.NoGrad(func() {
			x.MustNarrow(0, 0, 1, false).MustNarrow(1, 0, 1, false).MustFill_(ts.FloatScalar(100))
			x.MustNarrow(0, 0, 1, false).MustNarrow(1, int64(tc.v-1), 1, false).MustFill_(ts.FloatScalar(100))
			x.MustNarrow(0, 1, 1, false).MustNarrow(1, 0, 2, false).MustFill_(ts.FloatScalar(math.Inf(-1)))
		})
		vals := x.Float64Values()
		gv, gi, err := kernel.RowTopK(x, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < tc.n; r++ {
			row := vals[r*tc.v : (r+1)*tc.v]
			order := make([]int, tc.v)
			for j := range order {
				order[j] = j
			}
			sort.SliceStable(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
			for j := 0; j < tc.k; j++ {
				if gi[r*tc.k+j] != int64(order[j]) || float64(gv[r*tc.k+j]) != row[order[j]] {
					t.Fatalf("%+v row %d rank %d: got %d (%v), want %d (%v)", tc, r, j, gi[r*tc.k+j], gv[r*tc.k+j], order[j], row[order[j]])
				}
			}
		}
		lse, err := kernel.RowLogSumExp(x)
		if err != nil {
			t.Fatal(err)
		}
		want := x.MustLogsumexp([]int64{1}, false, false).Float64Values()
		for r := range want {
			if math.Abs(float64(lse[r])-want[r]) > 1e-5*math.Max(1, math.Abs(want[r])) {
				t.Errorf("%+v row %d: log-sum-exp %v, libtorch %v", tc, r, lse[r], want[r])
			}
		}
	}
	if _, _, err := kernel.RowTopK(ts.MustZeros([]int64{2, 3}, gotch.Float, gotch.CPU), 4); err == nil || !strings.Contains(err.Error(), "k = 4 for rows of 3") {
		t.Errorf("k > V: err = %v", err)
	}
}
