package bleu

import "math/bits"

// numpyRNG reproduces numpy's np.random.default_rng(seed): the PCG64 bit
// generator (128-bit LCG, XSL-RR output) seeded through SeedSequence, and
// the Generator methods sacreBLEU's significance tests call. With the same
// seed it yields the same numbers as numpy, so resamples match sacreBLEU's.
type numpyRNG struct {
	hi, lo       uint64 // LCG state
	incHi, incLo uint64 // LCG increment (odd)
	has32        bool   // a buffered upper half of a 64-bit draw
	buf32        uint32
}

// PCG64's 128-bit multiplier.
const (
	pcgMulHi = 2549297995355413924
	pcgMulLo = 4865540595714422341
)

// SeedSequence constants (O'Neill's seed_seq_fe, as in numpy).
const (
	ssInitA    = 0x43b0d7e5
	ssMultA    = 0x931e8875
	ssInitB    = 0x8b51f9dd
	ssMultB    = 0x58f38ded
	ssMixMultL = 0xca01f9dd
	ssMixMultR = 0x4973f715
	ssPoolSize = 4
)

// seedSequenceState returns SeedSequence(seed).generate_state(n, uint32).
func seedSequenceState(seed uint64, n int) []uint32 {
	// The entropy is the seed as 32-bit words, lowest first ([0] for 0).
	entropy := []uint32{uint32(seed)}
	if seed>>32 != 0 {
		entropy = append(entropy, uint32(seed>>32))
	}
	hashConst := uint32(ssInitA)
	hashmix := func(v uint32) uint32 {
		v ^= hashConst
		hashConst *= ssMultA
		v *= hashConst
		return v ^ v>>16
	}
	mix := func(x, y uint32) uint32 {
		r := ssMixMultL*x - ssMixMultR*y
		return r ^ r>>16
	}
	var pool [ssPoolSize]uint32
	for i := range pool {
		var e uint32
		if i < len(entropy) {
			e = entropy[i]
		}
		pool[i] = hashmix(e)
	}
	for src := range pool {
		for dst := range pool {
			if src != dst {
				pool[dst] = mix(pool[dst], hashmix(pool[src]))
			}
		}
	}
	out := make([]uint32, n)
	hc := uint32(ssInitB)
	for i := range out {
		v := pool[i%ssPoolSize]
		v ^= hc
		hc *= ssMultB
		v *= hc
		out[i] = v ^ v>>16
	}
	return out
}

// newNumpyRNG returns the generator of np.random.default_rng(seed).
func newNumpyRNG(seed uint64) *numpyRNG {
	w := seedSequenceState(seed, 8)
	val := func(i int) uint64 { return uint64(w[2*i]) | uint64(w[2*i+1])<<32 }
	r := &numpyRNG{}
	// pcg64_set_seed: state seed = val[0]:val[1], sequence = val[2]:val[3].
	initHi, initLo := val(0), val(1)
	seqHi, seqLo := val(2), val(3)
	// inc = seq << 1 | 1 (128-bit)
	r.incHi = seqHi<<1 | seqLo>>63
	r.incLo = seqLo<<1 | 1
	r.step()
	var c uint64
	r.lo, c = bits.Add64(r.lo, initLo, 0)
	r.hi, _ = bits.Add64(r.hi, initHi, c)
	r.step()
	return r
}

// step advances the LCG: state = state*mul + inc (mod 2^128).
func (r *numpyRNG) step() {
	hi, lo := bits.Mul64(r.lo, pcgMulLo)
	hi += r.hi*pcgMulLo + r.lo*pcgMulHi
	var c uint64
	r.lo, c = bits.Add64(lo, r.incLo, 0)
	r.hi, _ = bits.Add64(hi, r.incHi, c)
}

// next64 is PCG64's output: XSL-RR of the advanced state.
func (r *numpyRNG) next64() uint64 {
	r.step()
	return bits.RotateLeft64(r.hi^r.lo, -int(r.hi>>58))
}

// next32 returns the low half of a 64-bit draw, buffering the high half
// for the next call, as numpy's pcg64_next32 does.
func (r *numpyRNG) next32() uint32 {
	if r.has32 {
		r.has32 = false
		return r.buf32
	}
	v := r.next64()
	r.has32, r.buf32 = true, uint32(v>>32)
	return uint32(v)
}

// random is Generator.random(): a float64 in [0, 1).
func (r *numpyRNG) random() float64 {
	return float64(r.next64()>>11) * (1.0 / 9007199254740992.0)
}

// intn is one draw of Generator.integers(0, n) for 1 <= n <= 2^32: Lemire's
// multiply-and-reject on 32-bit draws, as numpy's bounded_lemire_uint32.
func (r *numpyRNG) intn(n uint64) uint64 {
	rng := uint32(n - 1)
	if rng == 0 {
		return 0
	}
	if n-1 == 0xffffffff {
		return uint64(r.next32())
	}
	excl := rng + 1
	m := uint64(r.next32()) * uint64(excl)
	left := uint32(m)
	if left < excl {
		threshold := (^uint32(0) - rng) % excl
		for left < threshold {
			m = uint64(r.next32()) * uint64(excl)
			left = uint32(m)
		}
	}
	return m >> 32
}

// choice fills dst like Generator.choice(n, size=len(dst), replace=True),
// which is Generator.integers(0, n, size) with int64 output.
func (r *numpyRNG) choice(n int, dst []int) {
	for i := range dst {
		dst[i] = int(r.intn(uint64(n)))
	}
}

// boolFiller reproduces Generator.integers(2, size, dtype=bool): one bit of
// a 32-bit draw per value, lowest bit first. Its buffer lives as long as
// one integers() call.
type boolFiller struct {
	r    *numpyRNG
	buf  uint32
	left int
}

func (b *boolFiller) next() bool {
	if b.left == 0 {
		b.buf = b.r.next32()
		b.left = 31
	} else {
		b.buf >>= 1
		b.left--
	}
	return b.buf&1 != 0
}
