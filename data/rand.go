package data

// rng is SplitMix64: a tiny generator whose stream is fixed by its
// definition, so shuffles depend only on the seed, never on the Go version
// or platform.
type rng struct{ s uint64 }

func newRNG(seed int64) *rng { return &rng{s: uint64(seed)} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0, n) by rejection sampling.
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	bound := uint64(n)
	limit := -bound % bound // 2^64 mod n
	for {
		v := r.next()
		if v >= limit {
			return int(v % bound)
		}
	}
}

// shuffle permutes x in place (Fisher-Yates).
func shuffle[T any](r *rng, x []T) {
	for i := len(x) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		x[i], x[j] = x[j], x[i]
	}
}

// Permutation returns a random permutation of [0, n) determined by seed.
func Permutation(n int, seed int64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	shuffle(newRNG(seed), p)
	return p
}
