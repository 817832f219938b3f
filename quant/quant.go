package quant

import (
	"fmt"
	"math"
)

// Levels is the largest magnitude of a quantized weight: values are
// -127..127 (-128 is never used, so that negating a row stays exact).
const Levels = 127

// Matrix is a [Rows, Cols] matrix quantized by rows: element (r, c) is
// Scale[r] * Q[r*Cols+c].
type Matrix struct {
	Rows, Cols int
	Q          []int8    // [Rows*Cols], row-major
	Scale      []float32 // [Rows]; 0 for a row of zeros
}

// Int8 quantizes w, row-major [rows, cols], row by row: row r's scale is
// its largest magnitude / 127, and each value becomes the nearest
// multiple of it, so no value moves by more than half a scale (Bound). A
// value that is not finite is an error naming its row and column.
func Int8(w []float32, rows, cols int) (Matrix, error) {
	if rows < 0 || cols < 0 || len(w) != rows*cols {
		return Matrix{}, fmt.Errorf("quant: %d values for a [%d, %d] matrix", len(w), rows, cols)
	}
	m := Matrix{Rows: rows, Cols: cols, Q: make([]int8, len(w)), Scale: make([]float32, rows)}
	for r := 0; r < rows; r++ {
		row := w[r*cols : (r+1)*cols]
		var amax float32
		for c, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return Matrix{}, fmt.Errorf("quant: row %d, column %d: value %v is not finite", r, c, v)
			}
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		if amax == 0 {
			continue // a row of zeros: scale 0, all q 0, exact
		}
		s := amax / Levels
		m.Scale[r] = s
		q := m.Q[r*cols : (r+1)*cols]
		for c, v := range row {
			// Dividing by s can land a hair past 127 at the row's maximum.
			q[c] = int8(max(-Levels, min(Levels, math.RoundToEven(float64(v/s)))))
		}
	}
	return m, nil
}

// Dequantize returns the matrix's float32 values, row-major.
func (m Matrix) Dequantize() []float32 {
	out := make([]float32, len(m.Q))
	for r := 0; r < m.Rows; r++ {
		s := m.Scale[r]
		for c, q := range m.Q[r*m.Cols : (r+1)*m.Cols] {
			out[r*m.Cols+c] = s * float32(q)
		}
	}
	return out
}

// Slice returns rows r0..r1-1 of m (sharing its storage). Rows are
// quantized independently, so a slice is what quantizing those rows alone
// gives.
func (m Matrix) Slice(r0, r1 int) Matrix {
	if r0 < 0 || r1 < r0 || r1 > m.Rows {
		panic(fmt.Sprintf("quant: rows %d..%d of %d", r0, r1, m.Rows))
	}
	return Matrix{Rows: r1 - r0, Cols: m.Cols, Q: m.Q[r0*m.Cols : r1*m.Cols], Scale: m.Scale[r0:r1]}
}

// Bound is the most a value of row r moves when quantized: half its step.
func (m Matrix) Bound(r int) float32 { return m.Scale[r] / 2 }

// ProductBound bounds the error of a dot product of length k computed
// from quantized operands: |x·w - x̂·ŵ| <= Σ|x|·sw/2 + Σ|w|·sx/2 +
// k·sx·sw/4, where every x moved by at most sx/2 and every w by at most
// sw/2 (x·w - x̂·ŵ = x·(w-ŵ) + (x-x̂)·ŵ, and |ŵ| <= |w| + sw/2).
func ProductBound(sumAbsX, sx, sumAbsW, sw float64, k int) float64 {
	return sumAbsX*sw/2 + sumAbsW*sx/2 + float64(k)*sx*sw/4
}
