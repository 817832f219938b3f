package tch_test

import (
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
