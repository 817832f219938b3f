package kernel_test

import (
	"fmt"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/tch"
)

// BenchmarkLinearInt8 measures int8 products (input quantized per row,
// int32 sums, float32 output with bias) at the decoder's shapes, rows x K
// -> N, beside float32 Linear with the engine in use, in one run: 100
// rows (greedy search of 100 sentences) and 500 (beam 5), the iwslt
// preset's layers (512 -> 1536, 512 -> 512, 512 -> 1024, 1024 -> 512) and
// output projection (512 -> 10000). GOP/s counts 2*rows*K*N either way.
func BenchmarkLinearInt8(b *testing.B) {
	tch.LockThread()
	for _, sh := range [][3]int64{{100, 512, 1536}, {100, 512, 512}, {100, 1024, 512}, {100, 512, 10000}, {500, 512, 1536}, {500, 512, 1024}, {500, 1024, 512}, {500, 512, 10000}} {
		m, k, n := sh[0], sh[1], sh[2]
		ops := float64(2 * m * k * n)
		b.Run(fmt.Sprintf("float32/%dx%dx%d", m, k, n), func(b *testing.B) {
			tch.LockThread()
			s := ts.NewScope()
			defer s.Close()
			x, w := ts.MustRandn([]int64{m, k}, gotch.Float, gotch.CPU), ts.MustRandn([]int64{n, k}, gotch.Float, gotch.CPU)
			bias := ts.MustRandn([]int64{n}, gotch.Float, gotch.CPU)
			p, err := kernel.Pack(w) // nil where Linear does not run on oneDNN: then as decoding runs it
			if err != nil {
				b.Fatal(err)
			}
			ts.NoGrad(func() {
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if p != nil {
						y, _ := kernel.LinearPacked(x, p, bias)
						y.MustDrop()
					} else {
						kernel.MustLinear(x, w, bias).MustDrop()
					}
				}
			})
			b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
		for _, engine := range []string{kernel.Int8OneDNN, kernel.Int8Portable} {
			if engine == kernel.Int8Portable && m*n > 100*2000 {
				continue // minutes
			}
			b.Run(fmt.Sprintf("int8-%s/%dx%dx%d", engine, m, k, n), func(b *testing.B) {
				tch.LockThread()
				before, _ := kernel.Int8Engine()
				defer kernel.ConfigureInt8(before)
				if _, err := kernel.ConfigureInt8(engine); err != nil {
					b.Skip(err)
				}
				s := ts.NewScope()
				defer s.Close()
				x := ts.MustRandn([]int64{m, k}, gotch.Float, gotch.CPU)
				w := ts.MustRandn([]int64{n, k}, gotch.Float, gotch.CPU)
				bias := ts.MustRandn([]int64{n}, gotch.Float, gotch.CPU)
				q, err := quant.Int8(w.Vals().([]float32), int(n), int(k))
				if err != nil {
					b.Fatal(err)
				}
				p, err := kernel.PackInt8(q.Q, q.Scale, q.Rows, q.Cols)
				if err != nil {
					b.Fatal(err)
				}
				defer p.Free()
				ts.NoGrad(func() {
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						y, err := kernel.LinearPacked(x, p, bias)
						if err != nil {
							b.Fatal(err)
						}
						y.MustDrop()
					}
				})
				b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
		}
	}
}
