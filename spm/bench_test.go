package spm

import "testing"

// BenchmarkEncode segments the 1,330 fixture lines with each model and
// reports lines/s.
func BenchmarkEncode(b *testing.B) {
	in := fixtureLines(b, "input.txt")
	for _, mm := range models {
		b.Run(mm.name, func(b *testing.B) {
			m := fixtureModel(b, mm.name)
			b.ResetTimer()
			for range b.N {
				for _, line := range in {
					m.Encode(line)
				}
			}
			b.ReportMetric(float64(b.N*len(in))/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
