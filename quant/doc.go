// Package quant quantizes weight matrices to int8 for inference: each
// row (a linear layer's output channel) symmetrically, with one float32
// scale, and states the error that leaves in a value and in a dot
// product. It is pure Go; the int8 products themselves run in libtorch's
// process (package tch).
//
//	m, err := quant.Int8(w, rows, cols) // w row-major [rows, cols]
//	q := m.Q[r*m.Cols+c]                // w[r][c] ≈ m.Scale[r] * q, |error| <= m.Scale[r]/2
//	back := m.Dequantize()
package quant
