package tch_test

import (
	"fmt"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// BenchmarkMatmul1024 measures the machine's float32 matmul ceiling, the
// yardstick beside every model benchmark.
func BenchmarkMatmul1024(b *testing.B) { matmulBench(b, 1024) }

// BenchmarkMatmul2048x1024 is the reference README's 2048x1024x1024 sgemm.
func BenchmarkMatmul2048x1024(b *testing.B) {
	tch.LockThread()
	x := ts.MustRandn([]int64{2048, 1024}, gotch.Float, gotch.CPU)
	y := ts.MustRandn([]int64{1024, 1024}, gotch.Float, gotch.CPU)
	runMatmul(b, x, y, 2*2048*1024*1024)
}

func matmulBench(b *testing.B, n int64) {
	tch.LockThread()
	x := ts.MustRandn([]int64{n, n}, gotch.Float, gotch.CPU)
	y := ts.MustRandn([]int64{n, n}, gotch.Float, gotch.CPU)
	runMatmul(b, x, y, 2*n*n*n)
}

func runMatmul(b *testing.B, x, y *ts.Tensor, flop int64) {
	out := x.MustMatmul(y, false) // warm-up, and the output buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.MustMatmulOut(out, y, false).MustDrop() // drops the handle, not out
	}
	b.StopTimer()
	b.ReportMetric(float64(flop)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(float64(tch.Threads()), "threads")
}

// BenchmarkLinear measures Linear (y = x W^T + b, no gradient) at the
// decoder's shapes, rows x K -> N, with each engine: 100 rows (greedy
// search of 100 sentences) and 500 (beam 5), the iwslt and small presets'
// layers and output projections; and one training product with its
// backward.
func BenchmarkLinear(b *testing.B) {
	tch.LockThread()
	before, _ := tch.GEMM()
	defer tch.ConfigureGEMM(before)
	for _, engine := range []string{tch.GEMMLibtorch, tch.GEMMOneDNN} {
		if _, err := tch.ConfigureGEMM(engine); err != nil {
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
					tch.MustLinear(x, w, bias).MustDrop()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						tch.MustLinear(x, w, bias).MustDrop()
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
				tch.MustLinear(x, w, bias).MustSum(gotch.Float, true).MustBackward()
				tch.ClearGrads([]*ts.Tensor{x, w, bias})
				inner.Close()
			}
			b.ReportMetric(float64(3*2*2048*256*1024)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
