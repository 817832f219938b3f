package quant

import (
	"math"
	"math/rand"
	"strings"
	"testing"
)

func randMatrix(rng *rand.Rand, rows, cols int, scale float64) []float32 {
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * scale)
	}
	return w
}

// TestInt8Bounds: every value of every row comes back within half its
// row's step, the largest magnitude of a row that is not all zero maps to
// ±127, and the bound is tight (the largest error is near it), for odd
// shapes, outliers, rows of zeros and one-sided rows.
func TestInt8Bounds(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	outlier := randMatrix(rng, 7, 33, 0.02)
	outlier[5] = 3 // one large weight in row 0: its step grows, its error too
	negative := randMatrix(rng, 3, 17, 1)
	for i := range negative {
		negative[i] = -float32(math.Abs(float64(negative[i])))
	}
	zeroRow := randMatrix(rng, 4, 9, 1)
	for c := 0; c < 9; c++ {
		zeroRow[2*9+c] = 0
	}
	for _, tc := range []struct {
		name       string
		w          []float32
		rows, cols int
	}{
		{"1x1", []float32{0.3}, 1, 1},
		{"1 row", randMatrix(rng, 1, 512, 0.1), 1, 512},
		{"odd 37x300", randMatrix(rng, 37, 300, 0.05), 37, 300},
		{"17x15", randMatrix(rng, 17, 15, 2), 17, 15},
		{"outlier", outlier, 7, 33},
		{"negative rows", negative, 3, 17},
		{"zero row", zeroRow, 4, 9},
		{"tiny values", randMatrix(rng, 5, 64, 1e-30), 5, 64},
		{"empty", nil, 0, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Int8(tc.w, tc.rows, tc.cols)
			if err != nil {
				t.Fatal(err)
			}
			back := m.Dequantize()
			for r := 0; r < tc.rows; r++ {
				var worst, amax float64
				maxQ := 0
				for c := 0; c < tc.cols; c++ {
					i := r*tc.cols + c
					worst = max(worst, math.Abs(float64(back[i]-tc.w[i])))
					amax = max(amax, math.Abs(float64(tc.w[i])))
					maxQ = max(maxQ, int(math.Abs(float64(m.Q[i]))))
				}
				bound := float64(m.Bound(r))
				if worst > bound*(1+1e-5) {
					t.Errorf("row %d: error %g > bound %g", r, worst, bound)
				}
				if amax == 0 {
					if m.Scale[r] != 0 || maxQ != 0 {
						t.Errorf("row %d of zeros: scale %g, largest |q| %d", r, m.Scale[r], maxQ)
					}
					continue
				}
				if maxQ != Levels {
					t.Errorf("row %d: largest |q| %d, want %d", r, maxQ, Levels)
				}
				if tc.cols >= 256 && worst < 0.8*bound {
					t.Errorf("row %d: largest error %g, far below the bound %g: is the bound what the code does?", r, worst, bound)
				}
			}
		})
	}
}

// TestInt8Idempotent: quantizing a dequantized matrix gives it back.
func TestInt8Idempotent(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	w := randMatrix(rng, 9, 70, 0.3)
	m, err := Int8(w, 9, 70)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Int8(m.Dequantize(), 9, 70)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Q {
		if m.Q[i] != m2.Q[i] {
			t.Fatalf("value %d: %d then %d", i, m.Q[i], m2.Q[i])
		}
	}
	for r := range m.Scale {
		if d := math.Abs(float64(m.Scale[r]-m2.Scale[r])) / float64(m.Scale[r]); d > 1e-6 {
			t.Fatalf("row %d: scale %g then %g", r, m.Scale[r], m2.Scale[r])
		}
	}
}

// TestSlice: rows of a quantized matrix are what quantizing them alone
// gives (the cross-attention's query and key/value rows of one stacked
// projection are packed apart).
func TestSlice(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	w := randMatrix(rng, 12, 20, 1)
	m, _ := Int8(w, 12, 20)
	s := m.Slice(4, 12)
	alone, _ := Int8(w[4*20:], 8, 20)
	for i := range alone.Q {
		if s.Q[i] != alone.Q[i] {
			t.Fatalf("value %d: %d sliced, %d alone", i, s.Q[i], alone.Q[i])
		}
	}
	for r := range alone.Scale {
		if s.Scale[r] != alone.Scale[r] {
			t.Fatalf("row %d: scale %g sliced, %g alone", r, s.Scale[r], alone.Scale[r])
		}
	}
}

func TestInt8Errors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		w          []float32
		rows, cols int
		want       string
	}{
		{"NaN", []float32{1, 2, float32(math.NaN()), 4}, 2, 2, "row 1, column 0: value NaN is not finite"},
		{"Inf", []float32{1, float32(math.Inf(-1))}, 1, 2, "row 0, column 1: value -Inf is not finite"},
		{"size", []float32{1, 2, 3}, 2, 2, "3 values for a [2, 2] matrix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Int8(tc.w, tc.rows, tc.cols)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestProductBound: dot products of quantized vectors stay within
// ProductBound of the exact ones, and come near it for the worst case.
func TestProductBound(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for _, k := range []int{1, 15, 64, 513} {
		x, w := randMatrix(rng, 1, k, 1), randMatrix(rng, 1, k, 0.1)
		qx, _ := Int8(x, 1, k)
		qw, _ := Int8(w, 1, k)
		xb, wb := qx.Dequantize(), qw.Dequantize()
		var exact, got, sx, sw float64
		for i := 0; i < k; i++ {
			exact += float64(x[i]) * float64(w[i])
			got += float64(xb[i]) * float64(wb[i])
			sx += math.Abs(float64(x[i]))
			sw += math.Abs(float64(w[i]))
		}
		b := ProductBound(sx, float64(qx.Scale[0]), sw, float64(qw.Scale[0]), k)
		if e := math.Abs(exact - got); e > b {
			t.Errorf("k %d: error %g > bound %g", k, e, b)
		}
	}
}
