package bleu

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
)

// PairedResult is one metric's outcome for one system compared with a
// baseline.
type PairedResult struct {
	Score  float64 // the system's actual score
	PValue float64 // chance of an absolute difference at least this large
	// Mean and CI are the bootstrap mean and 95% half width (paired
	// bootstrap only; zero for approximate randomization).
	Mean, CI float64
}

func checkPaired(ms []Metric, base, sys []Matrix) error {
	if len(base) != len(ms) || len(sys) != len(ms) {
		return fmt.Errorf("bleu: %d metrics, %d baseline and %d system matrices", len(ms), len(base), len(sys))
	}
	for k := range ms {
		if base[k].Width != sys[k].Width || base[k].Rows() != sys[k].Rows() {
			return fmt.Errorf("bleu: %s: baseline has %d segments, system %d", ms[k].Name(), base[k].Rows(), sys[k].Rows())
		}
	}
	return nil
}

// pValue is sacreBLEU's (after multeval) p-value: the share of sample
// statistics above the real one, with +1 on both sides.
func pValue(stats []float64, real float64) float64 {
	c := 0
	for _, s := range stats {
		if s > real {
			c++
		}
	}
	return float64(c+1) / float64(len(stats)+1)
}

// PairedBootstrap runs sacreBLEU's paired bootstrap resampling test
// (Koehn 2004, as in Moses' bootstrap-hypothesis-difference-significance.pl)
// of a system against a baseline on each metric: n resamples drawn with
// default_rng(seed), shared by all metrics. base[k] and sys[k] are the
// statistics of metric ms[k].
func PairedBootstrap(ms []Metric, base, sys []Matrix, n int, seed uint64) ([]PairedResult, error) {
	if err := checkPaired(ms, base, sys); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	idx := bootstrapIndices(base[0].Rows(), n, seed)
	out := make([]PairedResult, len(ms))
	for k, m := range ms {
		bl := m.Line(base[k]).Score
		sc := m.Line(sys[k]).Score
		blS := resampleScores(m, base[k], idx)
		sysS := resampleScores(m, sys[k], idx)
		mean, ci := EstimateCI(sysS)
		diffs := make([]float64, len(sysS))
		for i := range diffs {
			diffs[i] = math.Abs(sysS[i] - blS[i])
		}
		dm := pairwiseSum(diffs) / float64(len(diffs))
		for i := range diffs {
			diffs[i] -= dm
		}
		out[k] = PairedResult{Score: sc, PValue: pValue(diffs, math.Abs(bl-sc)), Mean: mean, CI: ci}
	}
	return out, nil
}

// PairedRandomization runs sacreBLEU's paired approximate randomization
// test (Riezler & Maxwell 2005, as in multeval): in each of n trials every
// segment's statistics are swapped between system and baseline with
// probability 1/2, the swaps drawn as default_rng(seed).integers(2,
// size=(n, segments), dtype=bool) and shared by all metrics.
func PairedRandomization(ms []Metric, base, sys []Matrix, n int, seed uint64) ([]PairedResult, error) {
	if err := checkPaired(ms, base, sys); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	rows := base[0].Rows()
	words := (rows + 63) / 64
	sel := make([]uint64, n*words)
	bf := boolFiller{r: newNumpyRNG(seed)}
	for t := range n {
		row := sel[t*words : (t+1)*words]
		for i := range rows {
			if bf.next() {
				row[i>>6] |= 1 << (i & 63)
			}
		}
	}
	out := make([]PairedResult, len(ms))
	for k, m := range ms {
		bl := m.Line(base[k]).Score
		sc := m.Line(sys[k]).Score
		w := base[k].Width
		sysSum := sys[k].Sum()
		both := base[k].Sum()
		for j := range both {
			both[j] += sysSum[j]
		}
		// delta[i] = base row - system row; pseudo-system A takes the
		// baseline's row where the selector is set, B takes the rest.
		delta := make([]int64, len(base[k].Data))
		for i := range delta {
			delta[i] = base[k].Data[i] - sys[k].Data[i]
		}
		stats := make([]float64, n)
		parallelN(n, func(lo, hi int) {
			a := make([]int64, w)
			b := make([]int64, w)
			for t := lo; t < hi; t++ {
				copy(a, sysSum)
				for wi, bitsw := range sel[t*words : (t+1)*words] {
					for bitsw != 0 {
						tz := bits.TrailingZeros64(bitsw)
						bitsw &= bitsw - 1
						d := delta[(wi*64+tz)*w : (wi*64+tz+1)*w]
						for j, v := range d {
							a[j] += v
						}
					}
				}
				for j := range b {
					b[j] = both[j] - a[j]
				}
				stats[t] = math.Abs(m.ScoreVec(a) - m.ScoreVec(b))
			}
		})
		out[k] = PairedResult{Score: sc, PValue: pValue(stats, math.Abs(bl-sc))}
	}
	return out, nil
}

// parallelN calls fn on contiguous chunks of [0, n) on up to GOMAXPROCS
// goroutines.
func parallelN(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/16))
	if workers <= 1 {
		fn(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
