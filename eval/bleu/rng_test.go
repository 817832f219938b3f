package bleu

import (
	"slices"
	"testing"
)

// Outputs of numpy's np.random.default_rng, as printed in numpy's and
// users' documentation:
//
//	default_rng(42).random(5)           [0.77395605 0.43887844 0.85859792 0.69736803 0.09417735]
//	default_rng(42).integers(0, 10, 3)  [0 7 6]
//	default_rng(658).random()           0.13691146845619506
//	default_rng(658).integers(0, 10, 5) [4 1 6 0 0]
//	default_rng(658).random((3, 3))     [[0.13691147 0.01942912 0.6677121 ] ...
func TestNumpyDefaultRNG(t *testing.T) {
	r := newNumpyRNG(42)
	want42 := []float64{0.77395605, 0.43887844, 0.85859792, 0.69736803, 0.09417735}
	for i, w := range want42 {
		if got := r.random(); !near(got, w, 5e-9) {
			t.Errorf("default_rng(42).random()[%d] = %.10f, want %.8f", i, got, w)
		}
	}
	ints := make([]int, 3)
	newNumpyRNG(42).choice(10, ints)
	if !slices.Equal(ints, []int{0, 7, 6}) {
		t.Errorf("default_rng(42).integers(0, 10, 3) = %v, want [0 7 6]", ints)
	}

	if got := newNumpyRNG(658).random(); got != 0.13691146845619506 {
		t.Errorf("default_rng(658).random() = %v, want 0.13691146845619506", got)
	}
	ints = make([]int, 5)
	newNumpyRNG(658).choice(10, ints)
	if !slices.Equal(ints, []int{4, 1, 6, 0, 0}) {
		t.Errorf("default_rng(658).integers(0, 10, 5) = %v, want [4 1 6 0 0]", ints)
	}
	r = newNumpyRNG(658)
	for i, w := range []float64{0.13691147, 0.01942912, 0.6677121} {
		if got := r.random(); !near(got, w, 5e-9) {
			t.Errorf("default_rng(658).random((3,3))[0][%d] = %.10f, want %.8f", i, got, w)
		}
	}
}

// TestSeedSequence checks the entropy conversion: 0 is one word, large
// seeds are split into 32-bit words, lowest first, and different seeds give
// different states.
func TestSeedSequence(t *testing.T) {
	a, b := seedSequenceState(0, 4), seedSequenceState(1, 4)
	c := seedSequenceState(1<<32, 4)
	if slices.Equal(a, b) || slices.Equal(b, c) {
		t.Errorf("seed states collide: %x %x %x", a, b, c)
	}
}

// TestBoolFiller checks that bits are used lowest first, 32 per draw.
func TestBoolFiller(t *testing.T) {
	r := newNumpyRNG(7)
	w := r.next32()
	bf := boolFiller{r: newNumpyRNG(7)}
	for i := range 32 {
		if got, want := bf.next(), w>>i&1 == 1; got != want {
			t.Fatalf("bit %d = %v, want %v", i, got, want)
		}
	}
	w = r.next32() // the second draw supplies bits 32..63
	for i := range 32 {
		if got, want := bf.next(), w>>i&1 == 1; got != want {
			t.Fatalf("bit %d = %v, want %v", 32+i, got, want)
		}
	}
}
