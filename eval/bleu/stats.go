package bleu

// Stats are BLEU's sufficient statistics for one segment or, summed with
// Add, for a corpus: hypothesis length, the reference length closest to it,
// and per n-gram order the clipped matches and hypothesis n-grams.
type Stats struct {
	HypLen, RefLen int
	Correct        [MaxOrder]int
	Total          [MaxOrder]int
}

// Add adds o to s.
func (s *Stats) Add(o Stats) {
	s.HypLen += o.HypLen
	s.RefLen += o.RefLen
	for n := range MaxOrder {
		s.Correct[n] += o.Correct[n]
		s.Total[n] += o.Total[n]
	}
}

// statsWidth is the length of the vector form of Stats.
const statsWidth = 2 + 2*MaxOrder

// vec writes s in sacreBLEU's flat order [hyp_len, ref_len, correct...,
// total...].
func (s Stats) vec(dst []int64) {
	dst[0], dst[1] = int64(s.HypLen), int64(s.RefLen)
	for n := range MaxOrder {
		dst[2+n] = int64(s.Correct[n])
		dst[2+MaxOrder+n] = int64(s.Total[n])
	}
}

func statsFromVec(v []int64) Stats {
	s := Stats{HypLen: int(v[0]), RefLen: int(v[1])}
	for n := range MaxOrder {
		s.Correct[n] = int(v[2+n])
		s.Total[n] = int(v[2+MaxOrder+n])
	}
	return s
}

// logFloor is sacreBLEU's my_log(0): a log that keeps the geometric mean
// finite but drives the score to 0.
const logFloor = -9999999999.0

func myLog(x float64) float64 {
	if x == 0 {
		return logFloor
	}
	return libmLog(x)
}

// compute turns summed statistics into a Score, following sacreBLEU's
// BLEU.compute_bleu step by step (same operations in the same order, so
// the same float64 results).
func (c Config) compute(s Stats) Score { return c.computeWith(s, false) }

// computeWith is compute; with f32 set, add-k smoothing stores its sums in
// float32 as sacreBLEU's resampling does (its statistics are then a numpy
// float32 array, modified in place).
func (c Config) computeWith(s Stats, f32 bool) Score {
	sc := Score{Counts: s.Correct, Totals: s.Total, HypLen: s.HypLen, RefLen: s.RefLen}
	if s.HypLen < s.RefLen {
		if s.HypLen > 0 {
			sc.BP = libmExp(1 - float64(s.RefLen)/float64(s.HypLen))
		}
	} else {
		sc.BP = 1
	}
	any := false
	for _, v := range s.Correct {
		any = any || v != 0
	}
	if !any {
		return sc // no matches at all: 0, without smoothing (sacreBLEU #141)
	}
	method, sv := c.smooth(), c.smoothValue()
	smoothMteval := 1.0
	effOrder := MaxOrder
	for n := 1; n <= MaxOrder; n++ {
		correct, total := float64(s.Correct[n-1]), float64(s.Total[n-1])
		if method == "add-k" && n > 1 {
			correct += sv
			total += sv
			if f32 {
				correct, total = float64(float32(correct)), float64(float32(total))
			}
		}
		if total == 0 {
			break
		}
		if c.EffectiveOrder {
			effOrder = n
		}
		switch {
		case correct != 0:
			sc.Precisions[n-1] = 100 * correct / total
		case method == "exp":
			smoothMteval *= 2
			sc.Precisions[n-1] = 100 / (smoothMteval * total)
		case method == "floor":
			sc.Precisions[n-1] = 100 * sv / total
		}
	}
	sum := 0.0
	for _, p := range sc.Precisions[:effOrder] {
		sum += myLog(p)
	}
	sc.Score = sc.BP * libmExp(sum/float64(effOrder))
	return sc
}

// closestRefLen returns the reference length closest to hypLen, the
// shorter one on ties.
func closestRefLen(hypLen int, refLens []int) int {
	best, bestDiff := -1, -1
	for _, r := range refLens {
		d := hypLen - r
		if d < 0 {
			d = -d
		}
		if bestDiff == -1 || d < bestDiff || (d == bestDiff && r < best) {
			best, bestDiff = r, d
		}
	}
	return best
}
