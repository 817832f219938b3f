package kernel_test

import (
	"fmt"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// BenchmarkLinear measures Linear (y = x W^T + b, no gradient) at the
// decoder's shapes, rows x K -> N, with each engine: 100 rows (greedy
// search of 100 sentences) and 500 (beam 5), the iwslt and small presets'
// layers and output projections; and one training product with its
// backward.
func BenchmarkLinear(b *testing.B) {
	tch.LockThread()
	before, _ := kernel.GEMM()
	defer kernel.ConfigureGEMM(before)
	for _, engine := range []string{kernel.GEMMLibtorch, kernel.GEMMOneDNN} {
		if _, err := kernel.ConfigureGEMM(engine); err != nil {
			b.Skip(err)
		}
		for _, sh := range [][3]int64{{100, 512, 1536}, {100, 1024, 512}, {100, 512, 10000}, {100, 256, 8000}, {500, 512, 1536}, {500, 256, 8000}} {
			m, k, n := sh[0], sh[1], sh[2]
			b.Run(fmt.Sprintf("%s/%dx%dx%d", engine, m, k, n), func(b *testing.B) {
				tch.LockThread() // grad mode is per thread
				s := ts.NewScope()
				defer s.Close()
				x := ts.MustRandn([]int64{m, k}, gotch.Float, gotch.CPU)
				w := ts.MustRandn([]int64{n, k}, gotch.Float, gotch.CPU)
				bias := ts.MustRandn([]int64{n}, gotch.Float, gotch.CPU)
				ts.NoGrad(func() {
					kernel.MustLinear(x, w, bias).MustDrop()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						kernel.MustLinear(x, w, bias).MustDrop()
					}
				})
				b.ReportMetric(float64(2*m*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		b.Run(engine+"/train-2048x256x1024", func(b *testing.B) {
			tch.LockThread()
			s := ts.NewScope()
			defer s.Close()
			x := ts.MustRandn([]int64{2048, 256}, gotch.Float, gotch.CPU)
			w := ts.MustRandn([]int64{1024, 256}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
			bias := ts.MustRandn([]int64{1024}, gotch.Float, gotch.CPU).MustSetRequiresGrad(true, true)
			x = x.MustSetRequiresGrad(true, true)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				inner := ts.NewScope()
				kernel.MustLinear(x, w, bias).MustSum(gotch.Float, true).MustBackward()
				tch.ClearGrads([]*ts.Tensor{x, w, bias})
				inner.Close()
			}
			b.ReportMetric(float64(3*2*2048*256*1024)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
