package bleu

import (
	"math/big"
	"slices"
)

// A Metric is BLEU or chrF as the resampling tests see it: per-segment
// statistics in a Matrix, and a score computed from their sum.
type Metric interface {
	Name() string
	Signature() Signature
	Matrix(hyps []string) (Matrix, error)
	// Line returns the corpus score of x with its signature, ready to
	// print, computed as sacreBLEU computes it from the segment statistics.
	Line(x Matrix) Line
	// ScoreVec returns the score of statistics summed exactly (the
	// randomization test's pseudo-systems).
	ScoreVec(sum []int64) float64

	// Float32 returns the statistics of x as sacreBLEU resamples them:
	// np.array(stats, dtype='float32'), row-major.
	Float32(x Matrix) []float32
	// ScoreFloat32 scores statistics summed in float32, with the float32
	// and float64 arithmetic numpy applies to them in sacreBLEU's metric.
	ScoreFloat32(sum []float32) float64
}

// Matrix holds per-segment sufficient statistics, one row of Width
// numbers per segment, in sacreBLEU's order.
type Matrix struct {
	Width int
	Data  []int64
}

// Rows returns the number of segments.
func (m Matrix) Rows() int {
	if m.Width == 0 {
		return 0
	}
	return len(m.Data) / m.Width
}

// Row returns the statistics of segment i.
func (m Matrix) Row(i int) []int64 { return m.Data[i*m.Width : (i+1)*m.Width] }

// Sum returns the column sums.
func (m Matrix) Sum() []int64 {
	s := make([]int64, m.Width)
	for i := 0; i < len(m.Data); i += m.Width {
		for j, v := range m.Data[i : i+m.Width] {
			s[j] += v
		}
	}
	return s
}

// Matrix returns the statistics of hyps as a Matrix.
func (b *BLEU) Matrix(hyps []string) (Matrix, error) {
	st, err := b.Stats(hyps)
	if err != nil {
		return Matrix{}, err
	}
	m := Matrix{Width: statsWidth, Data: make([]int64, statsWidth*len(st))}
	for i, s := range st {
		s.vec(m.Row(i))
	}
	return m, nil
}

// ScoreVec returns BLEU for summed statistics in Matrix order.
func (b *BLEU) ScoreVec(sum []int64) float64 { return b.cfg.compute(statsFromVec(sum)).Score }

// Float32 returns the statistics of x in float32.
func (b *BLEU) Float32(x Matrix) []float32 { return float32s(x) }

// ScoreFloat32 returns BLEU for statistics summed in float32 (integers,
// rounded to float32 beyond 2^24).
func (b *BLEU) ScoreFloat32(sum []float32) float64 {
	v := make([]int64, len(sum))
	for i, f := range sum {
		v[i] = int64(f)
	}
	return b.cfg.computeWith(statsFromVec(v), true).Score
}

// float32s converts every statistic of x to float32.
func float32s(x Matrix) []float32 {
	f := make([]float32, len(x.Data))
	for i, v := range x.Data {
		f[i] = float32(v)
	}
	return f
}

// Matrix returns the statistics of hyps as a Matrix.
func (c *CHRF) Matrix(hyps []string) (Matrix, error) {
	st, err := c.Stats(hyps)
	if err != nil {
		return Matrix{}, err
	}
	w := c.width()
	m := Matrix{Width: w, Data: make([]int64, w*len(st))}
	for i, s := range st {
		for j, v := range s {
			m.Data[i*w+j] = int64(v)
		}
	}
	return m, nil
}

// ScoreVec returns chrF for summed statistics in Matrix order.
func (c *CHRF) ScoreVec(sum []int64) float64 { return c.cfg.fscore(sum) }

// Float32 returns the statistics of x in float32.
func (c *CHRF) Float32(x Matrix) []float32 { return float32s(x) }

// ScoreFloat32 returns chrF for statistics summed in float32.
func (c *CHRF) ScoreFloat32(sum []float32) float64 { return c.cfg.fscore32(sum) }

// bootstrapIndices draws sacreBLEU's resampling indices:
// default_rng(seed).choice(rows, size=(n, rows), replace=True), row-major.
func bootstrapIndices(rows, n int, seed uint64) []int {
	idx := make([]int, rows*n)
	newNumpyRNG(seed).choice(rows, idx)
	return idx
}

// resampleScores scores every resample of x: sample s sums the rows
// idx[s*rows:(s+1)*rows]. As in sacreBLEU (stats_np[idxs], _s.sum(0)),
// the statistics are float32 and each column is summed in float32, row
// after row.
func resampleScores(m Metric, x Matrix, idx []int) []float64 {
	rows, w := x.Rows(), x.Width
	if rows == 0 {
		return nil
	}
	f := m.Float32(x)
	n := len(idx) / rows
	out := make([]float64, n)
	parallelN(n, func(lo, hi int) {
		sum := make([]float32, w)
		for s := lo; s < hi; s++ {
			clear(sum)
			for _, i := range idx[s*rows : (s+1)*rows] {
				for j, v := range f[i*w : (i+1)*w] {
					sum[j] += v
				}
			}
			out[s] = m.ScoreFloat32(sum)
		}
	})
	return out
}

// Bootstrap returns the scores of n bootstrap resamples of the segments of
// x, drawn as sacreBLEU draws them with the given seed.
func Bootstrap(m Metric, x Matrix, n int, seed uint64) []float64 {
	return resampleScores(m, x, bootstrapIndices(x.Rows(), n, seed))
}

// EstimateCI returns the mean of scores and the half width of the 95%
// interval between the n/40-th smallest and largest, as sacreBLEU's
// significance.estimate_ci computes them (numpy's pairwise mean of the
// sorted scores). Paired tests use it.
func EstimateCI(scores []float64) (mean, ci float64) {
	if len(scores) == 0 {
		return 0, 0
	}
	s := slices.Clone(scores)
	slices.Sort(s)
	return pairwiseSum(s) / float64(len(s)), halfWidth(s)
}

// EstimateCIExact is EstimateCI with the mean that Python's
// statistics.mean computes (exact sum, rounded once), as in sacreBLEU's
// Score.estimate_ci, which --confidence uses for a single system.
func EstimateCIExact(scores []float64) (mean, ci float64) {
	if len(scores) == 0 {
		return 0, 0
	}
	s := slices.Clone(scores)
	slices.Sort(s)
	sum := new(big.Rat)
	var r big.Rat
	for _, v := range s {
		sum.Add(sum, r.SetFloat64(v))
	}
	sum.Quo(sum, r.SetInt64(int64(len(s))))
	mean, _ = sum.Float64()
	return mean, halfWidth(s)
}

func halfWidth(sorted []float64) float64 {
	n := len(sorted)
	lo := n / 40
	hi := n - lo - 1
	return 0.5 * (sorted[hi] - sorted[lo])
}

// pairwiseSum adds a like numpy's add.reduce on a contiguous float64
// array: blocks of up to 128 summed with eight accumulators, larger runs
// split in two (at a multiple of 8) and summed recursively.
func pairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for _, v := range a {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range 8 {
				r[j] += a[i+j]
			}
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
	}
}

// Line returns the printable corpus score of x.
func (b *BLEU) Line(x Matrix) Line { return b.Score(statsFromVec(x.Sum())).Line() }

// Line returns the printable corpus score of x.
func (c *CHRF) Line(x Matrix) Line {
	return Line{Name: c.Name(), Score: c.cfg.fscore(x.Sum()), Signature: c.Signature()}
}
